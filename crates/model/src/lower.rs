//! Float graph -> integer model: every value gets a fixed-point scale and every constant is
//! quantized at it.
//!
//! Scales follow the data: values that are exact integers (integer or boolean inputs,
//! comparisons, logic, arg-max positions, integer constants, and what integer-only arithmetic
//! makes of them) stay at scale 2^0, so indices and flags are exact; every other value is kept
//! at no less than the activation scale. Operands that must share a scale (Add, Sub, Where,
//! comparisons, Concat-like rearrangements, graph outputs) are lifted to the finest one by an
//! exact multiplication by a power of two.

use std::collections::HashMap;

use crate::calibrate::default_function_range;
use crate::fixed_point::{quantize_bits, BIAS_BITS, VALUE_BITS};
use crate::function::Function;
use crate::graph::{BinaryKind, Graph, Node, Op};
use crate::quantize::{QuantNode, QuantOp, QuantValue, QuantizedModel, Scales, QUANTIZED_FORMAT};
use crate::{Error, Result};

impl QuantizedModel {
    /// Quantizes a float graph at the given scales.
    pub fn from_graph(graph: &Graph, scales: Scales) -> Result<Self> {
        let mut lowering = Lowering {
            scales,
            values: graph
                .values
                .iter()
                .map(|v| QuantValue { name: v.name.clone(), shape: v.shape.clone(), scale: scales.input })
                .collect(),
            integer: vec![false; graph.values.len()],
            nodes: Vec::with_capacity(graph.nodes.len()),
            lifted: HashMap::new(),
        };
        // Integer and boolean inputs stay exact (scale 2^0); real-valued ones take the input scale.
        for &v in &graph.inputs {
            let integer = graph.values[v].integer;
            lowering.integer[v] = integer;
            lowering.values[v].scale = if integer { 0 } else { scales.input };
        }
        for node in &graph.nodes {
            lowering.node(node)?;
        }
        // One output scale, so that the registry's single output scale describes every output.
        let out_scale = graph.outputs.iter().map(|&v| lowering.values[v].scale).max().unwrap_or(scales.input);
        let outputs =
            graph.outputs.iter().map(|&v| lowering.lift(v, out_scale, "output", "Output")).collect();
        Ok(Self {
            format: QUANTIZED_FORMAT.into(),
            name: graph.name.clone(),
            value_bits: VALUE_BITS,
            scales,
            values: lowering.values,
            inputs: graph.inputs.clone(),
            outputs,
            nodes: lowering.nodes,
            visibility: Default::default(),
        })
    }
}

fn all_integer(xs: &[f32]) -> bool {
    xs.iter().all(|x| x.fract() == 0.0)
}

struct Lowering {
    scales: Scales,
    values: Vec<QuantValue>,
    /// Whether each value holds exact integers.
    integer: Vec<bool>,
    nodes: Vec<QuantNode>,
    /// `(value, scale)` -> the value lifted to that scale, made once.
    lifted: HashMap<(usize, u32), usize>,
}

impl Lowering {
    /// `v` at `scale` (not below its own): `v` itself, or a new exact product by a power of two.
    fn lift(&mut self, v: usize, scale: u32, name: &str, op_type: &str) -> usize {
        let from = self.values[v].scale;
        if from >= scale {
            return v;
        }
        if let Some(&id) = self.lifted.get(&(v, scale)) {
            return id;
        }
        let (n, id) = (self.values[v].numel(), self.values.len());
        self.values.push(QuantValue {
            name: format!("{}/scale_2^{scale}", self.values[v].name),
            shape: self.values[v].shape.clone(),
            scale,
        });
        self.integer.push(self.integer[v]);
        self.nodes.push(QuantNode {
            name: name.to_owned(),
            op_type: op_type.to_owned(),
            op: QuantOp::Scale { weight: vec![1 << (scale - from); n], bias: vec![0; n], shift: 0 },
            inputs: vec![v],
            output: id,
        });
        self.lifted.insert((v, scale), id);
        id
    }

    /// The values `vs` lifted to the finest scale among them.
    fn aligned(&mut self, vs: &[usize], node: &Node) -> Vec<usize> {
        let scale = vs.iter().map(|&v| self.values[v].scale).max().unwrap_or(0);
        vs.iter().map(|&v| self.lift(v, scale, &node.name, &node.op_type)).collect()
    }

    /// The rescale after an accumulation at scale `acc`: `shift` bits, unless the result is
    /// not an exact integer and would fall below the activation scale. Returns (shift, scale).
    fn settle(&self, acc: u32, shift: u32, integer: bool) -> (u32, u32) {
        let out = acc - shift;
        let target = self.scales.input;
        let shift = if !integer && out < target { shift.saturating_sub(target - out) } else { shift };
        (shift, acc - shift)
    }

    fn node(&mut self, node: &Node) -> Result<()> {
        let place = |what: &str, i: usize| format!("node `{}` ({}) {what}[{i}]", node.name, node.op_type);
        let fail = |reason: String| {
            Err(Error::Compiled(format!("node `{}` ({}): {reason}", node.name, node.op_type)))
        };
        let inputs = match &node.op {
            Op::Binary { kind: BinaryKind::Add | BinaryKind::Sub }
            | Op::Compare { .. }
            | Op::Rearrange { .. } => self.aligned(&node.inputs, node),
            Op::Where => {
                let mut v = vec![node.inputs[0]];
                v.extend(self.aligned(&node.inputs[1..], node));
                v
            }
            Op::Scatter { .. } => {
                let aligned = self.aligned(&[node.inputs[0], node.inputs[2]], node);
                vec![aligned[0], node.inputs[1], aligned[1]]
            }
            _ => node.inputs.clone(),
        };
        let scales = self.scales;
        let scale_of = |i: usize| inputs.get(i).map(|&v| self.values[v].scale);
        let in_scale = scale_of(0).unwrap_or(scales.input);
        let other_scale = scale_of(1).unwrap_or(in_scale);
        let integer_in = inputs.iter().all(|&v| self.integer[v]);
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
        // Gather and Scatter read their second input as indices: exact integers only.
        let takes_indices = matches!(node.op, Op::Gather { .. } | Op::Scatter { .. });
        if takes_indices && (other_scale != 0 || !self.integer[inputs[1]]) {
            return fail(format!("the indices are real numbers at scale 2^{other_scale}, not integers"));
        }
        let (op, out_scale, integer) = match &node.op {
            Op::Linear { weight, bias } => {
                let integer = integer_in && all_integer(&weight.data) && all_integer(bias);
                let (shift, out) = self.settle(in_scale + scales.param, scales.param, integer);
                let (weight, bias) = (weights(&weight.data)?, biases(bias)?);
                let out_features = bias.len();
                let in_features = weight.len() / out_features.max(1);
                (QuantOp::Linear { in_features, out_features, weight, bias, shift }, out, integer)
            }
            Op::Conv { geometry, weight, bias } => {
                let integer = integer_in && all_integer(&weight.data) && all_integer(bias);
                let (shift, out) = self.settle(in_scale + scales.param, scales.param, integer);
                let op = QuantOp::Conv {
                    geometry: geometry.clone(),
                    weight: weights(&weight.data)?,
                    bias: biases(bias)?,
                    shift,
                };
                (op, out, integer)
            }
            Op::Scale { mul, add } => {
                // Small factors (a mean's 1/n) would lose most of their bits at the param
                // scale: give them as many extra bits as they have leading zeros.
                let largest = mul.iter().fold(0f32, |m, v| m.max(v.abs()));
                let extra = if largest > 0.0 { (-largest.log2().floor()).clamp(0.0, 16.0) as u32 } else { 0 };
                let bits = scales.param + extra;
                let weight = ints(mul, bits, VALUE_BITS, "weight")?;
                let bias = ints(add, in_scale + bits, BIAS_BITS, "bias")?;
                let integer = integer_in && all_integer(mul) && all_integer(add);
                let (shift, out) = self.settle(in_scale + bits, bits, integer);
                (QuantOp::Scale { weight, bias, shift }, out, integer)
            }
            Op::Binary { kind: BinaryKind::MulWide } => {
                (QuantOp::Binary { op: BinaryKind::Mul, shift: 0 }, in_scale + other_scale, integer_in)
            }
            Op::Binary { kind: BinaryKind::Mul } => {
                let (shift, out) = self.settle(in_scale + other_scale, in_scale.min(other_scale), integer_in);
                (QuantOp::Binary { op: BinaryKind::Mul, shift }, out, integer_in)
            }
            Op::Binary { kind } => (QuantOp::Binary { op: *kind, shift: 0 }, in_scale, integer_in),
            Op::MatMul => {
                let (shift, out) = self.settle(in_scale + other_scale, in_scale.min(other_scale), integer_in);
                (QuantOp::MatMul { shift }, out, integer_in)
            }
            Op::Relu => (QuantOp::Relu, in_scale, integer_in),
            Op::Function { function } => {
                let op = QuantOp::Function {
                    function: *function,
                    in_scale,
                    out_scale: scales.input,
                    range: default_function_range(in_scale),
                };
                (op, scales.input, false)
            }
            Op::Truncate if in_scale == 0 => (QuantOp::Reshape, 0, true),
            Op::Truncate => {
                let op = QuantOp::Function {
                    function: Function::Trunc,
                    in_scale,
                    out_scale: 0,
                    range: default_function_range(in_scale),
                };
                (op, 0, true)
            }
            Op::Scatter { position, writers, axis_len } => {
                let integer = self.integer[inputs[0]] && self.integer[inputs[2]];
                let op = QuantOp::Scatter {
                    position: position.clone(),
                    writers: writers.clone(),
                    axis_len: *axis_len,
                };
                (op, in_scale, integer)
            }
            Op::IntDiv { divisor } => {
                if in_scale != 0 || !integer_in {
                    return fail(format!("integer division of real numbers at scale 2^{in_scale}"));
                }
                (QuantOp::IntDiv { divisor: divisor.clone() }, 0, true)
            }
            Op::Rearrange { map } => (QuantOp::Rearrange { map: map.clone() }, in_scale, integer_in),
            Op::Reduce { kind, groups } => {
                (QuantOp::Reduce { reduction: *kind, groups: groups.clone() }, in_scale, integer_in)
            }
            Op::Reshape { .. } => (QuantOp::Reshape, in_scale, integer_in),
            Op::Constant { tensor } => {
                let integer = all_integer(&tensor.data);
                let scale = if integer { 0 } else { scales.input };
                (
                    QuantOp::Constant { values: ints(&tensor.data, scale, VALUE_BITS, "value")? },
                    scale,
                    integer,
                )
            }
            Op::Compare { kind } => (QuantOp::Compare { compare: *kind }, 0, true),
            Op::Logic { kind } => {
                if let Some(i) = (0..inputs.len()).find(|&i| scale_of(i) != Some(0)) {
                    return fail(format!(
                        "operand {i} is a real number at scale 2^{}, logic needs booleans",
                        scale_of(i).unwrap_or(0)
                    ));
                }
                (QuantOp::Logic { logic: *kind }, 0, true)
            }
            Op::Where => {
                if in_scale != 0 {
                    return fail(format!(
                        "the condition is a real number at scale 2^{in_scale}, not a boolean"
                    ));
                }
                let integer = self.integer[inputs[1]] && self.integer[inputs[2]];
                (QuantOp::Where, other_scale, integer)
            }
            Op::ArgMax { groups, largest, last } => {
                (QuantOp::ArgMax { groups: groups.clone(), largest: *largest, last: *last }, 0, true)
            }
            Op::TopK { groups, slots, largest } => {
                let op = QuantOp::TopK { groups: groups.clone(), slots: slots.clone(), largest: *largest };
                (op, in_scale, integer_in)
            }
            Op::Gather { index_of, candidates } => {
                let op = QuantOp::Gather { index_of: index_of.clone(), candidates: candidates.clone() };
                (op, in_scale, self.integer[inputs[0]])
            }
        };
        self.values[node.output].scale = out_scale;
        self.integer[node.output] = integer;
        self.nodes.push(QuantNode {
            name: node.name.clone(),
            op_type: node.op_type.clone(),
            op,
            inputs,
            output: node.output,
        });
        Ok(())
    }
}
