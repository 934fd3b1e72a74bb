use serde::{Deserialize, Serialize};

use crate::calibrate::{default_function_range, MAX_TABLE_ROWS};
use crate::fixed_point::{quantize_bits, BIAS_BITS, VALUE_BITS};
use crate::graph::{BinaryKind, Graph, Op};
use crate::{Error, Result};

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
}

/// The current [`QuantizedModel::format`].
pub const QUANTIZED_FORMAT: &str = "zkinfer.quantized.v1";

impl QuantizedModel {
    /// Quantizes a float graph at the given scales.
    pub fn from_graph(graph: &Graph, scales: Scales) -> Result<Self> {
        let mut values: Vec<QuantValue> = graph
            .values
            .iter()
            .map(|v| QuantValue { name: v.name.clone(), shape: v.shape.clone(), scale: scales.input })
            .collect();
        let mut nodes = Vec::with_capacity(graph.nodes.len());
        for node in &graph.nodes {
            let place = |what: &str, i: usize| format!("node `{}` ({}) {what}[{i}]", node.name, node.op_type);
            // Every op keeps its input's scale, except functions (back to the activation
            // scale) and products (see below).
            let in_scale = values[node.inputs[0]].scale;
            let other_scale = node.inputs.get(1).map_or(in_scale, |&v| values[v].scale);
            let mut out_scale = in_scale;
            let mixed = node.inputs.iter().any(|&v| values[v].scale != in_scale);
            let ints = |xs: &[f32], scale: u32, bits: u32, what: &str| {
                xs.iter()
                    .enumerate()
                    .map(|(i, &x)| {
                        quantize_bits(x, scale, bits).ok_or_else(|| Error::OutOfRange {
                            place: place(what, i),
                            value: x.to_string(),
                            bits,
                            scale,
                        })
                    })
                    .collect::<Result<Vec<_>>>()
            };
            let weights = |w: &[f32]| ints(w, scales.param, VALUE_BITS, "weight");
            let biases = |b: &[f32]| ints(b, in_scale + scales.param, BIAS_BITS, "bias");
            let op = match &node.op {
                Op::Linear { weight, bias } => {
                    let (weight, bias) = (weights(&weight.data)?, biases(bias)?);
                    let out_features = bias.len();
                    QuantOp::Linear {
                        in_features: weight.len() / out_features.max(1),
                        out_features,
                        weight,
                        bias,
                        shift: scales.param,
                    }
                }
                Op::Conv { geometry, weight, bias } => QuantOp::Conv {
                    geometry: geometry.clone(),
                    weight: weights(&weight.data)?,
                    bias: biases(bias)?,
                    shift: scales.param,
                },
                Op::Scale { mul, add } => {
                    // Small factors (a mean's 1/n) would lose most of their bits at the param
                    // scale: give them as many extra bits as they have leading zeros.
                    let largest = mul.iter().fold(0f32, |m, v| m.max(v.abs()));
                    let extra =
                        if largest > 0.0 { (-largest.log2().floor()).clamp(0.0, 16.0) as u32 } else { 0 };
                    let shift = scales.param + extra;
                    let weight = ints(mul, shift, VALUE_BITS, "weight")?;
                    let bias = ints(add, in_scale + shift, BIAS_BITS, "bias")?;
                    QuantOp::Scale { weight, bias, shift }
                }
                Op::Binary { kind: BinaryKind::MulWide } => {
                    out_scale = in_scale + other_scale;
                    QuantOp::Binary { op: BinaryKind::Mul, shift: 0 }
                }
                Op::Binary { kind: BinaryKind::Mul } => {
                    let shift = in_scale.min(other_scale);
                    out_scale = in_scale + other_scale - shift;
                    QuantOp::Binary { op: BinaryKind::Mul, shift }
                }
                Op::Binary { kind } if mixed => {
                    return Err(Error::Compiled(format!(
                        "node `{}` ({}): {kind:?} of operands at scales 2^{in_scale} and 2^{other_scale}",
                        node.name, node.op_type
                    )))
                }
                Op::Binary { kind } => QuantOp::Binary { op: *kind, shift: 0 },
                Op::Relu => QuantOp::Relu,
                Op::Function { function } => {
                    out_scale = scales.input;
                    QuantOp::Function {
                        function: *function,
                        in_scale,
                        out_scale,
                        range: default_function_range(in_scale),
                    }
                }
                Op::Rearrange { .. } if mixed => {
                    return Err(Error::Compiled(format!(
                        "node `{}` ({}): joins tensors of different scales",
                        node.name, node.op_type
                    )))
                }
                Op::Rearrange { map } => QuantOp::Rearrange { map: map.clone() },
                Op::Reduce { kind, groups } => QuantOp::Reduce { reduction: *kind, groups: groups.clone() },
                Op::MatMul => {
                    let shift = in_scale.min(other_scale);
                    out_scale = in_scale + other_scale - shift;
                    QuantOp::MatMul { shift }
                }
                Op::Reshape { .. } => QuantOp::Reshape,
            };
            values[node.output].scale = out_scale;
            nodes.push(QuantNode {
                name: node.name.clone(),
                op_type: node.op_type.clone(),
                op,
                inputs: node.inputs.clone(),
                output: node.output,
            });
        }
        Ok(Self {
            format: QUANTIZED_FORMAT.into(),
            name: graph.name.clone(),
            value_bits: VALUE_BITS,
            scales,
            values,
            inputs: graph.inputs.clone(),
            outputs: graph.outputs.clone(),
            nodes,
        })
    }

    /// For a two-input node: the flat indices of both operands behind each output element
    /// (numpy broadcasting), shared by the executor and the circuit.
    pub fn operand_indices(&self, node: &QuantNode) -> Vec<(usize, usize)> {
        let out = &self.values[node.output].shape;
        let (a, b) = (&self.values[node.inputs[0]].shape, &self.values[node.inputs[1]].shape);
        (0..self.values[node.output].numel())
            .map(|i| {
                (
                    crate::fixed_point::broadcast_index(out, a, i),
                    crate::fixed_point::broadcast_index(out, b, i),
                )
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

    /// Scale of the (first) output.
    pub fn output_scale(&self) -> u32 {
        self.outputs.first().map_or(self.scales.input, |&v| self.values[v].scale)
    }

    /// Checks the internal consistency of a model read from a file.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Compiled(m));
        if self.format != QUANTIZED_FORMAT {
            return bad(format!("format `{}`, this build reads `{QUANTIZED_FORMAT}`", self.format));
        }
        if self.value_bits != VALUE_BITS {
            return bad(format!("value_bits {} (this build uses {VALUE_BITS})", self.value_bits));
        }
        let n = self.values.len();
        let ids = self
            .inputs
            .iter()
            .chain(&self.outputs)
            .chain(self.nodes.iter().flat_map(|n| n.inputs.iter().chain([&n.output])));
        if let Some(id) = ids.into_iter().find(|&&id| id >= n) {
            return bad(format!("value id {id} out of range ({n} values)"));
        }
        for node in &self.nodes {
            let numel_in = self.values[node.inputs[0]].numel();
            let numel_out = self.values[node.output].numel();
            let ok = match &node.op {
                QuantOp::Linear { in_features, out_features, weight, bias, .. } => {
                    weight.len() == in_features * out_features
                        && bias.len() == *out_features
                        && *in_features > 0
                        && numel_in % in_features == 0
                        && numel_out == numel_in / in_features * out_features
                }
                QuantOp::Conv { geometry, weight, bias, .. } => {
                    geometry.is_consistent()
                        && weight.len() == geometry.weight_len()
                        && bias.len() == geometry.out_channels
                        && numel_in == geometry.input.iter().product::<usize>()
                        && Some(numel_out) == geometry.output().map(|o| o.iter().product())
                }
                QuantOp::Scale { weight, bias, .. } => {
                    weight.len() == numel_in && bias.len() == numel_in && numel_in == numel_out
                }
                QuantOp::Binary { .. } => {
                    node.inputs.len() == 2
                        && crate::fixed_point::broadcast_shape(
                            &self.values[node.inputs[0]].shape,
                            &self.values[node.inputs[1]].shape,
                        )
                        .as_deref()
                            == Some(self.values[node.output].shape.as_slice())
                }
                QuantOp::Relu | QuantOp::Reshape => numel_in == numel_out,
                QuantOp::MatMul { .. } => {
                    node.inputs.len() == 2
                        && crate::graph::matmul_shape(
                            &self.values[node.inputs[0]].shape,
                            &self.values[node.inputs[1]].shape,
                        )
                        .as_deref()
                            == Some(self.values[node.output].shape.as_slice())
                }
                QuantOp::Reduce { groups, .. } => {
                    groups.len() == numel_out
                        && groups.iter().all(|g| !g.is_empty() && g.iter().all(|&i| i < numel_in))
                }
                QuantOp::Rearrange { map } => {
                    let total: usize = node.inputs.iter().map(|&v| self.values[v].numel()).sum();
                    map.len() == numel_out && map.iter().all(|&i| i >= -1 && i < total as i64)
                }
                QuantOp::Function { range, .. } => {
                    numel_in == numel_out
                        && range[0] <= range[1]
                        && ((range[1] - range[0]) as u64) < MAX_TABLE_ROWS as u64
                }
            };
            let arity = match node.op {
                QuantOp::Binary { .. } | QuantOp::MatMul { .. } => 2,
                QuantOp::Rearrange { .. } => node.inputs.len().max(1),
                _ => 1,
            };
            if !ok || node.inputs.len() != arity {
                return bad(format!("node `{}` ({}) has inconsistent shapes", node.name, node.op_type));
            }
        }
        Ok(())
    }
}
