use serde::{Deserialize, Serialize};

/// A dense row-major `f32` tensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FloatTensor {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values, row-major.
    pub data: Vec<f32>,
}

impl FloatTensor {
    /// Number of elements the shape holds.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}

/// Index of a value (an activation tensor) in [`Graph::values`].
pub type ValueId = usize;

/// A named activation with its static shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueInfo {
    /// The ONNX tensor name.
    pub name: String,
    /// Static shape (symbolic batch dimensions resolved to 1 or to the input data's shape).
    pub shape: Vec<usize>,
    /// Whether the ONNX type is an integer or boolean type (graph inputs): such inputs are
    /// exact integers, kept at scale 2^0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
}

/// A float operation of the IR. Constants (weights, biases, target shapes) are folded into the op.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// `y[.., o] = sum_i x[.., i] * weight[o, i] + bias[o]`, over the last axis.
    Linear {
        /// `[out_features, in_features]`, row-major.
        weight: FloatTensor,
        /// `out_features` values.
        bias: Vec<f32>,
    },
    /// 2-D convolution with constant weights `[OC, C/group, KH, KW]` and bias `[OC]`.
    Conv {
        /// Geometry (input shape, kernel, strides, pads, dilations, groups).
        geometry: crate::conv::ConvGeometry,
        /// The weights.
        weight: FloatTensor,
        /// One per output channel.
        bias: Vec<f32>,
    },
    /// Elementwise `y[i] = x[i] * mul[i] + add[i]` with constants (Mul, Div, Add, Sub by a
    /// constant; inference BatchNormalization), broadcast to the input's shape.
    Scale {
        /// One factor per element.
        mul: Vec<f32>,
        /// One term per element.
        add: Vec<f32>,
    },
    /// Elementwise `a + b`, `a - b` or `a * b` of two activations, numpy broadcasting.
    Binary {
        /// Which operation.
        kind: BinaryKind,
    },
    /// `y = max(x, 0)`.
    Relu,
    /// `y = f(x)` elementwise for a univariate nonlinear function, proven by table lookup.
    Function {
        /// The function.
        function: crate::function::Function,
    },
    /// Data movement (Transpose, Slice, Pad, Concat, Gather, Expand, Tile, Split, Resize,
    /// Trilu, ...): output element `i` is element `map[i]` of the inputs laid end to end, or 0
    /// where `map[i]` is `-1`. No arithmetic, so nothing to round.
    Rearrange {
        /// One source per output element.
        map: Vec<i64>,
    },
    /// `y[i] = sum`, `max` or `min` of the input elements `groups[i]` (flat indices).
    Reduce {
        /// Which reduction.
        kind: ReduceKind,
        /// One group of input indices per output element, none empty.
        groups: Vec<Vec<usize>>,
    },
    /// Matrix product of two activations `[.., m, k] x [.., k, n]` (batch axes broadcast).
    MatMul,
    /// Same data, new shape (Flatten, Reshape).
    Reshape {
        /// The output shape.
        shape: Vec<usize>,
    },
    /// A constant tensor used where an op needs an activation (no inputs). Its values are
    /// circuit constants, part of the verifying key and of the model commitment.
    Constant {
        /// The values.
        tensor: FloatTensor,
    },
    /// `y = 1` when `a kind b` holds, else `0` (numpy broadcasting); an exact integer.
    Compare {
        /// Which comparison.
        kind: CompareKind,
    },
    /// Boolean logic on 0/1 values (one input for Not, two otherwise, broadcast).
    Logic {
        /// Which operation.
        kind: LogicKind,
    },
    /// `y = condition ? a : b` elementwise (inputs: condition, a, b; broadcast).
    Where,
    /// The position of the largest (or smallest) element of each group, first or last on ties.
    ArgMax {
        /// One group of input indices per output element, in axis order, none empty.
        groups: Vec<Vec<usize>>,
        /// Largest (ArgMax) or smallest (ArgMin).
        largest: bool,
        /// The last position on ties (ONNX `select_last_index`), else the first.
        last: bool,
    },
    /// The `k` largest (or smallest) elements of each group, sorted.
    TopK {
        /// The input indices of each group, in axis order.
        groups: Vec<Vec<usize>>,
        /// Per output element: `(group, rank)`, rank 0 the largest (or smallest).
        slots: Vec<(usize, usize)>,
        /// Largest or smallest first.
        largest: bool,
    },
    /// Gather with computed indices (inputs: data, indices): output `i` is
    /// `data[candidates[i][indices[index_of[i]]]]`; an index outside the candidates is an error.
    Gather {
        /// Per output element: which element of the indices tensor picks it.
        index_of: Vec<usize>,
        /// Per output element: the data elements indices 0, 1, ... select.
        candidates: Vec<Vec<usize>>,
    },
    /// ScatterElements (inputs: data, indices, updates): output `i` is the last
    /// `updates[u]` among `writers[i] = [(j, u)]` whose index `indices[j]` equals `position[i]`,
    /// else `data[i]`.
    Scatter {
        /// Per output element, its coordinate on the scatter axis.
        position: Vec<i64>,
        /// Per output element, the (index element, update element) pairs that may write it.
        writers: Vec<Vec<(usize, usize)>>,
        /// Length of the scatter axis; an index outside `[0, axis_len)` is an error.
        axis_len: usize,
    },
    /// ONNX Cast to an integer type: truncation toward zero (nothing to do on integers).
    Truncate,
    /// Division of an integer tensor by positive integer constants, truncating toward zero
    /// (ONNX `Div` on integer types), exact.
    IntDiv {
        /// One divisor per element.
        divisor: Vec<i64>,
    },
}

impl Op {
    /// A short name for messages and tables.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Linear { .. } => "Linear",
            Op::Conv { .. } => "Conv",
            Op::Scale { .. } => "Scale",
            Op::Binary { .. } => "Binary",
            Op::Relu => "Relu",
            Op::Function { .. } => "Function",
            Op::Rearrange { .. } => "Rearrange",
            Op::Reduce { .. } => "Reduce",
            Op::MatMul => "MatMul",
            Op::Reshape { .. } => "Reshape",
            Op::Constant { .. } => "Constant",
            Op::Compare { .. } => "Compare",
            Op::Logic { .. } => "Logic",
            Op::Where => "Where",
            Op::ArgMax { .. } => "ArgMax",
            Op::TopK { .. } => "TopK",
            Op::Gather { .. } => "Gather",
            Op::Truncate => "Truncate",
            Op::Scatter { .. } => "Scatter",
            Op::IntDiv { .. } => "IntDiv",
        }
    }
}

/// How [`Op::Reduce`] combines a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReduceKind {
    /// The sum (exact, no rescale).
    Sum,
    /// The largest element.
    Max,
    /// The smallest element.
    Min,
}

impl ReduceKind {
    /// The reduction of a group of integers (`None` for an empty group).
    pub fn apply(self, xs: impl Iterator<Item = i128>) -> Option<i128> {
        match self {
            ReduceKind::Sum => Some(xs.sum()),
            ReduceKind::Max => xs.max(),
            ReduceKind::Min => xs.min(),
        }
    }
}

/// A comparison of two values at the same scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareKind {
    /// `a < b`.
    Less,
    /// `a <= b`.
    LessOrEqual,
    /// `a > b`.
    Greater,
    /// `a >= b`.
    GreaterOrEqual,
    /// `a == b`.
    Equal,
    /// `a != b` (a Cast to bool).
    NotEqual,
}

impl CompareKind {
    /// Whether `a kind b` holds.
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CompareKind::Less => a < b,
            CompareKind::LessOrEqual => a <= b,
            CompareKind::Greater => a > b,
            CompareKind::GreaterOrEqual => a >= b,
            CompareKind::Equal => a == b,
            CompareKind::NotEqual => a != b,
        }
    }
}

/// Boolean logic on values that must be 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogicKind {
    /// `1 - a`.
    Not,
    /// `a * b`.
    And,
    /// `a + b - a * b`.
    Or,
    /// `a + b - 2 a b`.
    Xor,
}

impl LogicKind {
    /// The result on 0/1 operands (`b` ignored by Not), or `None` when one is not 0 or 1.
    pub fn apply(self, a: i64, b: i64) -> Option<i64> {
        let bit = |v: i64| matches!(v, 0 | 1).then_some(v);
        let a = bit(a)?;
        let b = if self == LogicKind::Not { 0 } else { bit(b)? };
        Some(match self {
            LogicKind::Not => 1 - a,
            LogicKind::And => a & b,
            LogicKind::Or => a | b,
            LogicKind::Xor => a ^ b,
        })
    }
}

/// An elementwise operation on two activations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryKind {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b` (rescaled back to the activation scale).
    Mul,
    /// `a * b` kept exactly, at the sum of the operand scales (squares summed into variances,
    /// which would round to nothing at the activation scale).
    MulWide,
}

/// One operation applied to activations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The ONNX node name (or `#index`).
    pub name: String,
    /// The ONNX op type(s) this node came from, e.g. `MatMul+Add`.
    pub op_type: String,
    /// The operation.
    pub op: Op,
    /// Activation inputs.
    pub inputs: Vec<ValueId>,
    /// The activation this node produces.
    pub output: ValueId,
}

/// The compiler's own graph: activations, ops in topological order, graph inputs and outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    /// The model's name (file stem).
    pub name: String,
    /// Every activation.
    pub values: Vec<ValueInfo>,
    /// The graph inputs, in ONNX order.
    pub inputs: Vec<ValueId>,
    /// The nodes, each after the nodes producing its inputs.
    pub nodes: Vec<Node>,
    /// The graph outputs, in ONNX order.
    pub outputs: Vec<ValueId>,
}

impl Graph {
    /// The shapes of the graph inputs.
    pub fn input_shapes(&self) -> Vec<Vec<usize>> {
        self.inputs.iter().map(|&v| self.values[v].shape.clone()).collect()
    }

    /// The shapes of the graph outputs.
    pub fn output_shapes(&self) -> Vec<Vec<usize>> {
        self.outputs.iter().map(|&v| self.values[v].shape.clone()).collect()
    }

    /// The distinct ONNX op types used, sorted.
    pub fn op_types(&self) -> Vec<String> {
        let mut ops: Vec<String> = self
            .nodes
            .iter()
            .flat_map(|n| n.op_type.split('+').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        ops.sort();
        ops.dedup();
        ops
    }
}

/// The output shape of a batched matrix product `[.., m, k] x [.., k, n]` (both at least 2-D,
/// batch axes broadcast), or `None` when the shapes do not multiply.
pub fn matmul_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let (ra, rb) = (a.len(), b.len());
    if ra < 2 || rb < 2 || a[ra - 1] != b[rb - 2] {
        return None;
    }
    let mut shape = crate::fixed_point::broadcast_shape(&a[..ra - 2], &b[..rb - 2])?;
    shape.extend([a[ra - 2], b[rb - 1]]);
    Some(shape)
}

/// For each output element of `[.., m, k] x [.., k, n]`: the `k` pairs of flat operand indices
/// it sums (one definition for the executor and the circuit).
pub fn matmul_terms(a: &[usize], b: &[usize], out: &[usize]) -> Vec<Vec<(usize, usize)>> {
    let (ra, rb, ro) = (a.len(), b.len(), out.len());
    let (m, k, n) = (a[ra - 2], a[ra - 1], b[rb - 1]);
    let total: usize = out.iter().product();
    (0..total)
        .map(|i| {
            let (batch, r) = (i / (m * n), i % (m * n));
            let (row, col) = (r / n, r % n);
            let a_base = crate::fixed_point::broadcast_index(&out[..ro - 2], &a[..ra - 2], batch) * m * k;
            let b_base = crate::fixed_point::broadcast_index(&out[..ro - 2], &b[..rb - 2], batch) * k * n;
            (0..k).map(|j| (a_base + row * k + j, b_base + j * n + col)).collect()
        })
        .collect()
}
