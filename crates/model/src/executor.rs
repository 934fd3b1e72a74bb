use crate::discrete::{arg_extreme, sorted_extremes};
use crate::fixed_point::{in_range, quantize, rescale, VALUE_BITS};
use crate::graph::{BinaryKind, FloatTensor};
use crate::quantize::{QuantOp, QuantizedModel};
use crate::{Error, Result};

/// Every value the integer executor computed, indexed by value id: the circuit's witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Flat values of each tensor (empty for tensors not computed).
    pub values: Vec<Vec<i64>>,
}

impl Trace {
    /// The flattened graph inputs, in order.
    pub fn inputs(&self, model: &QuantizedModel) -> Vec<i64> {
        model.inputs.iter().flat_map(|&v| self.values[v].iter().copied()).collect()
    }

    /// The flattened graph outputs, in order.
    pub fn outputs(&self, model: &QuantizedModel) -> Vec<i64> {
        model.outputs.iter().flat_map(|&v| self.values[v].iter().copied()).collect()
    }
}

/// Quantizes float inputs at the model's input scale, naming the first value that does not fit.
pub fn quantize_inputs(model: &QuantizedModel, inputs: &[FloatTensor]) -> Result<Vec<Vec<i64>>> {
    inputs
        .iter()
        .zip(&model.inputs)
        .map(|(t, &id)| {
            let scale = model.values[id].scale;
            t.data
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    quantize(x, scale).ok_or_else(|| Error::OutOfRange {
                        place: format!("input `{}`[{i}]", model.values[id].name),
                        value: x.to_string(),
                        bits: VALUE_BITS,
                        scale,
                    })
                })
                .collect()
        })
        .collect()
}

/// Runs the integer model. Every produced value is checked against the value range, so a
/// value the circuit could not represent is an error here, never a wrong proof.
pub fn execute(model: &QuantizedModel, inputs: &[Vec<i64>]) -> Result<Trace> {
    run(model, inputs, None)
}

/// Runs the integer model ignoring the lookup ranges of [`QuantOp::Function`] nodes, widening
/// `observed[node index]` to cover every input each such node sees (calibration).
pub(crate) fn execute_observing(
    model: &QuantizedModel,
    inputs: &[Vec<i64>],
    observed: &mut [Option<[i64; 2]>],
) -> Result<Trace> {
    run(model, inputs, Some(observed))
}

fn run(
    model: &QuantizedModel,
    inputs: &[Vec<i64>],
    mut observed: Option<&mut [Option<[i64; 2]>]>,
) -> Result<Trace> {
    if inputs.len() != model.inputs.len() {
        return Err(Error::Compiled(format!(
            "{} input tensors given, the model has {}",
            inputs.len(),
            model.inputs.len()
        )));
    }
    let mut values = vec![Vec::new(); model.values.len()];
    for (&id, data) in model.inputs.iter().zip(inputs) {
        let info = &model.values[id];
        if data.len() != info.numel() {
            return Err(Error::Compiled(format!(
                "input `{}` has {} values, its shape {:?} needs {}",
                info.name,
                data.len(),
                info.shape,
                info.numel()
            )));
        }
        if let Some((i, v)) = data.iter().enumerate().find(|(_, v)| !in_range(**v)) {
            return Err(out_of_range(format!("input `{}`[{i}]", info.name), *v, info.scale));
        }
        values[id] = data.clone();
    }
    let no_input = Vec::new();
    for (index, node) in model.nodes.iter().enumerate() {
        let x = node.inputs.first().map_or(&no_input, |&v| &values[v]);
        let out_scale = model.values[node.output].scale;
        let y: Vec<i64> = match &node.op {
            QuantOp::Linear { in_features, out_features, weight, bias, shift } => {
                let mut y = Vec::with_capacity(x.len() / in_features * out_features);
                for row in x.chunks(*in_features) {
                    for o in 0..*out_features {
                        let w = &weight[o * in_features..(o + 1) * in_features];
                        let acc: i128 = row.iter().zip(w).map(|(&a, &b)| a as i128 * b as i128).sum::<i128>()
                            + bias[o] as i128;
                        y.push(checked(rescale(acc, *shift), node, y.len(), out_scale)?);
                    }
                }
                y
            }
            QuantOp::Conv { geometry, weight, bias, shift } => {
                let mut y = Vec::with_capacity(geometry.outputs().size_hint().0);
                for (n, oc, oh, ow) in geometry.outputs() {
                    let acc: i128 = geometry
                        .taps(n, oc, oh, ow)
                        .iter()
                        .map(|&(i, w)| x[i] as i128 * weight[w] as i128)
                        .sum::<i128>()
                        + bias[oc] as i128;
                    y.push(checked(rescale(acc, *shift), node, y.len(), out_scale)?);
                }
                y
            }
            QuantOp::Scale { weight, bias, shift } => x
                .iter()
                .zip(weight.iter().zip(bias))
                .enumerate()
                .map(|(i, (&v, (&w, &b)))| {
                    checked(rescale(v as i128 * w as i128 + b as i128, *shift), node, i, out_scale)
                })
                .collect::<Result<_>>()?,
            QuantOp::Binary { op, shift } => {
                let x2 = &values[node.inputs[1]];
                model
                    .broadcast_operands(node)
                    .iter()
                    .enumerate()
                    .map(|(i, ix)| {
                        let (u, v) = (x[ix[0]] as i128, x2[ix[1]] as i128);
                        let r = match op {
                            BinaryKind::Add => u + v,
                            BinaryKind::Sub => u - v,
                            BinaryKind::Mul | BinaryKind::MulWide => rescale(u * v, *shift),
                        };
                        checked(r, node, i, out_scale)
                    })
                    .collect::<Result<_>>()?
            }
            QuantOp::Relu => x.iter().map(|&v| v.max(0)).collect(),
            QuantOp::Function { function, in_scale, out_scale, range } => {
                let mut y = Vec::with_capacity(x.len());
                for (i, &v) in x.iter().enumerate() {
                    let place = || format!("node `{}` ({}) input[{i}]", node.name, node.op_type);
                    let real = |q: i64| crate::fixed_point::dequantize(q, *in_scale);
                    match observed.as_deref_mut() {
                        Some(observed) => {
                            let seen = observed[index].get_or_insert([v, v]);
                            *seen = [seen[0].min(v), seen[1].max(v)];
                        }
                        None if v < range[0] || v > range[1] => {
                            return Err(Error::OutsideCalibratedRange {
                                place: place(),
                                value: v,
                                real: real(v),
                                lo: range[0],
                                hi: range[1],
                                real_lo: real(range[0]),
                                real_hi: real(range[1]),
                            })
                        }
                        None => {}
                    }
                    y.push(function.quantized(v, *in_scale, *out_scale).ok_or_else(|| {
                        Error::FunctionDomain {
                            place: place(),
                            function: function.name(),
                            value: v,
                            real: real(v),
                        }
                    })?);
                }
                y
            }
            QuantOp::Reshape => x.clone(),
            QuantOp::MatMul { shift } => {
                let x2 = &values[node.inputs[1]];
                model
                    .matmul_terms(node)
                    .iter()
                    .enumerate()
                    .map(|(i, terms)| {
                        let acc: i128 = terms.iter().map(|&(ia, ib)| x[ia] as i128 * x2[ib] as i128).sum();
                        checked(rescale(acc, *shift), node, i, out_scale)
                    })
                    .collect::<Result<_>>()?
            }
            QuantOp::Reduce { reduction: kind, groups } => groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let r = kind.apply(g.iter().map(|&j| x[j] as i128)).unwrap_or(0);
                    checked(r, node, i, out_scale)
                })
                .collect::<Result<_>>()?,
            QuantOp::Rearrange { map } => {
                let all: Vec<i64> = node.inputs.iter().flat_map(|&v| values[v].iter().copied()).collect();
                map.iter().map(|&i| if i < 0 { 0 } else { all[i as usize] }).collect()
            }
            QuantOp::Constant { values } => values
                .iter()
                .enumerate()
                .map(|(i, &v)| checked(v.into(), node, i, out_scale))
                .collect::<Result<_>>()?,
            QuantOp::Scatter { position, writers, axis_len } => {
                let (indices, updates) = (&values[node.inputs[1]], &values[node.inputs[2]]);
                if let Some((j, &k)) =
                    indices.iter().enumerate().find(|(_, &k)| k < 0 || k >= *axis_len as i64)
                {
                    return Err(index_outside(node, format!("indices[{j}]"), k, *axis_len));
                }
                let mut y = x.clone();
                for (i, (&p, w)) in position.iter().zip(writers).enumerate() {
                    for &(j, u) in w {
                        if indices[j] == p {
                            y[i] = updates[u];
                        }
                    }
                }
                y
            }
            // Rust's `/` truncates toward zero, as ONNX integer Div does.
            QuantOp::IntDiv { divisor } => x.iter().zip(divisor).map(|(&v, &d)| v / d).collect(),
            QuantOp::Compare { compare: kind } => {
                let b = &values[node.inputs[1]];
                let pairs = model.broadcast_operands(node);
                pairs.iter().map(|ix| kind.holds(x[ix[0]], b[ix[1]]) as i64).collect()
            }
            QuantOp::Logic { logic: kind } => {
                let operands: Vec<&Vec<i64>> = node.inputs.iter().map(|&v| &values[v]).collect();
                let mut y = Vec::new();
                for (i, ix) in model.broadcast_operands(node).iter().enumerate() {
                    let a = operands[0][ix[0]];
                    let b = ix.get(1).map_or(0, |&j| operands[1][j]);
                    y.push(kind.apply(a, b).ok_or_else(|| not_a_flag(node, i, a, b))?);
                }
                y
            }
            QuantOp::Where => {
                let (a, b) = (&values[node.inputs[1]], &values[node.inputs[2]]);
                let mut y = Vec::new();
                for (i, ix) in model.broadcast_operands(node).iter().enumerate() {
                    y.push(match x[ix[0]] {
                        1 => a[ix[1]],
                        0 => b[ix[2]],
                        c => return Err(not_a_flag(node, i, c, 0)),
                    });
                }
                y
            }
            QuantOp::ArgMax { groups, largest, last } => groups
                .iter()
                .map(|g| {
                    let xs: Vec<i64> = g.iter().map(|&j| x[j]).collect();
                    arg_extreme(&xs, *largest, *last) as i64
                })
                .collect(),
            QuantOp::TopK { groups, slots, largest } => {
                let sorted: Vec<Vec<i64>> = groups
                    .iter()
                    .map(|g| sorted_extremes(&g.iter().map(|&j| x[j]).collect::<Vec<_>>(), *largest))
                    .collect();
                slots.iter().map(|&(g, r)| sorted[g][r]).collect()
            }
            QuantOp::Gather { index_of, candidates } => {
                let indices = &values[node.inputs[1]];
                let mut y = Vec::with_capacity(index_of.len());
                for (i, (&at, c)) in index_of.iter().zip(candidates).enumerate() {
                    let k = indices[at];
                    if k < 0 || k as usize >= c.len() {
                        return Err(index_outside(node, format!("output[{i}]"), k, c.len()));
                    }
                    y.push(x[c[k as usize]]);
                }
                y
            }
        };
        values[node.output] = y;
    }
    Ok(Trace { values })
}

/// The error for a computed index `k` outside `[0, len)`, at `element` of `node`.
fn index_outside(node: &crate::quantize::QuantNode, element: String, k: i64, len: usize) -> Error {
    Error::InvalidValue {
        place: format!("node `{}` ({}) {element}", node.name, node.op_type),
        reason: format!("index {k} is outside [0, {len})"),
    }
}

/// The error for a logic or Where operand that is not 0 or 1.
fn not_a_flag(node: &crate::quantize::QuantNode, index: usize, a: i64, b: i64) -> Error {
    Error::InvalidValue {
        place: format!("node `{}` ({}) output[{index}]", node.name, node.op_type),
        reason: format!("operands {a} and {b}: a boolean must be 0 or 1"),
    }
}

/// A rescaled accumulator as a value, or the error naming the node and output element.
fn checked(q: i128, node: &crate::quantize::QuantNode, index: usize, scale: u32) -> Result<i64> {
    match i64::try_from(q) {
        Ok(v) if in_range(v) => Ok(v),
        _ => Err(out_of_range(format!("node `{}` ({}) output[{index}]", node.name, node.op_type), q, scale)),
    }
}

fn out_of_range(place: String, value: impl ToString, scale: u32) -> Error {
    Error::OutOfRange { place, value: value.to_string(), bits: VALUE_BITS, scale }
}
