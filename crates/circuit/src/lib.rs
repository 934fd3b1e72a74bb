#![doc = include_str!("../README.md")]

mod chips;
mod cost;
mod error;
mod field;
mod instances;
mod model_circuit;
mod proving_circuit;

pub use chips::{
    affine, affine_cells, affine_dense, arg_extreme, binary, compare, gather, indicator, int_div, logic,
    max_or_min, reduce, relu, scatter, select_where, top_k, ConvLayer, DenseChip, DenseConfig,
    FixedPointChip, FunctionChip, FunctionTables, LinearLayer, TableSpec, WeightCells, WeightMode,
    DENSE_WIDTH,
};
pub use cost::{Estimate, Floor, GAS_PER_PROVE_SECOND};
pub use error::{Error, Result};
pub use field::{fe, pow2};
pub use halo2_base;
pub use instances::{
    model_num_instances, num_instances, poseidon, public_instances, values_hash, weights_hash, Exposed,
    PublicValues,
};
pub use model_circuit::{
    advice_budget, DenseGate, Layout, ModelCircuit, MAX_DENSE_COLUMNS, MAX_K, MIN_K, UNUSABLE_ROWS,
};
pub use proving_circuit::{CircuitParams, ProvingCircuit, ProvingConfig};
pub use snark_verifier_sdk;
