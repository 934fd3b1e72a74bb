#![doc = include_str!("../README.md")]

mod calibrate;
mod commitment;
mod compiled;
mod conv;
mod discrete;
mod error;
mod executor;
mod fidelity;
mod fixed_point;
mod float_reference;
mod function;
mod graph;
mod input;
mod lower;
mod onnx;
mod quantize;
mod split;
mod validate;
mod visibility;

pub use calibrate::{default_function_range, MAX_TABLE_ROWS};
pub use commitment::{id_hex, model_id, MODEL_ID_DOMAIN};
pub use compiled::{CompiledModel, COMPILED_FORMAT};
pub use conv::ConvGeometry;
pub use discrete::{arg_extreme, sorted_extremes};
pub use error::{Error, Result};
pub use executor::{execute, quantize_inputs, Trace};
pub use fidelity::Fidelity;
pub use fixed_point::{
    broadcast_index, broadcast_shape, dequantize, in_range, packed_words, quantize, quantize_bits, rescale,
    BIAS_BITS, LANES_PER_WORD, MAX_SHIFT, VALUE_BITS, VALUE_MAX, VALUE_MIN,
};
pub use float_reference::float_reference;
pub use function::Function;
pub use graph::{
    matmul_shape, matmul_terms, BinaryKind, CompareKind, FloatTensor, Graph, LogicKind, Node, Op, ReduceKind,
    ValueId, ValueInfo,
};
pub use input::InputData;
pub use onnx::{load_onnx, load_onnx_bytes, onnx_op_types};
pub use quantize::{QuantNode, QuantOp, QuantValue, QuantizedModel, Scales, QUANTIZED_FORMAT};
pub use visibility::{
    ParamVisibility, Parameters, Visibilities, Visibility, WIDE_LANES_PER_WORD, WIDE_LANE_BITS,
};
