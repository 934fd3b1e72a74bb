//! RNN, GRU and LSTM (forward, layout 0), unrolled over the sequence into linear layers,
//! lookup functions and elementwise products.

use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::Tensor;

use super::attrs::*;
use super::{Importer, NodeCtx};
use crate::function::Function;
use crate::graph::{BinaryKind, FloatTensor, Op, ValueId};
use crate::Result;

/// The weights of one direction: `W [gates*H, I]`, `R [gates*H, H]`, biases `Wb`, `Rb`
/// (`gates*H` each).
struct Weights {
    w: FloatTensor,
    r: FloatTensor,
    wb: Vec<f32>,
    rb: Vec<f32>,
}

impl Weights {
    /// Rows `g*H .. (g+1)*H` of `W` or `R`, and the matching biases.
    fn gate(t: &FloatTensor, g: usize, hidden: usize) -> FloatTensor {
        let cols = t.shape[1];
        FloatTensor {
            shape: vec![hidden, cols],
            data: t.data[g * hidden * cols..(g + 1) * hidden * cols].to_vec(),
        }
    }

    fn bias(b: &[f32], g: usize, hidden: usize) -> Vec<f32> {
        b[g * hidden..(g + 1) * hidden].to_vec()
    }
}

impl Importer {
    /// RNN, GRU or LSTM; returns whether `node` was one of them.
    pub(super) fn recurrent(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let gates = match node.op_type.as_str() {
            "RNN" => 1,
            "GRU" => 3,
            "LSTM" => 4,
            _ => return Ok(false),
        };
        let direction = string_attr(node, "direction").unwrap_or_else(|| "forward".into());
        if direction != "forward" {
            return Err(ctx.unsupported(format!("direction `{direction}` (only forward)")));
        }
        if int_attr(node, "layout").unwrap_or(0) != 0 {
            return Err(ctx.unsupported("layout = 1 (only 0: [seq, batch, features])"));
        }
        if float_attr(node, "clip").is_some() {
            return Err(ctx.unsupported("cell clipping"));
        }
        let activations: Vec<String> = node
            .attribute
            .iter()
            .find(|a| a.name == "activations")
            .map(|a| a.strings.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
            .unwrap_or_default();
        let defaults: &[&str] = match gates {
            1 => &["Tanh"],
            3 => &["Sigmoid", "Tanh"],
            _ => &["Sigmoid", "Tanh", "Tanh"],
        };
        if !activations.is_empty() && activations.iter().zip(defaults).any(|(a, d)| a != d) {
            return Err(
                ctx.unsupported(format!("activations {activations:?} (only the defaults {defaults:?})"))
            );
        }
        let x = self.activation(ctx, node, 0)?;
        let x_shape = self.value_shape(x);
        let [seq, batch, input] = x_shape[..] else {
            return Err(ctx.shape(format!("X has shape {x_shape:?}, expected [seq, batch, input]")));
        };
        let hidden = int_attr(node, "hidden_size")
            .map(|h| h as usize)
            .or_else(|| {
                let r = self.constants.get(node.input.get(2)?)?;
                r.shape().last().copied()
            })
            .ok_or_else(|| ctx.unsupported("no hidden_size"))?;
        let weights = self.recurrent_weights(ctx, node, gates, hidden, input)?;
        if let Some(lens) = self.optional_constant(ctx, node, 4)? {
            if ints(ctx, &lens)?.iter().any(|&l| l != seq as i64) {
                return Err(ctx.unsupported("sequence_lens shorter than the sequence"));
            }
        }
        let out = node.output.clone();
        let named = |step: String| format!("{}/{step}", out[0]);
        let state_shape = vec![batch, hidden];
        let mut h = self.initial_state(ctx, node, 5, &state_shape, &named("h0".into()))?;
        let mut c = if gates == 4 {
            Some(self.initial_state(ctx, node, 6, &state_shape, &named("c0".into()))?)
        } else {
            None
        };
        let linear_before_reset = int_attr(node, "linear_before_reset").unwrap_or(0) != 0;
        let mut hs = Vec::with_capacity(seq);
        for t in 0..seq {
            let step = |what: &str| named(format!("t{t}/{what}"));
            let map = (0..batch * input).map(|i| (t * batch * input + i) as i64).collect();
            let xt = self.emit_op(ctx, Op::Rearrange { map }, vec![x], &step("x"), vec![batch, input]);
            // Pre-activation of gate g: x W_g^T + h R_g^T + Wb_g + Rb_g.
            let pre = |me: &mut Self, g: usize, with_h: bool, what: &str| -> Result<ValueId> {
                let mut bias = Weights::bias(&weights.wb, g, hidden);
                if with_h {
                    bias.iter_mut().zip(Weights::bias(&weights.rb, g, hidden)).for_each(|(a, b)| *a += b);
                }
                let xw = me.linear_value(
                    ctx,
                    xt,
                    Weights::gate(&weights.w, g, hidden),
                    bias,
                    &step(&format!("{what}_x")),
                )?;
                if !with_h {
                    return Ok(xw);
                }
                let zero = vec![0.0; hidden];
                let hr = me.linear_value(
                    ctx,
                    h,
                    Weights::gate(&weights.r, g, hidden),
                    zero,
                    &step(&format!("{what}_h")),
                )?;
                me.binary_to(ctx, BinaryKind::Add, xw, hr, &step(what))
            };
            let new_h = match gates {
                1 => {
                    let a = pre(self, 0, true, "a")?;
                    self.function_to(ctx, Function::Tanh, a, &step("h"))
                }
                3 => {
                    let zp = pre(self, 0, true, "z_pre")?;
                    let z = self.function_to(ctx, Function::Sigmoid, zp, &step("z"));
                    let rp = pre(self, 1, true, "r_pre")?;
                    let r = self.function_to(ctx, Function::Sigmoid, rp, &step("r"));
                    let xh = pre(self, 2, false, "n_x")?;
                    let rh = Weights::gate(&weights.r, 2, hidden);
                    let rbh = Weights::bias(&weights.rb, 2, hidden);
                    let recurrent = if linear_before_reset {
                        let hr = self.linear_value(ctx, h, rh, rbh, &step("n_h"))?;
                        self.binary_to(ctx, BinaryKind::Mul, r, hr, &step("n_reset"))?
                    } else {
                        let rh_in = self.binary_to(ctx, BinaryKind::Mul, r, h, &step("n_reset"))?;
                        self.linear_value(ctx, rh_in, rh, rbh, &step("n_h"))?
                    };
                    let np = self.binary_to(ctx, BinaryKind::Add, xh, recurrent, &step("n_pre"))?;
                    let n = self.function_to(ctx, Function::Tanh, np, &step("n"));
                    // h' = (1 - z) n + z h = n + z (h - n).
                    let d = self.binary_to(ctx, BinaryKind::Sub, h, n, &step("h_minus_n"))?;
                    let zd = self.binary_to(ctx, BinaryKind::Mul, z, d, &step("z_times"))?;
                    self.binary_to(ctx, BinaryKind::Add, n, zd, &step("h"))?
                }
                _ => {
                    let ip = pre(self, 0, true, "i_pre")?;
                    let i = self.function_to(ctx, Function::Sigmoid, ip, &step("i"));
                    let op = pre(self, 1, true, "o_pre")?;
                    let o = self.function_to(ctx, Function::Sigmoid, op, &step("o"));
                    let fp = pre(self, 2, true, "f_pre")?;
                    let f = self.function_to(ctx, Function::Sigmoid, fp, &step("f"));
                    let cp = pre(self, 3, true, "c_pre")?;
                    let cand = self.function_to(ctx, Function::Tanh, cp, &step("c_candidate"));
                    let prev = c.expect("LSTM has a cell state");
                    let kept = self.binary_to(ctx, BinaryKind::Mul, f, prev, &step("c_kept"))?;
                    let added = self.binary_to(ctx, BinaryKind::Mul, i, cand, &step("c_added"))?;
                    let new_c = self.binary_to(ctx, BinaryKind::Add, kept, added, &step("c"))?;
                    c = Some(new_c);
                    let tc = self.function_to(ctx, Function::Tanh, new_c, &step("c_tanh"));
                    self.binary_to(ctx, BinaryKind::Mul, o, tc, &step("h"))?
                }
            };
            h = new_h;
            hs.push(h);
        }
        // Y [seq, 1, batch, H] is the states laid end to end; Y_h and Y_c [1, batch, H].
        let n = seq * batch * hidden;
        let finals = [Some(h), c];
        for (k, name) in out.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
            match k {
                0 => {
                    let map = (0..n as i64).collect();
                    self.push_node(ctx, Op::Rearrange { map }, hs.clone(), name, vec![seq, 1, batch, hidden]);
                }
                _ => {
                    let v = finals
                        .get(k - 1)
                        .copied()
                        .flatten()
                        .ok_or_else(|| ctx.unsupported(format!("output {k}")))?;
                    self.push(
                        ctx,
                        Op::Reshape { shape: vec![1, batch, hidden] },
                        v,
                        name,
                        vec![1, batch, hidden],
                    );
                }
            }
        }
        Ok(true)
    }

    fn recurrent_weights(
        &self,
        ctx: &NodeCtx,
        node: &NodeProto,
        gates: usize,
        hidden: usize,
        input: usize,
    ) -> Result<Weights> {
        let w = floats(ctx, &self.constant(ctx, node, 1)?)?;
        let r = floats(ctx, &self.constant(ctx, node, 2)?)?;
        let rows = gates * hidden;
        if w.shape != [1, rows, input] || r.shape != [1, rows, hidden] {
            return Err(ctx.shape(format!(
                "W {:?} and R {:?}, expected [1, {rows}, {input}] and [1, {rows}, {hidden}]",
                w.shape, r.shape
            )));
        }
        let (wb, rb) = match self.optional_constant(ctx, node, 3)? {
            Some(b) => {
                let b = floats(ctx, &b)?;
                if b.data.len() != 2 * rows {
                    return Err(ctx.shape(format!("B has {} values, expected {}", b.data.len(), 2 * rows)));
                }
                (b.data[..rows].to_vec(), b.data[rows..].to_vec())
            }
            None => (vec![0.0; rows], vec![0.0; rows]),
        };
        let two_d = |t: FloatTensor| FloatTensor { shape: vec![t.shape[1], t.shape[2]], data: t.data };
        Ok(Weights { w: two_d(w), r: two_d(r), wb, rb })
    }

    /// Initial hidden or cell state (input `i`): the activation, the constant, or zeros.
    fn initial_state(
        &mut self,
        ctx: &NodeCtx,
        node: &NodeProto,
        i: usize,
        shape: &[usize],
        name: &str,
    ) -> Result<ValueId> {
        let given = node.input.get(i).filter(|n| !n.is_empty()).cloned();
        let v = match given {
            Some(input) if self.by_name.contains_key(&input) => self.activation(ctx, node, i)?,
            Some(input) => {
                let t = self.constant(ctx, node, i)?;
                self.materialize(ctx, &t, &input)?
            }
            None => {
                let zeros = Tensor::from_shape(shape, &vec![0f32; shape.iter().product()])
                    .map_err(|e| ctx.unsupported(format!("initial state: {e}")))?;
                self.materialize(ctx, &zeros, name)?
            }
        };
        let have = self.value_shape(v);
        if have.iter().product::<usize>() != shape.iter().product::<usize>() {
            return Err(
                ctx.shape(format!("initial state {have:?}, expected [1, {}, {}]", shape[0], shape[1]))
            );
        }
        Ok(self.emit_op(
            ctx,
            Op::Reshape { shape: shape.to_vec() },
            vec![v],
            &format!("{name}/state"),
            shape.to_vec(),
        ))
    }

    /// A [`Op::Linear`] value `x W^T + b`.
    fn linear_value(
        &mut self,
        ctx: &NodeCtx,
        x: ValueId,
        weight: FloatTensor,
        bias: Vec<f32>,
        name: &str,
    ) -> Result<ValueId> {
        self.linear(ctx, x, weight, bias, name)?;
        Ok(self.values.len() - 1)
    }
}
