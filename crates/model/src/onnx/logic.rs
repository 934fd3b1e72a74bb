//! Comparisons, boolean logic, Where, ArgMax/ArgMin, TopK, OneHot, Cast to integer types, and
//! Gather/GatherElements with computed indices. On constants they fold; an operand that is a
//! constant next to an activation becomes an [`Op::Constant`] value.

use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::{DatumType, Tensor};

use super::attrs::*;
use super::elementwise::{constant_inputs, folded, folded_len};
use super::movement::{axis_of, flat, for_each_index, map_of, strides};
use super::reduce::reduction;
use super::{Importer, NodeCtx};
use crate::fixed_point::{broadcast_index, broadcast_shape};
use crate::graph::{CompareKind, LogicKind, Op, ValueId};
use crate::Result;

impl Importer {
    /// An [`Op::Constant`] value holding `t` (once per name).
    pub(super) fn materialize(&mut self, ctx: &NodeCtx, t: &Tensor, name: &str) -> Result<ValueId> {
        if let Some(&v) = self.materialized.get(name) {
            return Ok(v);
        }
        let tensor = floats(ctx, t)?;
        let shape = tensor.shape.clone();
        self.push_node(ctx, Op::Constant { tensor }, vec![], name, shape);
        let v = self.values.len() - 1;
        self.materialized.insert(name.to_owned(), v);
        Ok(v)
    }

    /// Input `i` as a value: the activation, or the constant materialized.
    pub(super) fn value_input(&mut self, ctx: &NodeCtx, node: &NodeProto, i: usize) -> Result<ValueId> {
        let name = node.input.get(i).ok_or_else(|| ctx.unsupported(format!("missing input {i}")))?;
        match self.constants.get(name) {
            Some(t) => {
                let t = t.clone();
                self.materialize(ctx, &t, name)
            }
            None => self.activation(ctx, node, i),
        }
    }

    /// An elementwise node over `inputs` with numpy broadcasting.
    fn elementwise(&mut self, ctx: &NodeCtx, op: Op, inputs: Vec<ValueId>, out: &str) -> Result<ValueId> {
        let mut shape = self.values[inputs[0]].shape.clone();
        for &v in &inputs[1..] {
            let other = &self.values[v].shape;
            shape = broadcast_shape(&shape, other)
                .ok_or_else(|| ctx.shape(format!("{shape:?} and {other:?} do not broadcast")))?;
        }
        self.push_node(ctx, op, inputs, out, shape);
        Ok(self.values.len() - 1)
    }

    /// Cast of an activation: to a float type nothing changes (values are fixed-point reals),
    /// to an integer type it truncates, to bool it tests for nonzero.
    pub(super) fn cast_activation(&mut self, ctx: &NodeCtx, x: ValueId, to: i64, out: &str) -> Result<()> {
        match to {
            1 | 10 | 11 | 16 => {
                self.by_name.insert(out.to_owned(), x);
            }
            2..=7 | 12 | 13 => {
                let shape = self.values[x].shape.clone();
                self.push(ctx, Op::Truncate, x, out, shape);
            }
            9 => {
                let zero = Tensor::from(0f32);
                let z = self.materialize(ctx, &zero, &format!("{out}/zero"))?;
                self.elementwise(ctx, Op::Compare { kind: CompareKind::NotEqual }, vec![x, z], out)?;
            }
            _ => return Err(ctx.unsupported(format!("cast of an activation to ONNX type {to}"))),
        }
        Ok(())
    }

    /// Comparison, logic, selection and gather ops; returns whether `node` was one of them.
    pub(super) fn logic(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let out = node.output[0].clone();
        let compare = match node.op_type.as_str() {
            "Less" => Some(CompareKind::Less),
            "LessOrEqual" => Some(CompareKind::LessOrEqual),
            "Greater" => Some(CompareKind::Greater),
            "GreaterOrEqual" => Some(CompareKind::GreaterOrEqual),
            "Equal" => Some(CompareKind::Equal),
            _ => None,
        };
        let logic = match node.op_type.as_str() {
            "Not" => Some(LogicKind::Not),
            "And" => Some(LogicKind::And),
            "Or" => Some(LogicKind::Or),
            "Xor" => Some(LogicKind::Xor),
            _ => None,
        };
        if compare.is_some() || logic.is_some() || node.op_type == "Where" {
            let arity = if logic == Some(LogicKind::Not) {
                1
            } else if node.op_type == "Where" {
                3
            } else {
                2
            };
            // Checked before folding: the fold indexes every operand it expects.
            if node.input.len() != arity {
                return Err(ctx.unsupported(format!(
                    "{} takes {arity} inputs, the node has {}",
                    node.op_type,
                    node.input.len()
                )));
            }
            if self.fold_logic(ctx, node, compare, logic)? {
                return Ok(true);
            }
            let inputs = (0..arity).map(|i| self.value_input(ctx, node, i)).collect::<Result<Vec<_>>>()?;
            let op = match (compare, logic) {
                (Some(kind), _) => Op::Compare { kind },
                (_, Some(kind)) => Op::Logic { kind },
                _ => Op::Where,
            };
            self.elementwise(ctx, op, inputs, &out)?;
            return Ok(true);
        }
        match node.op_type.as_str() {
            "ArgMax" | "ArgMin" => self.arg_extreme(ctx, node)?,
            "TopK" => self.top_k(ctx, node)?,
            "OneHot" => self.one_hot(ctx, node)?,
            "Gather" | "GatherElements"
                if node.input.get(1).is_some_and(|i| self.by_name.contains_key(i)) =>
            {
                self.dynamic_gather(ctx, node)?
            }
            "GatherElements" => self.static_gather_elements(ctx, node)?,
            "ScatterElements" => self.scatter_elements(ctx, node)?,
            "GatherND" => self.gather_nd(ctx, node)?,
            "ScatterND" => self.scatter_nd(ctx, node)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Folds a comparison, logic op or Where of constants; returns whether it did.
    fn fold_logic(
        &mut self,
        ctx: &NodeCtx,
        node: &NodeProto,
        compare: Option<CompareKind>,
        logic: Option<LogicKind>,
    ) -> Result<bool> {
        let Some(inputs) = constant_inputs(self, ctx, node)? else { return Ok(false) };
        let mut shape = inputs[0].0.clone();
        for (s, _, _) in &inputs[1..] {
            shape = broadcast_shape(&shape, s)
                .ok_or_else(|| ctx.shape(format!("{shape:?} and {s:?} do not broadcast")))?;
        }
        let n = folded_len(ctx, &shape)?;
        let at = |k: usize, i: usize| inputs[k].1[broadcast_index(&shape, &inputs[k].0, i)];
        let (data, dt): (Vec<f64>, DatumType) = match (compare, logic) {
            (Some(kind), _) => (
                (0..n).map(|i| f64::from(u8::from(kind.holds(at(0, i), at(1, i))))).collect(),
                DatumType::Bool,
            ),
            (_, Some(kind)) => {
                let bit = |v: f64| i64::from(v != 0.0);
                let data = (0..n)
                    .map(|i| {
                        let b = if kind == LogicKind::Not { 0 } else { bit(at(1, i)) };
                        kind.apply(bit(at(0, i)), b).map_or(0.0, |v| v as f64)
                    })
                    .collect();
                (data, DatumType::Bool)
            }
            _ => {
                let data = (0..n).map(|i| if at(0, i) != 0.0 { at(1, i) } else { at(2, i) }).collect();
                (data, inputs[1].2)
            }
        };
        let t = folded(ctx, &shape, &data, dt)?;
        self.constants.insert(node.output[0].clone(), t);
        Ok(true)
    }

    /// ArgMax/ArgMin over one axis (`keepdims`, `select_last_index`).
    fn arg_extreme(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let shape = self.values[x].shape.clone();
        let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
        if shape[axis] == 0 {
            return Err(ctx.shape(format!("axis {axis} of {shape:?} is empty: no position to pick")));
        }
        let (kept, groups) = reduction(&shape, &[axis]);
        let op = Op::ArgMax {
            groups,
            largest: node.op_type == "ArgMax",
            last: int_attr(node, "select_last_index").unwrap_or(0) != 0,
        };
        let keepdims = int_attr(node, "keepdims").unwrap_or(1) != 0;
        let out_shape: Vec<usize> = if keepdims {
            kept
        } else {
            shape.iter().enumerate().filter(|&(a, _)| a != axis).map(|(_, &d)| d).collect()
        };
        self.push(ctx, op, x, &node.output[0], out_shape);
        Ok(())
    }

    /// TopK's values (the indices output must be unused).
    fn top_k(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if let Some(indices) = node.output.get(1).filter(|n| !n.is_empty()) {
            if self.readers.get(indices).copied().unwrap_or(0) > 0 {
                return Err(ctx.unsupported("the Indices output is read; only the values are supported"));
            }
        }
        let x = self.activation(ctx, node, 0)?;
        let shape = self.values[x].shape.clone();
        let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(-1), shape.len())?;
        let k = match self.optional_constant(ctx, node, 1)? {
            Some(t) => ints(ctx, &t)?.first().copied(),
            None => int_attr(node, "k"),
        }
        .ok_or_else(|| ctx.unsupported("no K"))?;
        if k < 1 || k as usize > shape[axis] {
            return Err(ctx.shape(format!("K = {k} for an axis of length {}", shape[axis])));
        }
        let (_, groups) = reduction(&shape, &[axis]);
        let mut out_shape = shape.clone();
        out_shape[axis] = k as usize;
        let inner: usize = shape[axis + 1..].iter().product();
        let n: usize = out_shape.iter().product();
        // Output (outer, rank, inner) comes from group (outer, inner) at that rank.
        let slots = (0..n)
            .map(|o| {
                let (outer, rest) = (o / (k as usize * inner), o % (k as usize * inner));
                (outer * inner + rest % inner, rest / inner)
            })
            .collect();
        let op = Op::TopK { groups, slots, largest: int_attr(node, "largest").unwrap_or(1) != 0 };
        self.push(ctx, op, x, &node.output[0], out_shape);
        Ok(())
    }

    /// OneHot(indices, depth, [off, on]): compares the indices with every position on the new
    /// axis, then maps 0/1 to off/on.
    fn one_hot(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let depth = self.constant(ctx, node, 1)?;
        let depth = floats(ctx, &depth)?.data.first().copied().unwrap_or(0.0) as usize;
        let values = floats(ctx, &self.constant(ctx, node, 2)?)?;
        let [off, on] = values.data[..] else {
            return Err(ctx.shape(format!("values has {} elements, not 2", values.data.len())));
        };
        let shape = self.values[x].shape.clone();
        let axis = int_attr(node, "axis").unwrap_or(-1);
        let axis = axis_of(ctx, axis, shape.len() + 1)?;
        let mut out_shape = shape.clone();
        out_shape.insert(axis, depth);
        let out = node.output[0].clone();
        // The indices repeated along the new axis, and each position's own number.
        let st = strides(&shape);
        let map = map_of(&out_shape, |o| {
            let src: Vec<usize> = o.iter().enumerate().filter(|&(a, _)| a != axis).map(|(_, &i)| i).collect();
            Some(flat(&src, &st))
        });
        let spread = format!("{out}/spread");
        self.push_node(ctx, Op::Rearrange { map }, vec![x], &spread, out_shape.clone());
        let spread = self.values.len() - 1;
        let positions: Vec<f32> =
            map_of(&out_shape, |o| Some(o[axis])).into_iter().map(|p| p as f32).collect();
        let positions = Tensor::from_shape(&out_shape, &positions)
            .map_err(|e| ctx.unsupported(format!("OneHot positions: {e}")))?;
        let positions = self.materialize(ctx, &positions, &format!("{out}/positions"))?;
        let hit = self.elementwise(
            ctx,
            Op::Compare { kind: CompareKind::Equal },
            vec![spread, positions],
            &format!("{out}/hit"),
        )?;
        let n = out_shape.iter().product();
        let op = Op::Scale { mul: vec![on - off; n], add: vec![off; n] };
        self.push(ctx, op, hit, &out, out_shape);
        Ok(())
    }

    /// Gather or GatherElements whose indices are computed: [`Op::Gather`].
    fn dynamic_gather(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let data = self.value_input(ctx, node, 0)?;
        let indices = self.activation(ctx, node, 1)?;
        let shape = self.values[data].shape.clone();
        let idx_shape = self.values[indices].shape.clone();
        let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
        let st = strides(&shape);
        let (out_shape, index_of, candidates) = if node.op_type == "Gather" {
            let out_shape: Vec<usize> =
                shape[..axis].iter().chain(&idx_shape).chain(&shape[axis + 1..]).copied().collect();
            let r = idx_shape.len();
            let ist = strides(&idx_shape);
            let mut index_of = Vec::new();
            let mut candidates = Vec::new();
            for_each_index(&out_shape, |o| {
                index_of.push(flat(&o[axis..axis + r], &ist));
                let before: usize = o[..axis].iter().zip(&st).map(|(i, s)| i * s).sum();
                let after: usize = o[axis + r..].iter().zip(&st[axis + 1..]).map(|(i, s)| i * s).sum();
                candidates.push((0..shape[axis]).map(|a| before + a * st[axis] + after).collect());
            });
            (out_shape, index_of, candidates)
        } else {
            self.check_elements_shape(ctx, &shape, &idx_shape, axis)?;
            let ist = strides(&idx_shape);
            let mut index_of = Vec::new();
            let mut candidates = Vec::new();
            for_each_index(&idx_shape, |o| {
                index_of.push(flat(o, &ist));
                let at = |a: usize| {
                    o.iter().enumerate().map(|(d, &i)| if d == axis { a } else { i } * st[d]).sum()
                };
                candidates.push((0..shape[axis]).map(at).collect());
            });
            (idx_shape, index_of, candidates)
        };
        self.push_node(
            ctx,
            Op::Gather { index_of, candidates },
            vec![data, indices],
            &node.output[0],
            out_shape,
        );
        Ok(())
    }

    /// GatherElements with constant indices: a plain index map.
    fn static_gather_elements(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let data = self.value_input(ctx, node, 0)?;
        let shape = self.values[data].shape.clone();
        let indices = self.constant(ctx, node, 1)?;
        let idx_shape = indices.shape().to_vec();
        let idx = ints(ctx, &indices)?;
        let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
        self.check_elements_shape(ctx, &shape, &idx_shape, axis)?;
        let st = strides(&shape);
        let mut map = Vec::with_capacity(idx.len());
        let mut k = 0;
        let mut bad = None;
        for_each_index(&idx_shape, |o| {
            let i = idx[k];
            k += 1;
            let a = if i < 0 { i + shape[axis] as i64 } else { i };
            if a < 0 || a as usize >= shape[axis] {
                bad = Some(i);
            }
            let a = a.clamp(0, shape[axis] as i64 - 1) as usize;
            map.push(
                o.iter().enumerate().map(|(d, &i)| if d == axis { a } else { i } * st[d]).sum::<usize>()
                    as i64,
            );
        });
        if let Some(i) = bad {
            return Err(ctx.shape(format!("index {i} out of bounds for axis {axis} of {shape:?}")));
        }
        self.push_node(ctx, Op::Rearrange { map }, vec![data], &node.output[0], idx_shape);
        Ok(())
    }

    /// ScatterElements without reduction: [`Op::Scatter`] (constant indices become values).
    fn scatter_elements(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let [data, indices, updates] = self.scatter_operands(ctx, node)?;
        let shape = self.values[data].shape.clone();
        let idx_shape = self.values[indices].shape.clone();
        if self.values[updates].shape != idx_shape {
            return Err(ctx.shape(format!(
                "updates {:?} and indices {idx_shape:?} differ",
                self.values[updates].shape
            )));
        }
        let axis = axis_of(ctx, int_attr(node, "axis").unwrap_or(0), shape.len())?;
        self.check_elements_shape(ctx, &shape, &idx_shape, axis)?;
        let ist = strides(&idx_shape);
        let mut position = Vec::new();
        let mut writers = Vec::new();
        for_each_index(&shape, |o| {
            position.push(o[axis] as i64);
            // Update elements in the same row (all coordinates but the axis), if the indices reach it.
            let in_rows = o.iter().zip(&idx_shape).enumerate().all(|(d, (&i, &n))| d == axis || i < n);
            let w = if in_rows {
                (0..idx_shape[axis])
                    .map(|k| {
                        let m: usize =
                            o.iter().enumerate().map(|(d, &i)| if d == axis { k } else { i } * ist[d]).sum();
                        (m, m)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            writers.push(w);
        });
        let op = Op::Scatter { position, writers, axis_len: shape[axis] };
        self.push_node(ctx, op, vec![data, indices, updates], &node.output[0], shape);
        Ok(())
    }

    /// Data, indices and updates of a scatter without reduction (the only kind supported).
    pub(super) fn scatter_operands(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<[ValueId; 3]> {
        if let Some(r) = string_attr(node, "reduction").filter(|r| r != "none") {
            return Err(ctx.unsupported(format!("reduction `{r}`")));
        }
        Ok([
            self.value_input(ctx, node, 0)?,
            self.value_input(ctx, node, 1)?,
            self.value_input(ctx, node, 2)?,
        ])
    }

    fn check_elements_shape(&self, ctx: &NodeCtx, shape: &[usize], idx: &[usize], axis: usize) -> Result<()> {
        let fits = idx.len() == shape.len()
            && idx.iter().zip(shape).enumerate().all(|(d, (&i, &s))| d == axis || i <= s);
        if !fits {
            return Err(ctx.shape(format!("indices {idx:?} do not fit data {shape:?} on axis {axis}")));
        }
        Ok(())
    }
}
