//! `proof.json`: parsing and every decoding the CLI does before verifying (public values under
//! the demo model's visibilities, instances, proof hex).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_prover::ProofFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = serde_json::from_slice::<ProofFile>(data) {
        let _ = file.public_values(&zkinfer_fuzz::risk_mlp().model);
        let _ = file.instance_values();
        let _ = file.proof_bytes();
    }
});
