//! Chips layered as in halo2-lib: halo2-base's gate and range chips, then fixed-point
//! arithmetic ([`FixedPointChip`]), then the ML ops built on it.

mod binary;
mod compare;
mod conv;
mod dense;
mod fixed_point;
mod function;
mod linear;
mod reduce;
mod relu;
mod select;

pub use binary::binary;
pub use compare::{compare, int_div, logic, select_where};
pub use conv::ConvLayer;
pub use dense::{DenseChip, DenseConfig, DENSE_WIDTH};
pub use fixed_point::FixedPointChip;
pub use function::{FunctionChip, FunctionTables, TableSpec};
pub use linear::{affine, affine_cells, affine_dense, LinearLayer, WeightCells, WeightMode};
pub use reduce::{max_or_min, reduce};
pub use relu::relu;
pub use select::{arg_extreme, gather, indicator, scatter, top_k};
