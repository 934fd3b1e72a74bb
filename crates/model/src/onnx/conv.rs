//! Conv, AveragePool and GlobalAveragePool -> [`Op::Conv`].

use tract_onnx::pb::NodeProto;

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::conv::ConvGeometry;
use crate::graph::{FloatTensor, Op, ValueId};
use crate::Result;

impl Importer {
    /// Conv over NCHW with constant weights (and bias); 2-D, explicit pads only.
    pub(super) fn conv(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let auto_pad = string_attr(node, "auto_pad");
        if auto_pad.as_deref().is_some_and(|p| p != "NOTSET") {
            return Err(ctx.unsupported(format!("auto_pad = {}", auto_pad.unwrap_or_default())));
        }
        let x = self.activation(ctx, node, 0)?;
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        let in_shape = self.values[x].shape.clone();
        let (&[n, c, h, wd], &[oc, icg, kh, kw]) = (in_shape.as_slice(), w.shape.as_slice()) else {
            return Err(
                ctx.unsupported(format!("only 2-D convolution (input {in_shape:?}, weight {:?})", w.shape))
            );
        };
        let pair = |name: &str, default: usize| -> Result<[usize; 2]> {
            match ints_attr(node, name) {
                None => Ok([default; 2]),
                Some(v) if v.len() == 2 && v.iter().all(|&x| x >= 0) => Ok([v[0] as usize, v[1] as usize]),
                Some(v) => Err(ctx.unsupported(format!("{name} = {v:?}"))),
            }
        };
        let pads = match ints_attr(node, "pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&x| x >= 0) => {
                [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
            }
            Some(v) => return Err(ctx.unsupported(format!("pads = {v:?}"))),
        };
        let group = int_attr(node, "group").unwrap_or(1);
        if group < 1 || c % group as usize != 0 || c / group as usize != icg {
            return Err(ctx.shape(format!("input has {c} channels, weight {:?} with group {group}", w.shape)));
        }
        if let Some(k) = ints_attr(node, "kernel_shape") {
            if k != [kh as i64, kw as i64] {
                return Err(ctx.shape(format!("kernel_shape {k:?} but weight {:?}", w.shape)));
            }
        }
        let geometry = ConvGeometry {
            input: [n, c, h, wd],
            out_channels: oc,
            kernel: [kh, kw],
            strides: pair("strides", 1)?,
            pads,
            dilations: pair("dilations", 1)?,
            group: group as usize,
            spread: [1, 1],
        };
        if !geometry.is_consistent() {
            return Err(
                ctx.shape(format!("kernel {:?} does not fit input {in_shape:?} with these pads", w.shape))
            );
        }
        let bias = match self.optional_constant(ctx, node, 2)? {
            Some(b) => broadcast_bias(ctx, &floats(ctx, &b)?, oc)?,
            None => vec![0.0; oc],
        };
        let shape = geometry.output().expect("checked consistent").to_vec();
        self.push(ctx, Op::Conv { geometry, weight: w, bias }, x, &node.output[0], shape);
        Ok(())
    }

    /// AveragePool / GlobalAveragePool as a depthwise convolution with weights 1/(KH*KW).
    /// The window of a 2-D pooling node (AveragePool, MaxPool and their global forms) as a
    /// depthwise convolution geometry.
    pub(super) fn pool_geometry(&self, ctx: &NodeCtx, node: &NodeProto, x: ValueId) -> Result<ConvGeometry> {
        let in_shape = self.values[x].shape.clone();
        let &[n, c, h, w] = in_shape.as_slice() else {
            return Err(ctx.unsupported(format!("only 2-D pooling (input {in_shape:?})")));
        };
        let global = node.op_type.starts_with("Global");
        let kernel = match ints_attr(node, "kernel_shape") {
            _ if global => [h, w],
            Some(k) if k.len() == 2 && k.iter().all(|&v| v > 0) => [k[0] as usize, k[1] as usize],
            other => return Err(ctx.unsupported(format!("kernel_shape = {other:?}"))),
        };
        let auto_pad = string_attr(node, "auto_pad");
        if auto_pad.as_deref().is_some_and(|p| p != "NOTSET") || int_attr(node, "ceil_mode").unwrap_or(0) != 0
        {
            return Err(ctx.unsupported("auto_pad or ceil_mode"));
        }
        let pads = match ints_attr(node, "pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&p| p >= 0) => {
                [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
            }
            Some(v) => return Err(ctx.unsupported(format!("pads = {v:?}"))),
        };
        let strides = match ints_attr(node, "strides") {
            None => [1, 1],
            Some(v) if v.len() == 2 && v.iter().all(|&s| s > 0) => [v[0] as usize, v[1] as usize],
            Some(v) => return Err(ctx.unsupported(format!("strides = {v:?}"))),
        };
        let dilations = match ints_attr(node, "dilations") {
            None => [1, 1],
            Some(v) if v.len() == 2 && v.iter().all(|&s| s > 0) => [v[0] as usize, v[1] as usize],
            Some(v) => return Err(ctx.unsupported(format!("dilations = {v:?}"))),
        };
        let geometry = ConvGeometry {
            input: [n, c, h, w],
            out_channels: c,
            kernel,
            strides,
            pads,
            dilations,
            group: c,
            spread: [1, 1],
        };
        if !geometry.is_consistent() {
            return Err(ctx.shape(format!("window {kernel:?} does not fit input {in_shape:?}")));
        }
        Ok(geometry)
    }

    pub(super) fn average_pool(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let geometry = self.pool_geometry(ctx, node, x)?;
        if geometry.pads != [0; 4] && int_attr(node, "count_include_pad").unwrap_or(0) == 0 {
            // The divisor would change at the borders.
            return Err(ctx.unsupported("padding with count_include_pad = 0"));
        }
        let (c, kernel) = (geometry.out_channels, geometry.kernel);
        let taps = kernel[0] * kernel[1];
        let weight = FloatTensor {
            shape: vec![c, 1, kernel[0], kernel[1]],
            data: vec![1.0 / taps as f32; geometry.weight_len()],
        };
        let shape = geometry.output().expect("checked consistent").to_vec();
        self.push(ctx, Op::Conv { geometry, weight, bias: vec![0.0; c] }, x, &node.output[0], shape);
        Ok(())
    }
}
