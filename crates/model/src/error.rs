use std::path::PathBuf;

/// Everything that can go wrong between an ONNX file and an integer execution trace.
///
/// Every variant names what the user can act on: the file, the node, the op, the shape or the
/// value that is wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a valid ONNX protobuf, or the protobuf is not a usable model.
    #[error("{path}: malformed ONNX model: {reason}")]
    MalformedOnnx {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An ONNX operator the compiler does not lower (yet).
    #[error("node `{node}`: unsupported ONNX op `{op_type}`{}", detail(.reason))]
    UnsupportedOp {
        /// The node name (or `#index` when unnamed).
        node: String,
        /// The ONNX `op_type`.
        op_type: String,
        /// Why, when the op is known but this use of it is not.
        reason: String,
    },
    /// An op input that must be a constant (weights, biases, target shapes) is computed at run time.
    #[error("node `{node}` ({op_type}): input `{input}` must be a constant initializer")]
    NotConstant {
        /// The node name.
        node: String,
        /// The ONNX `op_type`.
        op_type: String,
        /// The input tensor name.
        input: String,
    },
    /// Shapes that do not fit together.
    #[error("node `{node}` ({op_type}): shape mismatch: {reason}")]
    Shape {
        /// The node name.
        node: String,
        /// The op.
        op_type: String,
        /// Which shapes and why.
        reason: String,
    },
    /// The input JSON cannot be used with this model.
    #[error("{path}: {reason}")]
    InputData {
        /// The input file (or `<memory>`).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A value does not fit the fixed-point range that the circuit enforces.
    #[error("{place}: value {value} does not fit in {bits}-bit signed fixed point (scale 2^{scale}); lower the scale or clip the input")]
    OutOfRange {
        /// Where: an input element, a weight or a node's output.
        place: String,
        /// The offending value (as it was before rounding, for floats).
        value: String,
        /// The signed bit width allowed.
        bits: u32,
        /// The fixed-point scale in bits.
        scale: u32,
    },
    /// A lookup-table op met an input outside the range its table was calibrated for.
    #[error("{place}: input {value} (real {real}) is outside the calibrated lookup range [{lo}, {hi}] (real [{real_lo}, {real_hi}]); recalibrate with sample inputs that reach it (`zkinfer compile --input` or `zkinfer calibrate`)")]
    OutsideCalibratedRange {
        /// The node and element.
        place: String,
        /// The fixed-point input.
        value: i64,
        /// It as a real number.
        real: f64,
        /// Smallest tabulated input.
        lo: i64,
        /// Largest tabulated input.
        hi: i64,
        /// `lo` as a real number.
        real_lo: f64,
        /// `hi` as a real number.
        real_hi: f64,
    },
    /// A function met an input where it is undefined or leaves the value range.
    #[error(
        "{place}: {function} at {real} (fixed point {value}) is undefined or does not fit the value range"
    )]
    FunctionDomain {
        /// The node and element.
        place: String,
        /// The function's name.
        function: &'static str,
        /// The fixed-point input.
        value: i64,
        /// It as a real number.
        real: f64,
    },
    /// The inputs a lookup-table node sees span more values than one table may hold.
    #[error("node `{node}` ({op_type}): calibrated inputs span [{lo}, {hi}], a table of {rows} rows (more than 2^20); lower the input scale")]
    TableTooLarge {
        /// The node.
        node: String,
        /// The op.
        op_type: String,
        /// Smallest input seen.
        lo: i64,
        /// Largest input seen.
        hi: i64,
        /// Rows the widened range needs.
        rows: u64,
    },
    /// A computed value an op cannot take: an index outside its axis, a flag that is not 0 or 1.
    #[error("{place}: {reason}")]
    InvalidValue {
        /// Node, op and element.
        place: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// The float reference run through tract failed.
    #[error("float reference (tract) failed: {0}")]
    FloatReference(String),
    /// A compiled-model JSON does not hold together.
    #[error("compiled model: {0}")]
    Compiled(String),
}

fn detail(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
