//! GatherND and ScatterND with computed indices, lowered onto [`Op::Gather`] and
//! [`Op::Scatter`] so that they reuse those ops' range-checked selection.
//!
//! GatherND with index tuples of length `q` is `q` successive single-axis gathers: step `k`
//! picks coordinate `k` of every tuple, each step with its own per-element candidates.

use tract_onnx::pb::NodeProto;

use super::attrs::int_attr;
use super::movement::{flat, for_each_index, strides};
use super::{Importer, NodeCtx};
use crate::graph::Op;
use crate::Result;

impl Importer {
    /// GatherND (`batch_dims` supported): output `[batch, p, rest]` is
    /// `data[batch, indices[batch, p, 0], ..., indices[batch, p, q-1], rest]`.
    pub(super) fn gather_nd(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let mut current = self.value_input(ctx, node, 0)?;
        let indices = self.value_input(ctx, node, 1)?;
        let data_shape = self.values[current].shape.clone();
        let idx_shape = self.values[indices].shape.clone();
        let b = usize::try_from(int_attr(node, "batch_dims").unwrap_or(0))
            .map_err(|_| ctx.unsupported("negative batch_dims".to_owned()))?;
        let q = *idx_shape.last().ok_or_else(|| ctx.shape("indices are a scalar".to_owned()))?;
        let fits =
            idx_shape.len() > b && b + q <= data_shape.len() && q > 0 && idx_shape[..b] == data_shape[..b];
        if !fits {
            return Err(
                ctx.shape(format!("indices {idx_shape:?} (batch_dims {b}) do not index data {data_shape:?}"))
            );
        }
        let batch = &data_shape[..b];
        let tuples = &idx_shape[b..idx_shape.len() - 1];
        let ist = strides(&idx_shape);
        for k in 0..q {
            // Step k reads [batch, (tuples if k > 0), D[b+k..]] and writes [batch, tuples, D[b+k+1..]].
            let in_shape: Vec<usize> = batch
                .iter()
                .chain(if k == 0 { &[][..] } else { tuples })
                .chain(&data_shape[b + k..])
                .copied()
                .collect();
            let out_shape: Vec<usize> =
                batch.iter().chain(tuples).chain(&data_shape[b + k + 1..]).copied().collect();
            let st = strides(&in_shape);
            let lead = b + if k == 0 { 0 } else { tuples.len() };
            let mut index_of = Vec::new();
            let mut candidates = Vec::new();
            for_each_index(&out_shape, |o| {
                let tuple: Vec<usize> = o[..b + tuples.len()].iter().copied().chain([k]).collect();
                index_of.push(flat(&tuple, &ist));
                let kept: Vec<usize> = if k == 0 { o[..b].to_vec() } else { o[..lead].to_vec() };
                let rest = &o[b + tuples.len()..];
                candidates.push(
                    (0..data_shape[b + k])
                        .map(|a| {
                            let at: Vec<usize> =
                                kept.iter().copied().chain([a]).chain(rest.iter().copied()).collect();
                            flat(&at, &st)
                        })
                        .collect(),
                );
            });
            let name =
                if k + 1 == q { node.output[0].clone() } else { format!("{}#gather_nd{k}", node.output[0]) };
            self.push_node(
                ctx,
                Op::Gather { index_of, candidates },
                vec![current, indices],
                &name,
                out_shape,
            );
            current = self.values.len() - 1;
        }
        Ok(())
    }

    /// ScatterND without reduction, for index tuples of length 1: row `indices[p, 0]` of the
    /// output is `updates[p, ..]` (the last writer wins), other rows are `data`'s.
    pub(super) fn scatter_nd(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let [data, indices, updates] = self.scatter_operands(ctx, node)?;
        let shape = self.values[data].shape.clone();
        let idx_shape = self.values[indices].shape.clone();
        let upd_shape = self.values[updates].shape.clone();
        let q = idx_shape.last().copied().unwrap_or(0);
        if q != 1 {
            return Err(ctx.unsupported(format!("index tuples of length {q} (only 1 is supported)")));
        }
        let tuples = &idx_shape[..idx_shape.len() - 1];
        let expected: Vec<usize> = tuples.iter().chain(&shape[1..]).copied().collect();
        if shape.is_empty() || upd_shape != expected {
            return Err(ctx.shape(format!(
                "updates {upd_shape:?} do not match indices {idx_shape:?} and data {shape:?} (expected {expected:?})"
            )));
        }
        let ust = strides(&upd_shape);
        let tst = strides(tuples);
        let mut position = Vec::new();
        let mut writers = Vec::new();
        for_each_index(&shape, |o| {
            position.push(o[0] as i64);
            let mut w = Vec::new();
            for_each_index(tuples, |p| {
                let at: Vec<usize> = p.iter().chain(&o[1..]).copied().collect();
                // Index tuples have length 1, so tuple p's index is element flat(p) of indices.
                w.push((flat(p, &tst), flat(&at, &ust)));
            });
            writers.push(w);
        });
        let op = Op::Scatter { position, writers, axis_len: shape[0] };
        self.push_node(ctx, op, vec![data, indices, updates], &node.output[0], shape);
        Ok(())
    }
}
