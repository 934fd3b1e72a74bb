#![doc = include_str!("../README.md")]

mod circuit;
mod error;
mod keys;
mod proof;

pub use circuit::{circuit_digest, Level, Link, ACCUMULATOR_WORDS};
pub use error::{Error, Result};
pub use keys::{load_or_keygen, member_shape, read_vk, save, AggregationKeys, AggregationSettings};
pub use proof::{
    aggregate, aggregate_segments, verify, verify_file, Aggregated, AggregationProof, Member, MemberInfo,
    Transcript, AGGREGATION_FORMAT, MAX_MEMBERS,
};
pub use snark_verifier_sdk::halo2::aggregation::AggregationConfigParams;
