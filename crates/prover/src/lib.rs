#![doc = include_str!("../README.md")]

mod artifacts;
mod error;
mod fast_setup;
mod keys;
mod memory;
mod prove;
mod snark;
mod srs;

pub use artifacts::{fr_from_hex, fr_to_hex, read_json, write_json, ProofFile, PROOF_FORMAT};
pub use error::{Error, Result};
pub use keys::{
    keygen, layout, layout_for, layout_with, load_or_keygen, read_key_pk, read_key_settings, read_key_vk,
    read_vk, save_keys, shape_trace, srs_fingerprint, write_key_dir, CircuitSettings, Keys,
};
pub use memory::MemoryBudget;
pub use prove::{prove, verify};
pub use snark::{protocol, prove_snark, verify_snark, SnarkFile, SNARK_FORMAT};
pub use srs::{
    check_deploy_srs, deploy_srs_policy, dev_s_g2, dev_srs, known_ceremony_file, load_srs, Srs, SrsOrigin,
    KNOWN_CEREMONY_FILES, LOCAL_CHAIN_ID,
};
