#![doc = include_str!("../README.md")]

mod circuit;
mod error;
mod keys;
mod proof;

pub use circuit::{circuit_digest, Level, Link, ACCUMULATOR_WORDS};
pub use error::{Error, Result};
pub use keys::{
    aggregation_peak_bytes, load_or_keygen, member_shape, read_vk, save, AggregationKeys, AggregationSettings,
};
#[cfg(feature = "test-utils")]
#[doc(hidden)]
pub use proof::aggregate_unchecked;
pub use proof::{
    aggregate, aggregate_segments, aggregate_within, verify, verify_file, Aggregated, AggregationProof,
    Member, MemberInfo, Transcript, AGGREGATION_FORMAT, MAX_MEMBERS,
};
pub use snark_verifier_sdk::halo2::aggregation::AggregationConfigParams;
