//! Gemm and MatMul with constant weights -> [`Op::Linear`].

use tract_onnx::pb::NodeProto;

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::graph::{FloatTensor, Op, ValueId};
use crate::Result;

impl Importer {
    /// Gemm: `alpha * A' * B' + beta * C` with A the activation and B, C constants.
    pub(super) fn gemm(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if int_attr(node, "transA").unwrap_or(0) != 0 {
            return Err(ctx.unsupported("transA = 1"));
        }
        let alpha = float_attr(node, "alpha").unwrap_or(1.0);
        let beta = float_attr(node, "beta").unwrap_or(1.0);
        let x = self.activation(ctx, node, 0)?;
        let b = floats(ctx, &self.constant(ctx, node, 1)?)?;
        if b.shape.len() != 2 {
            return Err(ctx.shape(format!("B must be 2-D, got {:?}", b.shape)));
        }
        // Stored as [out, in]: with transB the file already holds it that way.
        let mut weight = if int_attr(node, "transB").unwrap_or(0) != 0 { b } else { transpose(&b) };
        weight.data.iter_mut().for_each(|w| *w *= alpha);
        let out_features = weight.shape[0];
        let mut bias = match self.optional_constant(ctx, node, 2)? {
            Some(c) => broadcast_bias(ctx, &floats(ctx, &c)?, out_features)?,
            None => vec![0.0; out_features],
        };
        bias.iter_mut().for_each(|v| *v *= beta);
        self.linear(ctx, x, weight, bias, &node.output[0])
    }

    pub(super) fn matmul(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        if let Some((a, b)) = self.two_activations(node) {
            let (sa, sb) = (self.values[a].shape.clone(), self.values[b].shape.clone());
            let shape = crate::graph::matmul_shape(&sa, &sb)
                .ok_or_else(|| ctx.shape(format!("{sa:?} x {sb:?} is not a (batched) matrix product")))?;
            self.push_node(ctx, Op::MatMul, vec![a, b], &node.output[0], shape);
            return Ok(());
        }
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        if w.shape.len() != 2 {
            return Err(ctx.unsupported(format!("a {}-D constant right operand", w.shape.len())));
        }
        let weight = transpose(&w);
        let bias = vec![0.0; weight.shape[0]];
        self.linear(ctx, x, weight, bias, &node.output[0])
    }

    pub(super) fn linear(
        &mut self,
        ctx: &NodeCtx,
        x: ValueId,
        weight: FloatTensor,
        bias: Vec<f32>,
        out: &str,
    ) -> Result<()> {
        let in_shape = self.values[x].shape.clone();
        let (out_features, in_features) = (weight.shape[0], weight.shape[1]);
        if out_features == 0 || in_features == 0 {
            return Err(ctx.shape(format!("weight of shape {:?} is empty", weight.shape)));
        }
        match in_shape.last() {
            Some(&last) if last == in_features => {}
            _ => {
                return Err(ctx.shape(format!(
                    "input `{}` has shape {in_shape:?}, the weight expects last dimension {in_features}",
                    self.values[x].name
                )))
            }
        }
        let mut shape = in_shape;
        *shape.last_mut().expect("checked non-empty above") = out_features;
        self.push(ctx, Op::Linear { weight, bias }, x, out, shape);
        Ok(())
    }
}
