//! ConvTranspose -> a stride-1 [`Op::Conv`] with the flipped, transposed kernel over the input
//! spread on a grid of zeros (see [`ConvGeometry::spread`]), so no tap multiplies a zero.

use tract_onnx::pb::NodeProto;

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::conv::ConvGeometry;
use crate::graph::{FloatTensor, Op};
use crate::Result;

impl Importer {
    /// ConvTranspose over NCHW with constant weights `[C, OC, KH, KW]`, group 1.
    pub(super) fn conv_transpose(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let auto_pad = string_attr(node, "auto_pad");
        if auto_pad.as_deref().is_some_and(|p| p != "NOTSET") || ints_attr(node, "output_shape").is_some() {
            return Err(ctx.unsupported("auto_pad or output_shape"));
        }
        if int_attr(node, "group").unwrap_or(1) != 1 {
            return Err(ctx.unsupported("group != 1"));
        }
        let x = self.activation(ctx, node, 0)?;
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        let in_shape = self.values[x].shape.clone();
        let (&[n, c, h, wd], &[wc, oc, kh, kw]) = (in_shape.as_slice(), w.shape.as_slice()) else {
            return Err(ctx.unsupported(format!("only 2-D (input {in_shape:?}, weight {:?})", w.shape)));
        };
        if wc != c {
            return Err(ctx.shape(format!("input has {c} channels, weight {:?}", w.shape)));
        }
        let pair = |name: &str, default: i64| -> Result<[i64; 2]> {
            match ints_attr(node, name) {
                None => Ok([default; 2]),
                Some(v) if v.len() == 2 && v.iter().all(|&x| x >= 0) => Ok([v[0], v[1]]),
                Some(v) => Err(ctx.unsupported(format!("{name} = {v:?}"))),
            }
        };
        let (strides, dilations, extra) =
            (pair("strides", 1)?, pair("dilations", 1)?, pair("output_padding", 0)?);
        let pads = match ints_attr(node, "pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&x| x >= 0) => [v[0], v[1], v[2], v[3]],
            Some(v) => return Err(ctx.unsupported(format!("pads = {v:?}"))),
        };
        if strides.contains(&0) || dilations.contains(&0) {
            return Err(ctx.unsupported("zero stride or dilation"));
        }
        // The spread grid: input pixel (i, j) lands at (before + i * stride, ...), with
        // `before = dilation * (K - 1) - pad_begin` (negative: cropped).
        let kernel = [kh as i64, kw as i64];
        let dims = [h as i64, wd as i64];
        let before: Vec<i64> = (0..2).map(|a| dilations[a] * (kernel[a] - 1) - pads[a]).collect();
        let size: Vec<i64> = (0..2)
            .map(|a| {
                (dims[a] - 1) * strides[a] + 1 + before[a] + dilations[a] * (kernel[a] - 1) - pads[a + 2]
                    + extra[a]
            })
            .collect();
        if size.iter().zip(kernel).zip(dilations).any(|((&s, k), d)| s < d * (k - 1) + 1) {
            return Err(ctx.shape(format!("pads {pads:?} leave no output for input {in_shape:?}")));
        }
        let after: Vec<i64> =
            (0..2).map(|a| dilations[a] * (kernel[a] - 1) - pads[a + 2] + extra[a]).collect();
        if before.iter().chain(&after).any(|&p| p < 0) {
            return Err(ctx.unsupported(format!("pads {pads:?} larger than the kernel span (cropping)")));
        }
        // Conv weight [OC, C, KH, KW]: transposed channels, flipped kernel.
        let mut data = vec![0.0; w.data.len()];
        for o in 0..oc {
            for ch in 0..c {
                for i in 0..kh {
                    for j in 0..kw {
                        data[((o * c + ch) * kh + i) * kw + j] =
                            w.data[((ch * oc + o) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
                    }
                }
            }
        }
        let weight = FloatTensor { shape: vec![oc, c, kh, kw], data };
        let geometry = ConvGeometry {
            input: [n, c, h, wd],
            out_channels: oc,
            kernel: [kh, kw],
            strides: [1, 1],
            pads: [before[0] as usize, before[1] as usize, after[0] as usize, after[1] as usize],
            dilations: [dilations[0] as usize, dilations[1] as usize],
            group: 1,
            spread: [strides[0] as usize, strides[1] as usize],
        };
        if !geometry.is_consistent() {
            return Err(ctx.shape(format!("kernel {:?} does not fit input {in_shape:?}", w.shape)));
        }
        let bias = match self.optional_constant(ctx, node, 2)? {
            Some(b) => broadcast_bias(ctx, &floats(ctx, &b)?, oc)?,
            None => vec![0.0; oc],
        };
        let shape = geometry.output().expect("checked consistent").to_vec();
        self.push(ctx, Op::Conv { geometry, weight, bias }, x, &node.output[0], shape);
        Ok(())
    }
}
