//! `aggregation.json`: parsing, instances, the registry's batch proof bytes, and the proof as a
//! member of the next tree level.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_aggregate::{member_shape, AggregationProof, Level, Member};

fuzz_target!(|data: &[u8]| {
    if let Ok(proof) = serde_json::from_slice::<AggregationProof>(data) {
        let _ = proof.instance_values();
        let _ = proof.batch_proof_bytes();
        for info in &proof.members {
            let _ = info.public_values();
        }
        if let Ok(member) = Member::aggregation(&proof) {
            let _ = member_shape(&member.snark.protocol, Level::Node);
        }
    }
});
