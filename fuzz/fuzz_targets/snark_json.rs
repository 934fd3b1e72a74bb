//! `snark.json` (a member of an aggregation batch): parsing, the member's circuit digest and
//! shape, and its public values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_aggregate::{member_shape, Level, Member};
use zkinfer_prover::SnarkFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = serde_json::from_slice::<SnarkFile>(data) {
        let member = Member::inference(&file);
        let _ = member_shape(&member.snark.protocol, Level::Leaf);
        for info in &member.inferences {
            let _ = info.public_values();
        }
    }
});
