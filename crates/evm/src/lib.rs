#![doc = include_str!("../README.md")]

mod calldata;
mod error;
mod evm_check;
mod solc;
mod universal;
mod verifier;

pub use calldata::encode_calldata;
pub use error::{Error, Result};
pub use evm_check::{evm_verify, EvmCheck};
pub use solc::{CompiledContract, Solc};
pub use universal::{
    compile_universal_verifier, constructor_args, data_contract, g2_words, op, reference_trace,
    reference_verify, universal_check, verify_calldata, Inputs, LocalEvm, Program, QuerySet, Rejection,
    UniversalCheck, UniversalKeyArtifact, VerifyOutcome, VkData, ACCUMULATOR_LIMBS, ACCUMULATOR_LIMB_BITS,
    HEADER, HEADER_BYTES, HEADER_FIELD_BYTES, HEADER_WORDS, UNIVERSAL_VERIFIER, UNIVERSAL_VERIFIER_SOURCE,
    VK_VERSION,
};
pub use verifier::{
    aggregation_verifier_solidity, compile_verifier, verifier_solidity, VerifierArtifact, EIP170_LIMIT,
};
