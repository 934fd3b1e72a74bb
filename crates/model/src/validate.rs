//! Consistency checks of an integer model read from a file (it may have been edited).

use crate::calibrate::MAX_TABLE_ROWS;
use crate::fixed_point::{in_range, MAX_SHIFT, VALUE_BITS};
use crate::graph::LogicKind;
use crate::quantize::{QuantOp, QuantizedModel, QUANTIZED_FORMAT};
use crate::{Error, Result};

impl QuantizedModel {
    /// Checks the internal consistency of a model read from a file.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Compiled(m));
        if self.format != QUANTIZED_FORMAT {
            return bad(format!("format `{}`, this build reads `{QUANTIZED_FORMAT}`", self.format));
        }
        if self.value_bits != VALUE_BITS {
            return bad(format!("value_bits {} (this build uses {VALUE_BITS})", self.value_bits));
        }
        if let Some((what, s)) = [("input", self.scales.input), ("param", self.scales.param)]
            .into_iter()
            .find(|&(_, s)| s > MAX_SHIFT)
        {
            return bad(format!("{what} scale {s} exceeds {MAX_SHIFT} bits"));
        }
        if let Some(v) = self.values.iter().find(|v| v.scale > MAX_SHIFT) {
            return bad(format!("value `{}` has scale {} (at most {MAX_SHIFT} bits)", v.name, v.scale));
        }
        for node in &self.nodes {
            let scales = match &node.op {
                QuantOp::Linear { shift, .. }
                | QuantOp::Conv { shift, .. }
                | QuantOp::Scale { shift, .. }
                | QuantOp::Binary { shift, .. }
                | QuantOp::MatMul { shift } => vec![("shift", *shift)],
                QuantOp::Function { in_scale, out_scale, .. } => {
                    vec![("in_scale", *in_scale), ("out_scale", *out_scale)]
                }
                _ => Vec::new(),
            };
            if let Some((what, s)) = scales.into_iter().find(|&(_, s)| s > MAX_SHIFT) {
                return bad(format!(
                    "node `{}` ({}) has {what} {s}; at most {MAX_SHIFT} bits (2^{what} must stay exact in \
                     the executor's 128-bit arithmetic and the circuit's rescale quotient unique)",
                    node.name, node.op_type
                ));
            }
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
            let arity = match &node.op {
                QuantOp::Constant { .. } => 0,
                QuantOp::Binary { .. }
                | QuantOp::MatMul { .. }
                | QuantOp::Compare { .. }
                | QuantOp::Gather { .. } => 2,
                QuantOp::Logic { logic: LogicKind::Not } => 1,
                QuantOp::Logic { .. } => 2,
                QuantOp::Where | QuantOp::Scatter { .. } => 3,
                QuantOp::Rearrange { .. } => node.inputs.len().max(1),
                _ => 1,
            };
            if node.inputs.len() != arity {
                return bad(format!(
                    "node `{}` ({}) has {} inputs",
                    node.name,
                    node.op_type,
                    node.inputs.len()
                ));
            }
            let numel_in = node.inputs.first().map_or(0, |&v| self.values[v].numel());
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
                QuantOp::Constant { values } => values.len() == numel_out,
                QuantOp::Scatter { position, writers, axis_len } => {
                    let (numel_idx, numel_upd) =
                        (self.values[node.inputs[1]].numel(), self.values[node.inputs[2]].numel());
                    numel_in == numel_out
                        && position.len() == numel_out
                        && writers.len() == numel_out
                        && writers.iter().flatten().all(|&(j, u)| j < numel_idx && u < numel_upd)
                        && position.iter().all(|&p| p >= 0 && (p as usize) < *axis_len)
                }
                QuantOp::IntDiv { divisor } => {
                    numel_in == numel_out
                        && divisor.len() == numel_in
                        && divisor.iter().all(|&d| d > 0 && in_range(d))
                }
                QuantOp::Compare { .. } | QuantOp::Logic { .. } | QuantOp::Where => {
                    let shapes: Vec<&[usize]> =
                        node.inputs.iter().map(|&v| self.values[v].shape.as_slice()).collect();
                    let out = shapes
                        .iter()
                        .skip(1)
                        .try_fold(shapes[0].to_vec(), |s, t| crate::fixed_point::broadcast_shape(&s, t));
                    out.as_deref() == Some(self.values[node.output].shape.as_slice())
                }
                QuantOp::ArgMax { groups, .. } => {
                    groups.len() == numel_out
                        && groups.iter().all(|g| !g.is_empty() && g.iter().all(|&i| i < numel_in))
                }
                QuantOp::TopK { groups, slots, .. } => {
                    slots.len() == numel_out
                        && groups.iter().all(|g| g.iter().all(|&i| i < numel_in))
                        && slots.iter().all(|&(g, r)| g < groups.len() && r < groups[g].len())
                }
                QuantOp::Gather { index_of, candidates } => {
                    let numel_idx = self.values[node.inputs[1]].numel();
                    index_of.len() == numel_out
                        && candidates.len() == numel_out
                        && index_of.iter().all(|&i| i < numel_idx)
                        && candidates.iter().all(|c| !c.is_empty() && c.iter().all(|&i| i < numel_in))
                }
                QuantOp::Function { range, .. } => {
                    numel_in == numel_out
                        && range[0] <= range[1]
                        && ((range[1] - range[0]) as u64) < MAX_TABLE_ROWS as u64
                }
            };
            if !ok {
                return bad(format!("node `{}` ({}) has inconsistent shapes", node.name, node.op_type));
            }
        }
        if self.visibility.params != crate::visibility::ParamVisibility::Fixed {
            self.check_parameter_ranges()?;
        }
        Ok(())
    }
}
