//! Attribute readers, constant conversion and shape helpers shared by the op importers.

use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::{DatumType, Tensor};

use super::NodeCtx;
use crate::fixed_point::broadcast_index;
use crate::graph::FloatTensor;
use crate::Result;

pub(super) fn int_attr(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

pub(super) fn ints_attr(node: &NodeProto, name: &str) -> Option<Vec<i64>> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.ints.clone())
}

pub(super) fn string_attr(node: &NodeProto, name: &str) -> Option<String> {
    node.attribute.iter().find(|a| a.name == name).map(|a| String::from_utf8_lossy(&a.s).into_owned())
}

pub(super) fn float_attr(node: &NodeProto, name: &str) -> Option<f32> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.f)
}

pub(super) fn floats(ctx: &NodeCtx, t: &Tensor) -> Result<FloatTensor> {
    let cast = t
        .cast_to::<f32>()
        .map_err(|e| ctx.unsupported(format!("constant of type {:?}: {e}", t.datum_type())))?;
    let data = cast.as_slice::<f32>().map_err(|e| ctx.unsupported(format!("{e}")))?.to_vec();
    if let Some(bad) = data.iter().find(|v| !v.is_finite()) {
        return Err(ctx.unsupported(format!("constant holds the non-finite value {bad}")));
    }
    Ok(FloatTensor { shape: t.shape().to_vec(), data })
}

pub(super) fn ints(ctx: &NodeCtx, t: &Tensor) -> Result<Vec<i64>> {
    if !matches!(t.datum_type(), DatumType::I64 | DatumType::I32) {
        return Err(ctx.unsupported(format!("shape constant of type {:?}", t.datum_type())));
    }
    let cast = t.cast_to::<i64>().map_err(|e| ctx.unsupported(format!("{e}")))?;
    Ok(cast.as_slice::<i64>().map_err(|e| ctx.unsupported(format!("{e}")))?.to_vec())
}

pub(super) fn transpose(t: &FloatTensor) -> FloatTensor {
    let (rows, cols) = (t.shape[0], t.shape[1]);
    let mut data = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            data[c * rows + r] = t.data[r * cols + c];
        }
    }
    FloatTensor { shape: vec![cols, rows], data }
}

pub(super) fn broadcast_bias(ctx: &NodeCtx, c: &FloatTensor, out_features: usize) -> Result<Vec<f32>> {
    let leading_ones = c.shape.iter().rev().skip(1).all(|&d| d == 1);
    match c.data.len() {
        1 => Ok(vec![c.data[0]; out_features]),
        n if n == out_features && leading_ones => Ok(c.data.clone()),
        _ => Err(ctx.shape(format!(
            "bias of shape {:?} does not broadcast to {out_features} output features",
            c.shape
        ))),
    }
}

/// A constant broadcast (numpy rules) to `shape`, flattened row-major.
pub(super) fn broadcast_to(ctx: &NodeCtx, c: &FloatTensor, shape: &[usize]) -> Result<Vec<f32>> {
    let rank = shape.len();
    if c.shape.len() > rank || c.shape.iter().rev().zip(shape.iter().rev()).any(|(&a, &b)| a != 1 && a != b) {
        return Err(ctx.shape(format!("constant of shape {:?} does not broadcast to {shape:?}", c.shape)));
    }
    Ok((0..shape.iter().product()).map(|i| c.data[broadcast_index(shape, &c.shape, i)]).collect())
}

pub(super) fn normalize_axis(ctx: &NodeCtx, axis: i64, rank: usize) -> Result<usize> {
    let a = if axis < 0 { axis + rank as i64 - 1 } else { axis };
    if a < 0 || a as usize >= rank {
        return Err(ctx.shape(format!("axis {axis} is out of range for rank {}", rank - 1)));
    }
    Ok(a as usize)
}

pub(super) fn reshape_target(ctx: &NodeCtx, input: &[usize], target: &[i64]) -> Result<Vec<usize>> {
    let total: usize = input.iter().product();
    let mut shape = Vec::with_capacity(target.len());
    let mut infer = None;
    for (i, &d) in target.iter().enumerate() {
        match d {
            0 => {
                shape.push(*input.get(i).ok_or_else(|| {
                    ctx.shape(format!("0 at axis {i} of {target:?} has no input dimension"))
                })?)
            }
            -1 if infer.is_none() => {
                infer = Some(i);
                shape.push(1);
            }
            d if d > 0 => shape.push(d as usize),
            _ => return Err(ctx.shape(format!("invalid target shape {target:?}"))),
        }
    }
    let known: usize = shape.iter().product();
    if let Some(i) = infer {
        if known == 0 || total % known != 0 {
            return Err(ctx.shape(format!("cannot reshape {input:?} to {target:?}")));
        }
        shape[i] = total / known;
    }
    if shape.iter().product::<usize>() != total {
        return Err(ctx.shape(format!("cannot reshape {input:?} ({total} values) to {target:?}")));
    }
    Ok(shape)
}
