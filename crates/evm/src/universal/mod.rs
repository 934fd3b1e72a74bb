//! Our verifier: one EVM contract for every circuit we compile, reading the circuit-specific
//! part (the verifying key) as data.

mod artifact;
mod deploy;
mod encode;
mod expr;
mod reference;
mod vk_data;

pub use artifact::{universal_check, UniversalCheck, UniversalKeyArtifact};
pub use deploy::{
    compile_universal_verifier, constructor_args, verify_calldata, LocalEvm, VerifyOutcome,
    UNIVERSAL_VERIFIER, UNIVERSAL_VERIFIER_SOURCE,
};
pub use encode::{
    data_contract, g2_words, ACCUMULATOR_LIMBS, ACCUMULATOR_LIMB_BITS, HEADER, HEADER_BYTES,
    HEADER_FIELD_BYTES, HEADER_WORDS, VK_VERSION,
};
pub use expr::{op, Inputs, Program};
pub use reference::{trace as reference_trace, verify as reference_verify, Rejection};
pub use vk_data::{QuerySet, VkData};
