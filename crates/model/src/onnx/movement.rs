//! Data movement -> [`Op::Rearrange`] (or [`Op::Reshape`]); on constants the same index maps
//! fold the result into a new constant, so shape arithmetic and constant subgraphs disappear.

use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::{DatumType, Tensor};

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::graph::{Op, ValueId};
use crate::Result;

/// An op input: an activation or a constant.
enum Operand {
    Act(ValueId),
    Const(Tensor),
}

/// Row-major strides of `shape`.
pub(super) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// Flat index of a multi-index.
pub(super) fn flat(index: &[usize], strides: &[usize]) -> usize {
    index.iter().zip(strides).map(|(i, s)| i * s).sum()
}

/// The map of an output of `shape`: `src(multi-index)` gives the flat source, `None` a zero.
pub(super) fn map_of(shape: &[usize], src: impl Fn(&[usize]) -> Option<usize>) -> Vec<i64> {
    let mut map = Vec::with_capacity(shape.iter().product());
    for_each_index(shape, |index| map.push(src(index).map_or(-1, |i| i as i64)));
    map
}

/// Calls `f` with every multi-index of `shape`, row-major.
pub(super) fn for_each_index(shape: &[usize], mut f: impl FnMut(&[usize])) {
    let n: usize = shape.iter().product();
    let mut index = vec![0; shape.len()];
    for _ in 0..n {
        f(&index);
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// A possibly negative axis of a rank-`rank` tensor.
pub(super) fn axis_of(ctx: &NodeCtx, axis: i64, rank: usize) -> Result<usize> {
    let a = if axis < 0 { axis + rank as i64 } else { axis };
    if a < 0 || a as usize >= rank {
        return Err(ctx.shape(format!("axis {axis} is out of range for rank {rank}")));
    }
    Ok(a as usize)
}

impl Importer {
    fn operand(&self, ctx: &NodeCtx, node: &NodeProto, i: usize) -> Result<Operand> {
        let name = node.input.get(i).ok_or_else(|| ctx.unsupported(format!("missing input {i}")))?;
        if let Some(c) = self.constants.get(name) {
            return Ok(Operand::Const(c.clone()));
        }
        self.activation(ctx, node, i).map(Operand::Act)
    }

    fn operand_shape(&self, op: &Operand) -> Vec<usize> {
        match op {
            Operand::Act(v) => self.values[*v].shape.clone(),
            Operand::Const(t) => t.shape().to_vec(),
        }
    }

    /// Ints of an optional constant input, or of an attribute (older opsets), or `None`.
    fn ints_input_or_attr(
        &self,
        ctx: &NodeCtx,
        node: &NodeProto,
        i: usize,
        attr: &str,
    ) -> Result<Option<Vec<i64>>> {
        match self.optional_constant(ctx, node, i)? {
            Some(t) => ints(ctx, &t).map(Some),
            None => Ok(ints_attr(node, attr)),
        }
    }

    /// Emits the output `out` (output `k` of `node`) of shape `shape` built by `map` over the
    /// operands laid end to end: a constant when all operands are constants, else a node.
    fn emit(
        &mut self,
        ctx: &NodeCtx,
        operands: &[Operand],
        map: Vec<i64>,
        shape: Vec<usize>,
        out: &str,
    ) -> Result<()> {
        let acts: Vec<ValueId> =
            operands.iter().filter_map(|o| if let Operand::Act(v) = o { Some(*v) } else { None }).collect();
        if acts.is_empty() {
            let consts: Vec<&Tensor> = operands
                .iter()
                .filter_map(|o| if let Operand::Const(t) = o { Some(t) } else { None })
                .collect();
            let dt = consts.first().map_or(DatumType::F32, |t| t.datum_type());
            let mut all = Vec::new();
            for t in consts {
                let cast = t
                    .cast_to::<f64>()
                    .map_err(|e| ctx.unsupported(format!("constant of type {dt:?}: {e}")))?;
                all.extend_from_slice(cast.as_slice::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?);
            }
            let data: Vec<f64> = map.iter().map(|&i| if i < 0 { 0.0 } else { all[i as usize] }).collect();
            let folded = Tensor::from_shape(&shape, &data)
                .and_then(|t| t.cast_to_dt(dt).map(|c| c.into_owned()))
                .map_err(|e| ctx.unsupported(format!("folding constants: {e}")))?;
            self.constants.insert(out.to_owned(), folded);
            return Ok(());
        }
        // Constants joined with activations (Concat of a learned token, say) become constant
        // values of the circuit.
        let mut inputs = Vec::with_capacity(operands.len());
        for (k, o) in operands.iter().enumerate() {
            inputs.push(match o {
                Operand::Act(v) => *v,
                Operand::Const(t) => self.materialize(ctx, t, &format!("{out}/constant{k}"))?,
            });
        }
        self.push_node(ctx, Op::Rearrange { map }, inputs, out, shape);
        Ok(())
    }

    /// Reshape-like ops on activations stay [`Op::Reshape`]; on constants they fold.
    fn reshaped(&mut self, ctx: &NodeCtx, x: Operand, shape: Vec<usize>, out: &str) -> Result<()> {
        match x {
            Operand::Act(v) => {
                self.push(ctx, Op::Reshape { shape: shape.clone() }, v, out, shape);
                Ok(())
            }
            c @ Operand::Const(_) => {
                let n = shape.iter().product::<usize>() as i64;
                self.emit(ctx, &[c], (0..n).collect(), shape, out)
            }
        }
    }

    /// Transpose, Slice, Pad, Concat, Gather, Expand, Tile, Split, Resize, Trilu, Squeeze,
    /// Unsqueeze, Shape, ConstantOfShape, NonZero (of constants), Cast; returns whether `node` was one of them.
    pub(super) fn movement(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let out = node.output[0].clone();
        match node.op_type.as_str() {
            "Transpose" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let perm: Vec<usize> = match ints_attr(node, "perm") {
                    Some(p) => p.iter().map(|&a| axis_of(ctx, a, shape.len())).collect::<Result<_>>()?,
                    None => (0..shape.len()).rev().collect(),
                };
                let st = strides(&shape);
                let out_shape: Vec<usize> = perm.iter().map(|&a| shape[a]).collect();
                let map =
                    map_of(&out_shape, |idx| Some(idx.iter().zip(&perm).map(|(i, &a)| i * st[a]).sum()));
                self.emit(ctx, &[x], map, out_shape, &out)?;
            }
            "Slice" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let starts = self.ints_input_or_attr(ctx, node, 1, "starts")?.unwrap_or_default();
                let ends = self.ints_input_or_attr(ctx, node, 2, "ends")?.unwrap_or_default();
                let axes = self.ints_input_or_attr(ctx, node, 3, "axes")?;
                let steps = self.ints_input_or_attr(ctx, node, 4, "steps")?;
                let axes = axes.unwrap_or_else(|| (0..starts.len() as i64).collect());
                let steps_ok = steps.as_ref().is_none_or(|s| s.len() == axes.len());
                if starts.len() != axes.len() || ends.len() != axes.len() || !steps_ok {
                    return Err(ctx.shape(format!(
                        "starts {starts:?}, ends {ends:?}, axes {axes:?} and steps {steps:?} differ in length"
                    )));
                }
                let (mut start, mut step) = (vec![0i64; shape.len()], vec![1i64; shape.len()]);
                let mut out_shape = shape.clone();
                for (j, &a) in axes.iter().enumerate() {
                    let a = axis_of(ctx, a, shape.len())?;
                    let dim = shape[a] as i64;
                    let s = steps.as_ref().and_then(|s| s.get(j).copied()).unwrap_or(1);
                    if s == 0 {
                        return Err(ctx.unsupported("step 0"));
                    }
                    let clamp = |v: i64, lo: i64, hi: i64| {
                        let v = if v < 0 { v + dim } else { v };
                        v.clamp(lo, hi)
                    };
                    let (b, e) = if s > 0 {
                        (clamp(starts[j], 0, dim), clamp(ends[j], 0, dim))
                    } else {
                        (clamp(starts[j], -1, dim - 1), clamp(ends[j], -1, dim - 1))
                    };
                    let len =
                        if s > 0 { (e - b + s - 1).div_euclid(s) } else { (b - e - s - 1).div_euclid(-s) };
                    out_shape[a] = len.max(0) as usize;
                    (start[a], step[a]) = (b, s);
                }
                let st = strides(&shape);
                let map = map_of(&out_shape, |idx| {
                    Some(
                        idx.iter()
                            .enumerate()
                            .map(|(a, &i)| (start[a] + i as i64 * step[a]) as usize * st[a])
                            .sum(),
                    )
                });
                self.emit(ctx, &[x], map, out_shape, &out)?;
            }
            "Pad" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let mode = string_attr(node, "mode");
                if mode.as_deref().is_some_and(|m| m != "constant") {
                    return Err(ctx.unsupported(format!("mode `{}`", mode.unwrap_or_default())));
                }
                let pads = self
                    .ints_input_or_attr(ctx, node, 1, "pads")?
                    .ok_or_else(|| ctx.unsupported("no pads"))?;
                let value = match self.optional_constant(ctx, node, 2)? {
                    Some(t) => floats(ctx, &t)?.data.first().copied().unwrap_or(0.0),
                    None => float_attr(node, "value").unwrap_or(0.0),
                };
                if value != 0.0 {
                    return Err(ctx.unsupported(format!("padding with {value} (only 0)")));
                }
                let axes: Vec<usize> = match self.optional_constant(ctx, node, 3)? {
                    Some(t) => {
                        ints(ctx, &t)?.iter().map(|&a| axis_of(ctx, a, shape.len())).collect::<Result<_>>()?
                    }
                    None => (0..shape.len()).collect(),
                };
                if pads.len() != 2 * axes.len() {
                    return Err(ctx.shape(format!("{} pads for {} axes", pads.len(), axes.len())));
                }
                let mut before = vec![0i64; shape.len()];
                let mut out_shape = shape.clone();
                for (j, &a) in axes.iter().enumerate() {
                    let (b, e) = (pads[j], pads[j + axes.len()]);
                    before[a] = b;
                    out_shape[a] = (shape[a] as i64 + b + e).max(0) as usize;
                }
                let st = strides(&shape);
                let map = map_of(&out_shape, |idx| {
                    let mut src = 0;
                    for (a, &i) in idx.iter().enumerate() {
                        let s = i as i64 - before[a];
                        if s < 0 || s >= shape[a] as i64 {
                            return None;
                        }
                        src += s as usize * st[a];
                    }
                    Some(src)
                });
                self.emit(ctx, &[x], map, out_shape, &out)?;
            }
            "Concat" => {
                let operands: Vec<Operand> =
                    (0..node.input.len()).map(|i| self.operand(ctx, node, i)).collect::<Result<_>>()?;
                let shapes: Vec<Vec<usize>> = operands.iter().map(|o| self.operand_shape(o)).collect();
                if shapes.is_empty() {
                    return Err(ctx.unsupported("no inputs"));
                }
                let rank = shapes.first().map_or(0, Vec::len);
                let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), rank)?;
                let mut out_shape = shapes[0].clone();
                out_shape[axis] = 0;
                let mut offsets = Vec::new();
                let mut base = 0;
                for s in &shapes {
                    let same =
                        s.len() == rank && s.iter().enumerate().all(|(a, &d)| a == axis || d == shapes[0][a]);
                    if !same {
                        return Err(ctx.shape(format!(
                            "{s:?} does not concatenate with {:?} on axis {axis}",
                            shapes[0]
                        )));
                    }
                    offsets.push((out_shape[axis], base));
                    out_shape[axis] += s[axis];
                    base += s.iter().product::<usize>();
                }
                let map = map_of(&out_shape, |idx| {
                    let k = offsets.iter().rposition(|&(start, _)| start <= idx[axis])?;
                    let (start, base) = offsets[k];
                    let mut local = idx.to_vec();
                    local[axis] -= start;
                    Some(base + flat(&local, &strides(&shapes[k])))
                });
                self.emit(ctx, &operands, map, out_shape, &out)?;
            }
            "Gather" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let indices = self.constant(ctx, node, 1)?;
                let idx_shape = indices.shape().to_vec();
                let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
                let idx: Vec<usize> = ints(ctx, &indices)?
                    .iter()
                    .map(|&i| {
                        let j = if i < 0 { i + shape[axis] as i64 } else { i };
                        (0..shape[axis] as i64).contains(&j).then_some(j as usize).ok_or_else(|| {
                            ctx.shape(format!("index {i} out of bounds for axis {axis} of {shape:?}"))
                        })
                    })
                    .collect::<Result<_>>()?;
                let out_shape: Vec<usize> =
                    shape[..axis].iter().chain(&idx_shape).chain(&shape[axis + 1..]).copied().collect();
                let st = strides(&shape);
                let ist = strides(&idx_shape);
                let r = idx_shape.len();
                let map = map_of(&out_shape, |o| {
                    let k = idx[flat(&o[axis..axis + r], &ist)];
                    let before: usize = o[..axis].iter().zip(&st).map(|(i, s)| i * s).sum();
                    let after: usize = o[axis + r..].iter().zip(&st[axis + 1..]).map(|(i, s)| i * s).sum();
                    Some(before + k * st[axis] + after)
                });
                self.emit(ctx, &[x], map, out_shape, &out)?;
            }
            "Expand" | "Tile" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let arg = ints(ctx, &self.constant(ctx, node, 1)?)?;
                let st = strides(&shape);
                let (out_shape, map) = if node.op_type == "Expand" {
                    let target: Vec<usize> = arg.iter().map(|&d| d.max(0) as usize).collect();
                    let out_shape = crate::fixed_point::broadcast_shape(&shape, &target)
                        .ok_or_else(|| ctx.shape(format!("{shape:?} does not expand to {target:?}")))?;
                    let n: usize = out_shape.iter().product();
                    (
                        out_shape.clone(),
                        (0..n)
                            .map(|i| crate::fixed_point::broadcast_index(&out_shape, &shape, i) as i64)
                            .collect(),
                    )
                } else {
                    if arg.len() != shape.len() {
                        return Err(ctx.shape(format!("{} repeats for rank {}", arg.len(), shape.len())));
                    }
                    let out_shape: Vec<usize> =
                        shape.iter().zip(&arg).map(|(&d, &r)| d * r.max(0) as usize).collect();
                    let map = map_of(&out_shape, |o| {
                        Some(o.iter().enumerate().map(|(a, &i)| (i % shape[a]) * st[a]).sum())
                    });
                    (out_shape, map)
                };
                self.emit(ctx, &[x], map, out_shape, &out)?;
            }
            "Split" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
                let parts = node.output.len();
                let sizes: Vec<usize> = match self.ints_input_or_attr(ctx, node, 1, "split")? {
                    Some(s) => s.iter().map(|&d| d.max(0) as usize).collect(),
                    None => {
                        let each = shape[axis].div_ceil(parts);
                        (0..parts).map(|k| each.min(shape[axis].saturating_sub(k * each))).collect()
                    }
                };
                if sizes.len() != parts || sizes.iter().sum::<usize>() != shape[axis] {
                    return Err(ctx
                        .shape(format!("split {sizes:?} of axis {axis} of {shape:?} into {parts} outputs")));
                }
                let st = strides(&shape);
                let mut start = 0;
                for (k, &size) in sizes.iter().enumerate() {
                    let mut out_shape = shape.clone();
                    out_shape[axis] = size;
                    let map = map_of(&out_shape, |o| {
                        Some(
                            o.iter()
                                .enumerate()
                                .map(|(a, &i)| (if a == axis { i + start } else { i }) * st[a])
                                .sum(),
                        )
                    });
                    let x = match &x {
                        Operand::Act(v) => Operand::Act(*v),
                        Operand::Const(t) => Operand::Const(t.clone()),
                    };
                    self.emit(ctx, &[x], map, out_shape, &node.output[k].clone())?;
                    start += size;
                }
            }
            "Trilu" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                if shape.len() < 2 {
                    return Err(ctx.shape(format!("input {shape:?} has fewer than 2 dimensions")));
                }
                let k = match self.optional_constant(ctx, node, 1)? {
                    Some(t) => ints(ctx, &t)?.first().copied().unwrap_or(0),
                    None => 0,
                };
                let upper = int_attr(node, "upper").unwrap_or(1) != 0;
                let st = strides(&shape);
                let r = shape.len();
                let map = map_of(&shape, |o| {
                    let d = o[r - 1] as i64 - o[r - 2] as i64;
                    let keep = if upper { d >= k } else { d <= k };
                    keep.then(|| flat(o, &st))
                });
                self.emit(ctx, &[x], map, shape, &out)?;
            }
            "Resize" | "Upsample" => self.resize(ctx, node)?,
            "Squeeze" | "Unsqueeze" => {
                let x = self.operand(ctx, node, 0)?;
                let shape = self.operand_shape(&x);
                let axes = self.ints_input_or_attr(ctx, node, 1, "axes")?;
                let out_shape = if node.op_type == "Squeeze" {
                    match axes {
                        None => shape.iter().copied().filter(|&d| d != 1).collect(),
                        Some(axes) => {
                            let axes: Vec<usize> =
                                axes.iter().map(|&a| axis_of(ctx, a, shape.len())).collect::<Result<_>>()?;
                            shape
                                .iter()
                                .enumerate()
                                .filter(|(a, _)| !axes.contains(a))
                                .map(|(_, &d)| d)
                                .collect()
                        }
                    }
                } else {
                    let axes = axes.ok_or_else(|| ctx.unsupported("no axes"))?;
                    let rank = shape.len() + axes.len();
                    let axes: Vec<usize> =
                        axes.iter().map(|&a| axis_of(ctx, a, rank)).collect::<Result<_>>()?;
                    let mut dims = shape.iter();
                    (0..rank)
                        .map(|a| if axes.contains(&a) { 1 } else { dims.next().copied().unwrap_or(1) })
                        .collect()
                };
                self.reshaped(ctx, x, out_shape, &out)?;
            }
            "Shape" => {
                let x = self.operand(ctx, node, 0)?;
                let shape: Vec<i64> = self.operand_shape(&x).iter().map(|&d| d as i64).collect();
                let r = shape.len() as i64;
                let bound = |v: i64| (if v < 0 { v + r } else { v }).clamp(0, r) as usize;
                let (start, end) =
                    (bound(int_attr(node, "start").unwrap_or(0)), bound(int_attr(node, "end").unwrap_or(r)));
                let dims = shape[start..end.max(start)].to_vec();
                let t =
                    Tensor::from_shape(&[dims.len()], &dims).map_err(|e| ctx.unsupported(e.to_string()))?;
                self.constants.insert(out, t);
            }
            // Only on constants: on activations its output shape would depend on the data.
            "NonZero" => {
                let t = self.constant(ctx, node, 0)?;
                let shape = t.shape().to_vec();
                let v = t.cast_to::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?;
                let v = v.as_slice::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?;
                let mut coords: Vec<Vec<i64>> = vec![Vec::new(); shape.len()];
                let mut k = 0;
                for_each_index(&shape, |idx| {
                    if v[k] != 0.0 {
                        for (d, &i) in idx.iter().enumerate() {
                            coords[d].push(i as i64);
                        }
                    }
                    k += 1;
                });
                let count = coords.first().map_or(0, Vec::len);
                let flat: Vec<i64> = coords.concat();
                let t = Tensor::from_shape(&[shape.len(), count], &flat)
                    .map_err(|e| ctx.unsupported(e.to_string()))?;
                self.constants.insert(out, t);
            }
            "ConstantOfShape" => {
                let dims: Vec<usize> =
                    ints(ctx, &self.constant(ctx, node, 0)?)?.iter().map(|&d| d.max(0) as usize).collect();
                let value = match node.attribute.iter().find(|a| a.name == "value").and_then(|a| a.t.as_ref())
                {
                    Some(t) => self.load_tensor(t)?,
                    None => Tensor::from(0f32),
                };
                let v = value.cast_to::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?;
                let v = v
                    .as_slice::<f64>()
                    .map_err(|e| ctx.unsupported(e.to_string()))?
                    .first()
                    .copied()
                    .unwrap_or(0.0);
                let n: usize = dims.iter().product();
                let t = Tensor::from_shape(&dims, &vec![v; n])
                    .and_then(|t| t.cast_to_dt(value.datum_type()).map(|c| c.into_owned()))
                    .map_err(|e| ctx.unsupported(e.to_string()))?;
                self.constants.insert(out, t);
            }
            "Cast" => {
                let to = int_attr(node, "to").unwrap_or(1);
                match self.operand(ctx, node, 0)? {
                    Operand::Const(t) => {
                        let dt = onnx_datum_type(to)
                            .ok_or_else(|| ctx.unsupported(format!("cast to ONNX type {to}")))?;
                        let c = t.cast_to_dt(dt).map_err(|e| ctx.unsupported(e.to_string()))?.into_owned();
                        self.constants.insert(out, c);
                    }
                    // Activations are fixed-point reals already: a cast to a float type changes nothing.
                    Operand::Act(v) if matches!(to, 1 | 10 | 11 | 16) => {
                        self.by_name.insert(out, v);
                    }
                    Operand::Act(v) => self.cast_activation(ctx, v, to, &out)?,
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Resize with `nearest` interpolation (any coordinate mode and nearest rounding).
    fn resize(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let mode = string_attr(node, "mode").unwrap_or_else(|| "nearest".into());
        if mode != "nearest" {
            return Err(ctx.unsupported(format!("mode `{mode}` (only nearest)")));
        }
        let x = self.operand(ctx, node, 0)?;
        let shape = self.operand_shape(&x);
        let scales_input = if node.op_type == "Upsample" { 1 } else { 2 };
        let scales: Vec<f32> = match self.optional_constant(ctx, node, scales_input)? {
            Some(t) if t.len() > 0 => floats(ctx, &t)?.data,
            _ => match self.optional_constant(ctx, node, 3)? {
                Some(sizes) => {
                    ints(ctx, &sizes)?.iter().zip(&shape).map(|(&o, &i)| o as f32 / i as f32).collect()
                }
                None => return Err(ctx.unsupported("neither scales nor sizes")),
            },
        };
        if scales.len() != shape.len() {
            return Err(ctx.shape(format!("{} scales for rank {}", scales.len(), shape.len())));
        }
        let coord =
            string_attr(node, "coordinate_transformation_mode").unwrap_or_else(|| "half_pixel".into());
        let nearest = string_attr(node, "nearest_mode").unwrap_or_else(|| "round_prefer_floor".into());
        let out_shape: Vec<usize> =
            shape.iter().zip(&scales).map(|(&d, &s)| (d as f32 * s).floor() as usize).collect();
        let st = strides(&shape);
        let source = |a: usize, o: usize| -> usize {
            let (s, len_in, len_out) = (scales[a] as f64, shape[a] as f64, out_shape[a] as f64);
            let x = match coord.as_str() {
                "asymmetric" => o as f64 / s,
                "align_corners" if len_out > 1.0 => o as f64 * (len_in - 1.0) / (len_out - 1.0),
                "align_corners" => 0.0,
                "pytorch_half_pixel" if len_out <= 1.0 => 0.0,
                _ => (o as f64 + 0.5) / s - 0.5,
            };
            let r = match nearest.as_str() {
                "floor" => x.floor(),
                "ceil" => x.ceil(),
                "round_prefer_ceil" => (x + 0.5).floor(),
                _ => (x - 0.5).ceil(),
            };
            r.clamp(0.0, len_in - 1.0) as usize
        };
        let map =
            map_of(&out_shape, |o| Some(o.iter().enumerate().map(|(a, &i)| source(a, i) * st[a]).sum()));
        self.emit(ctx, &[x], map, out_shape, &node.output[0])
    }
}

/// tract's datum type of an ONNX `TensorProto.DataType`.
fn onnx_datum_type(t: i64) -> Option<DatumType> {
    Some(match t {
        1 => DatumType::F32,
        2 => DatumType::U8,
        3 => DatumType::I8,
        5 => DatumType::I16,
        6 => DatumType::I32,
        7 => DatumType::I64,
        9 => DatumType::Bool,
        10 => DatumType::F16,
        11 => DatumType::F64,
        _ => return None,
    })
}
