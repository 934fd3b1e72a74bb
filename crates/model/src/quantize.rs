use serde::{Deserialize, Serialize};

/// Fixed-point scales chosen for a model, in bits: a real `x` is represented by
/// `round(x * 2^scale)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scales {
    /// Scale of the inputs and of every activation.
    pub input: u32,
    /// Scale of the weights; biases use `input + param`.
    pub param: u32,
}

impl Default for Scales {
    fn default() -> Self {
        Self { input: 8, param: 8 }
    }
}

/// An integer operation. Every op reads and writes activations at the activation scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuantOp {
    /// `y[.., o] = rescale(sum_i x[.., i] * weight[o * in + i] + bias[o], shift)`.
    Linear {
        /// Input features.
        in_features: usize,
        /// Output features.
        out_features: usize,
        /// `[out, in]` row-major, at the param scale.
        weight: Vec<i64>,
        /// At the input scale plus the param scale.
        bias: Vec<i64>,
        /// Bits to divide by after accumulating (the param scale).
        shift: u32,
    },
    /// `y[n, oc, oh, ow] = rescale(sum over the taps of x * weight + bias[oc], shift)`; see
    /// [`ConvGeometry::taps`](crate::ConvGeometry::taps).
    Conv {
        /// Input shape, kernel, strides, pads, dilations, groups.
        geometry: crate::conv::ConvGeometry,
        /// `[OC, C/group, KH, KW]` row-major, at the param scale.
        weight: Vec<i64>,
        /// One per output channel, at the input scale plus the param scale.
        bias: Vec<i64>,
        /// Bits to divide by after accumulating (the param scale).
        shift: u32,
    },
    /// `y[i] = rescale(x[i] * weight[i] + bias[i], shift)`.
    Scale {
        /// One per element, at the param scale.
        weight: Vec<i64>,
        /// One per element, at the input scale plus the param scale.
        bias: Vec<i64>,
        /// Bits to divide by (the param scale).
        shift: u32,
    },
    /// `y = a + b` or `a - b` (same scale, no rescale), or `y = rescale(a * b, shift)`; operands
    /// broadcast to the output shape.
    Binary {
        /// Which operation.
        op: crate::graph::BinaryKind,
        /// For Mul: the activation scale, to bring `a * b` back to it.
        shift: u32,
    },
    /// `y = max(x, 0)`.
    Relu,
    /// `y = function.quantized(x, in_scale, out_scale)` elementwise, proven by a lookup into a
    /// fixed table holding every `x` of `range`; an input outside it is an error, not a guess.
    Function {
        /// The function.
        function: crate::function::Function,
        /// Scale of `x`.
        in_scale: u32,
        /// Scale of `y`.
        out_scale: u32,
        /// The inputs the table holds, `[lo, hi]` inclusive (calibrated, see
        /// [`QuantizedModel::calibrate`]).
        range: [i64; 2],
    },
    /// `y[i] = inputs laid end to end [map[i]]`, or 0 where `map[i] = -1`.
    Rearrange {
        /// One source per output element.
        map: Vec<i64>,
    },
    /// `y[i] = kind` over the input elements `groups[i]` (no rescale: same scale in and out).
    Reduce {
        /// Sum, max or min.
        reduction: crate::graph::ReduceKind,
        /// Input indices per output element.
        groups: Vec<Vec<usize>>,
    },
    /// `y = rescale(sum_j a[.., i, j] * b[.., j, n], shift)` of two activations; see
    /// [`matmul_terms`](crate::graph::matmul_terms).
    MatMul {
        /// The activation scale, to bring products back to it.
        shift: u32,
    },
    /// Same values, new shape.
    Reshape,
    /// Constant values (no inputs), circuit constants.
    Constant {
        /// The values at the output's scale.
        values: Vec<i64>,
    },
    /// `y = 1` when `a kind b`, else 0 (operands at the same scale, broadcast).
    Compare {
        /// Which comparison.
        compare: crate::graph::CompareKind,
    },
    /// Boolean logic; every operand must be 0 or 1.
    Logic {
        /// Not, And, Or or Xor.
        logic: crate::graph::LogicKind,
    },
    /// `y = c ? a : b` (inputs c, a, b; `c` must be 0 or 1; `a`, `b` at the output's scale).
    Where,
    /// Position of the largest (smallest) element of each group.
    ArgMax {
        /// Input indices per output element, in axis order.
        groups: Vec<Vec<usize>>,
        /// Largest or smallest.
        largest: bool,
        /// Last position on ties instead of the first.
        last: bool,
    },
    /// The `k` largest (smallest) elements of each group, sorted.
    TopK {
        /// Input indices of each group.
        groups: Vec<Vec<usize>>,
        /// Per output element `(group, rank)`.
        slots: Vec<(usize, usize)>,
        /// Largest or smallest first.
        largest: bool,
    },
    /// ScatterElements: `y[i]` = the last `updates[u]` of `writers[i]` whose
    /// `indices[j] == position[i]`, else `data[i]` (inputs data, indices at 2^0, updates).
    Scatter {
        /// Per output element, its coordinate on the scatter axis.
        position: Vec<i64>,
        /// Per output element, the (index element, update element) pairs that may write it.
        writers: Vec<Vec<(usize, usize)>>,
        /// Length of the scatter axis; an index outside `[0, axis_len)` is an executor error
        /// and leaves the circuit unsatisfiable.
        axis_len: usize,
    },
    /// `y[i] = trunc(x[i] / divisor[i])` on integers (scale 2^0), divisors positive.
    IntDiv {
        /// One per element.
        divisor: Vec<i64>,
    },
    /// `y[i] = data[candidates[i][indices[index_of[i]]]]` (inputs data, indices at scale 2^0).
    Gather {
        /// Per output element, the element of the indices tensor that picks it.
        index_of: Vec<usize>,
        /// Per output element, the data elements the index values 0, 1, ... select.
        candidates: Vec<Vec<usize>>,
    },
}

/// A quantized node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantNode {
    /// The ONNX node name.
    pub name: String,
    /// The ONNX op type(s) lowered here.
    pub op_type: String,
    /// The integer op.
    pub op: QuantOp,
    /// Input value ids.
    pub inputs: Vec<usize>,
    /// Output value id.
    pub output: usize,
}

/// A tensor of the quantized graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantValue {
    /// The ONNX tensor name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its fixed-point scale in bits.
    pub scale: u32,
}

impl QuantValue {
    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The integer model that the circuit proves: architecture, quantized weights and scales. Its
/// canonical JSON is what the model commitment hashes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantizedModel {
    /// Format tag, bumped whenever the meaning of a field changes.
    pub format: String,
    /// The model's name.
    pub name: String,
    /// Signed bit width of every value.
    pub value_bits: u32,
    /// The chosen scales.
    pub scales: Scales,
    /// Every tensor.
    pub values: Vec<QuantValue>,
    /// Graph inputs (value ids).
    pub inputs: Vec<usize>,
    /// Graph outputs (value ids).
    pub outputs: Vec<usize>,
    /// Nodes in topological order.
    pub nodes: Vec<QuantNode>,
    /// What a proof reveals of the inputs, outputs and weights. Left out of the JSON (and so
    /// of the model id) when it is the default: public, public, fixed.
    #[serde(default, skip_serializing_if = "crate::visibility::Visibilities::is_default")]
    pub visibility: crate::visibility::Visibilities,
}

/// The current [`QuantizedModel::format`].
pub const QUANTIZED_FORMAT: &str = "zkinfer.quantized.v1";

impl QuantizedModel {
    /// For an elementwise node: the flat index into each input behind each output element
    /// (numpy broadcasting), shared by the executor and the circuit.
    pub fn broadcast_operands(&self, node: &QuantNode) -> Vec<Vec<usize>> {
        let out = &self.values[node.output].shape;
        (0..self.values[node.output].numel())
            .map(|i| {
                node.inputs
                    .iter()
                    .map(|&v| crate::fixed_point::broadcast_index(out, &self.values[v].shape, i))
                    .collect()
            })
            .collect()
    }

    /// For a two-activation MatMul node: the operand index pairs summed by each output.
    pub fn matmul_terms(&self, node: &QuantNode) -> Vec<Vec<(usize, usize)>> {
        crate::graph::matmul_terms(
            &self.values[node.inputs[0]].shape,
            &self.values[node.inputs[1]].shape,
            &self.values[node.output].shape,
        )
    }

    /// Total number of input values over all graph inputs.
    pub fn input_len(&self) -> usize {
        self.inputs.iter().map(|&v| self.values[v].numel()).sum()
    }

    /// Total number of output values over all graph outputs.
    pub fn output_len(&self) -> usize {
        self.outputs.iter().map(|&v| self.values[v].numel()).sum()
    }

    /// Scale of the real-valued inputs (integer and boolean inputs are at 2^0).
    pub fn input_scale(&self) -> u32 {
        self.inputs.iter().map(|&v| self.values[v].scale).max().unwrap_or(self.scales.input)
    }

    /// Scale of the (first) output (every output shares it).
    pub fn output_scale(&self) -> u32 {
        self.outputs.first().map_or(self.scales.input, |&v| self.values[v].scale)
    }
}
