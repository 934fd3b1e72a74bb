//! Our verifier: one EVM contract for every circuit we compile, reading the circuit-specific
//! part (the verifying key) as data.

mod encode;
mod expr;
mod reference;
mod vk_data;

pub use encode::{data_contract, g2_words, HEADER, HEADER_WORDS, VK_VERSION};
pub use expr::{op, Inputs, Program};
pub use reference::{verify as reference_verify, Rejection};
pub use vk_data::{QuerySet, VkData};
