//! Reductions, pooling by maximum, softmax and normalizations, lowered to [`Op::Reduce`] plus
//! the elementwise ops and lookup functions they are made of.

use tract_onnx::pb::NodeProto;

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::function::Function;
use crate::graph::{BinaryKind, Op, ReduceKind, ValueId};
use crate::Result;

/// Output shape (reduced axes kept as 1) and input groups of reducing `shape` over `axes`.
pub(super) fn reduction(shape: &[usize], axes: &[usize]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let out_shape: Vec<usize> =
        shape.iter().enumerate().map(|(a, &d)| if axes.contains(&a) { 1 } else { d }).collect();
    let n_out: usize = out_shape.iter().product();
    let mut groups = vec![Vec::new(); n_out];
    let total: usize = shape.iter().product();
    for i in 0..total {
        groups[out_index(shape, &out_shape, i)].push(i);
    }
    (out_shape, groups)
}

/// The flat index in the reduced shape of input element `i`.
fn out_index(shape: &[usize], out_shape: &[usize], i: usize) -> usize {
    let (mut rest, mut o, mut stride) = (i, 0, 1);
    for a in (0..shape.len()).rev() {
        let idx = rest % shape[a];
        rest /= shape[a];
        if out_shape[a] != 1 {
            o += idx * stride;
        }
        stride *= out_shape[a];
    }
    o
}

impl Importer {
    pub(super) fn value_shape(&self, v: ValueId) -> Vec<usize> {
        self.values[v].shape.clone()
    }

    /// Pushes `op` on `inputs` as the value `name` and returns it.
    pub(super) fn emit_op(
        &mut self,
        ctx: &NodeCtx,
        op: Op,
        inputs: Vec<ValueId>,
        name: &str,
        shape: Vec<usize>,
    ) -> ValueId {
        self.push_node(ctx, op, inputs, name, shape);
        self.values.len() - 1
    }

    fn reduce_to(
        &mut self,
        ctx: &NodeCtx,
        kind: ReduceKind,
        x: ValueId,
        axes: &[usize],
        name: &str,
    ) -> ValueId {
        let (shape, groups) = reduction(&self.value_shape(x), axes);
        self.emit_op(ctx, Op::Reduce { kind, groups }, vec![x], name, shape)
    }

    pub(super) fn affine_to(&mut self, ctx: &NodeCtx, x: ValueId, mul: f32, add: f32, name: &str) -> ValueId {
        let shape = self.value_shape(x);
        let n = shape.iter().product();
        self.emit_op(ctx, Op::Scale { mul: vec![mul; n], add: vec![add; n] }, vec![x], name, shape)
    }

    pub(super) fn function_to(
        &mut self,
        ctx: &NodeCtx,
        function: Function,
        x: ValueId,
        name: &str,
    ) -> ValueId {
        let shape = self.value_shape(x);
        self.emit_op(ctx, Op::Function { function }, vec![x], name, shape)
    }

    pub(super) fn binary_to(
        &mut self,
        ctx: &NodeCtx,
        kind: BinaryKind,
        a: ValueId,
        b: ValueId,
        name: &str,
    ) -> Result<ValueId> {
        let (sa, sb) = (self.value_shape(a), self.value_shape(b));
        let shape = crate::fixed_point::broadcast_shape(&sa, &sb)
            .ok_or_else(|| ctx.shape(format!("{sa:?} and {sb:?} do not broadcast")))?;
        Ok(self.emit_op(ctx, Op::Binary { kind }, vec![a, b], name, shape))
    }

    /// Drops the reduced axes (keepdims = 0) by a reshape, or names `v` as `out`.
    fn finish(&mut self, ctx: &NodeCtx, v: ValueId, axes: &[usize], keepdims: bool, out: &str) {
        if keepdims {
            self.by_name.insert(out.to_owned(), v);
        } else {
            let shape: Vec<usize> = self
                .value_shape(v)
                .iter()
                .enumerate()
                .filter(|(a, _)| !axes.contains(a))
                .map(|(_, &d)| d)
                .collect();
            self.emit_op(ctx, Op::Reshape { shape: shape.clone() }, vec![v], out, shape);
        }
    }

    fn reduce_axes(&self, ctx: &NodeCtx, node: &NodeProto, rank: usize) -> Result<Vec<usize>> {
        let axes = match self.optional_constant(ctx, node, 1)? {
            Some(t) => Some(ints(ctx, &t)?),
            None => ints_attr(node, "axes"),
        };
        match axes {
            Some(a) if !a.is_empty() => a
                .iter()
                .map(|&a| {
                    let r = if a < 0 { a + rank as i64 } else { a };
                    (0..rank as i64)
                        .contains(&r)
                        .then_some(r as usize)
                        .ok_or_else(|| ctx.shape(format!("axis {a} out of range for rank {rank}")))
                })
                .collect(),
            _ if int_attr(node, "noop_with_empty_axes").unwrap_or(0) != 0 => Ok(vec![]),
            _ => Ok((0..rank).collect()),
        }
    }

    /// ReduceSum/Mean/Max/Min of a constant, folded.
    fn fold_reduce(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let t = self.constant(ctx, node, 0)?;
        let dt = t.datum_type();
        let shape = t.shape().to_vec();
        let cast =
            t.cast_to::<f64>().map_err(|e| ctx.unsupported(format!("constant of type {dt:?}: {e}")))?;
        let data = cast.as_slice::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?;
        let axes = self.reduce_axes(ctx, node, shape.len())?;
        let (kept, groups) = reduction(&shape, &axes);
        let folded: Vec<f64> = groups
            .iter()
            .map(|g| {
                let xs = g.iter().map(|&i| data[i]);
                match node.op_type.as_str() {
                    "ReduceMax" => xs.fold(f64::NEG_INFINITY, f64::max),
                    "ReduceMin" => xs.fold(f64::INFINITY, f64::min),
                    "ReduceMean" => xs.sum::<f64>() / g.len().max(1) as f64,
                    _ => xs.sum(),
                }
            })
            .collect();
        let out_shape: Vec<usize> = if int_attr(node, "keepdims").unwrap_or(1) != 0 {
            kept
        } else {
            shape.iter().enumerate().filter(|(a, _)| !axes.contains(a)).map(|(_, &d)| d).collect()
        };
        let t = super::elementwise::folded(ctx, &out_shape, &folded, dt)?;
        self.constants.insert(node.output[0].clone(), t);
        Ok(true)
    }

    /// ReduceSum/Mean/Max/Min/L1/L2/SumSquare/LogSumExp, MaxPool, Softmax, LogSoftmax,
    /// InstanceNormalization, LayerNormalization and PRelu; returns whether `node` was one.
    pub(super) fn reduce_family(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let out = node.output[0].clone();
        let op = node.op_type.as_str();
        let named = |step: &str| format!("{out}/{step}");
        match op {
            "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin" | "ReduceL1" | "ReduceL2"
            | "ReduceSumSquare" | "ReduceLogSumExp" => {
                if matches!(op, "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin")
                    && node.input.first().is_some_and(|i| self.constants.contains_key(i))
                {
                    return self.fold_reduce(ctx, node);
                }
                let x = self.activation(ctx, node, 0)?;
                let shape = self.value_shape(x);
                let axes = self.reduce_axes(ctx, node, shape.len())?;
                let keepdims = int_attr(node, "keepdims").unwrap_or(1) != 0;
                let count: usize = axes.iter().map(|&a| shape[a]).product();
                let y = match op {
                    "ReduceMax" => self.reduce_to(ctx, ReduceKind::Max, x, &axes, &named("max")),
                    "ReduceMin" => self.reduce_to(ctx, ReduceKind::Min, x, &axes, &named("min")),
                    "ReduceSum" => self.reduce_to(ctx, ReduceKind::Sum, x, &axes, &named("sum")),
                    "ReduceMean" => {
                        let s = self.reduce_to(ctx, ReduceKind::Sum, x, &axes, &named("sum"));
                        self.affine_to(ctx, s, 1.0 / count as f32, 0.0, &named("mean"))
                    }
                    "ReduceL1" => {
                        let a = self.function_to(ctx, Function::Abs, x, &named("abs"));
                        self.reduce_to(ctx, ReduceKind::Sum, a, &axes, &named("sum"))
                    }
                    "ReduceLogSumExp" => {
                        let m = self.reduce_to(ctx, ReduceKind::Max, x, &axes, &named("max"));
                        let d = self.binary_to(ctx, BinaryKind::Sub, x, m, &named("shifted"))?;
                        let e = self.function_to(ctx, Function::Exp, d, &named("exp"));
                        let s = self.reduce_to(ctx, ReduceKind::Sum, e, &axes, &named("sum"));
                        let l = self.function_to(ctx, Function::Log, s, &named("log"));
                        self.binary_to(ctx, BinaryKind::Add, l, m, &named("lse"))?
                    }
                    _ => {
                        let wide = if op == "ReduceL2" { BinaryKind::MulWide } else { BinaryKind::Mul };
                        let sq = self.binary_to(ctx, wide, x, x, &named("square"))?;
                        let s = self.reduce_to(ctx, ReduceKind::Sum, sq, &axes, &named("sum"));
                        if op == "ReduceL2" {
                            self.function_to(ctx, Function::Sqrt, s, &named("sqrt"))
                        } else {
                            s
                        }
                    }
                };
                self.finish(ctx, y, &axes, keepdims, &out);
            }
            "MaxPool" | "GlobalMaxPool" => {
                if node.output.len() > 1 {
                    return Err(ctx.unsupported("the Indices output"));
                }
                let x = self.activation(ctx, node, 0)?;
                let geometry = self.pool_geometry(ctx, node, x)?;
                let groups: Vec<Vec<usize>> = geometry
                    .outputs()
                    .map(|(n, c, oh, ow)| geometry.taps(n, c, oh, ow).into_iter().map(|(i, _)| i).collect())
                    .collect();
                if groups.iter().any(Vec::is_empty) {
                    return Err(ctx.shape("a pooling window lies entirely in the padding".into()));
                }
                let shape = geometry.output().expect("checked consistent").to_vec();
                self.push_node(ctx, Op::Reduce { kind: ReduceKind::Max, groups }, vec![x], &out, shape);
            }
            "Softmax" | "LogSoftmax" => {
                let x = self.activation(ctx, node, 0)?;
                let rank = self.value_shape(x).len();
                let default = if self.opset >= 13 { -1 } else { 1 };
                let axis = int_attr(node, "axis").unwrap_or(default);
                let axis = if axis < 0 { axis + rank as i64 } else { axis };
                if axis < 0 || axis as usize >= rank {
                    return Err(ctx.shape(format!("axis {axis} out of range for rank {rank}")));
                }
                // Before opset 13 the axis starts a flattened block of all later axes.
                let axes: Vec<usize> =
                    if self.opset >= 13 { vec![axis as usize] } else { (axis as usize..rank).collect() };
                let m = self.reduce_to(ctx, ReduceKind::Max, x, &axes, &named("max"));
                let d = self.binary_to(ctx, BinaryKind::Sub, x, m, &named("shifted"))?;
                let e = self.function_to(ctx, Function::Exp, d, &named("exp"));
                let s = self.reduce_to(ctx, ReduceKind::Sum, e, &axes, &named("sum"));
                if op == "Softmax" {
                    let r = self.function_to(ctx, Function::Reciprocal, s, &named("reciprocal"));
                    let y = self.binary_to(ctx, BinaryKind::Mul, e, r, &named("softmax"))?;
                    self.finish(ctx, y, &[], true, &out);
                } else {
                    let l = self.function_to(ctx, Function::Log, s, &named("log"));
                    let y = self.binary_to(ctx, BinaryKind::Sub, d, l, &named("log_softmax"))?;
                    self.finish(ctx, y, &[], true, &out);
                }
            }
            "InstanceNormalization" | "LayerNormalization" => {
                let x = self.activation(ctx, node, 0)?;
                let shape = self.value_shape(x);
                let rank = shape.len();
                let eps = float_attr(node, "epsilon").unwrap_or(1e-5);
                let axes: Vec<usize> = if op == "InstanceNormalization" {
                    (2..rank).collect()
                } else {
                    let a = int_attr(node, "axis").unwrap_or(-1);
                    let a = if a < 0 { a + rank as i64 } else { a };
                    if a < 0 || a as usize >= rank {
                        return Err(ctx.shape(format!("axis {a} out of range for rank {rank}")));
                    }
                    (a as usize..rank).collect()
                };
                if axes.is_empty() || node.output.len() > 1 {
                    return Err(ctx.unsupported("no axes to normalize over, or extra outputs"));
                }
                let count: usize = axes.iter().map(|&a| shape[a]).product();
                let s = self.reduce_to(ctx, ReduceKind::Sum, x, &axes, &named("sum"));
                let mean = self.affine_to(ctx, s, 1.0 / count as f32, 0.0, &named("mean"));
                let d = self.binary_to(ctx, BinaryKind::Sub, x, mean, &named("centered"))?;
                let sq = self.binary_to(ctx, BinaryKind::MulWide, d, d, &named("square"))?;
                let ss = self.reduce_to(ctx, ReduceKind::Sum, sq, &axes, &named("sum_squares"));
                let var = self.affine_to(ctx, ss, 1.0 / count as f32, 0.0, &named("variance"));
                let r =
                    self.function_to(ctx, Function::InverseStd { epsilon: eps }, var, &named("inverse_std"));
                let normalized = self.binary_to(ctx, BinaryKind::Mul, d, r, &named("normalized"))?;
                let gamma = floats(ctx, &self.constant(ctx, node, 1)?)?;
                let beta = match self.optional_constant(ctx, node, 2)? {
                    Some(b) => Some(floats(ctx, &b)?),
                    None => None,
                };
                let (mul, add) = if op == "InstanceNormalization" {
                    let channels = shape[1];
                    let beta = beta.ok_or_else(|| ctx.unsupported("no B input"))?;
                    if gamma.data.len() != channels || beta.data.len() != channels {
                        return Err(ctx.shape(format!("{channels} channels, parameters of other lengths")));
                    }
                    let inner: usize = shape[2..].iter().product();
                    (0..shape.iter().product::<usize>())
                        .map(|i| {
                            let c = (i / inner) % channels;
                            (gamma.data[c], beta.data[c])
                        })
                        .unzip()
                } else {
                    let mul = broadcast_to(ctx, &gamma, &shape)?;
                    let add = match beta {
                        Some(b) => broadcast_to(ctx, &b, &shape)?,
                        None => vec![0.0; mul.len()],
                    };
                    (mul, add)
                };
                self.push_node(ctx, Op::Scale { mul, add }, vec![normalized], &out, shape);
            }
            "PRelu" => {
                // prelu(x) = relu(x) + slope * min(x, 0), with min(x, 0) = x - relu(x).
                let x = self.activation(ctx, node, 0)?;
                let shape = self.value_shape(x);
                let slope = broadcast_to(ctx, &floats(ctx, &self.constant(ctx, node, 1)?)?, &shape)?;
                let p = self.emit_op(ctx, Op::Relu, vec![x], &named("relu"), shape.clone());
                let negative = self.binary_to(ctx, BinaryKind::Sub, x, p, &named("negative"))?;
                let n = shape.iter().product();
                let scaled = self.emit_op(
                    ctx,
                    Op::Scale { mul: slope, add: vec![0.0; n] },
                    vec![negative],
                    &named("scaled"),
                    shape,
                );
                let y = self.binary_to(ctx, BinaryKind::Add, p, scaled, &named("prelu"))?;
                self.finish(ctx, y, &[], true, &out);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
