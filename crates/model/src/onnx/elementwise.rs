//! Add, Sub, Mul, Div and BatchNormalization -> [`Op::Scale`] or [`Op::Binary`].

use tract_onnx::pb::NodeProto;

use super::attrs::*;
use super::{Importer, NodeCtx};
use tract_onnx::prelude::{DatumType, Tensor};

use crate::fixed_point::{broadcast_index, broadcast_shape};
use crate::function::Function;
use crate::graph::{BinaryKind, FloatTensor, Op, ValueId};
use crate::Result;

impl Importer {
    /// Add, Sub or Mul of two activations: [`Op::Binary`] with numpy broadcasting.
    pub(super) fn binary(&mut self, ctx: &NodeCtx, node: &NodeProto, a: ValueId, b: ValueId) -> Result<()> {
        let (kind, b) = match node.op_type.as_str() {
            "Add" => (BinaryKind::Add, b),
            "Sub" => (BinaryKind::Sub, b),
            "Mul" => (BinaryKind::Mul, b),
            // a / b = a * (1 / b), the reciprocal by table.
            "Div" => (BinaryKind::Mul, self.reciprocal(ctx, b, &node.output[0])),
            _ => return Err(ctx.unsupported("two activations")),
        };
        let (sa, sb) = (&self.values[a].shape, &self.values[b].shape);
        let shape = broadcast_shape(sa, sb)
            .ok_or_else(|| ctx.shape(format!("{sa:?} and {sb:?} do not broadcast")))?;
        self.push_node(ctx, Op::Binary { kind }, vec![a, b], &node.output[0], shape);
        Ok(())
    }

    /// A [`Function::Reciprocal`] node on `x`, named after the output it helps compute.
    fn reciprocal(&mut self, ctx: &NodeCtx, x: ValueId, out: &str) -> ValueId {
        let shape = self.values[x].shape.clone();
        let name = format!("{out}/reciprocal");
        self.push(ctx, Op::Function { function: Function::Reciprocal }, x, &name, shape);
        self.values.len() - 1
    }

    /// Both operands of a binary node, when both are activations.
    pub(super) fn two_activations(&self, node: &NodeProto) -> Option<(ValueId, ValueId)> {
        let get = |i: usize| node.input.get(i).and_then(|n| self.by_name.get(n)).copied();
        Some((get(0)?, get(1)?))
    }

    /// Add of a constant: folded into the bias of a preceding MatMul/Gemm read by nothing else,
    /// otherwise an elementwise [`Op::Scale`].
    pub(super) fn add(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if let Some((a, b)) = self.two_activations(node) {
            return self.binary(ctx, node, a, b);
        }
        let (act, konst, _) = self.activation_and_constant(ctx, node)?;
        let producer = self.nodes.iter().rposition(|n| n.output == act);
        let only_reader = self.readers.get(&self.values[act].name) == Some(&1);
        if let Some(p) = producer.filter(|_| only_reader) {
            let fused = &mut self.nodes[p];
            if let Op::Linear { bias, .. } = &mut fused.op {
                if let Ok(extra) = broadcast_bias(ctx, &konst, bias.len()) {
                    bias.iter_mut().zip(extra).for_each(|(b, e)| *b += e);
                    fused.op_type = format!("{}+Add", fused.op_type);
                    let out = fused.output;
                    self.by_name.insert(node.output[0].clone(), out);
                    return Ok(());
                }
            }
        }
        let act = self.expanded(ctx, act, &konst.shape, &node.output[0])?;
        let shape = self.values[act].shape.clone();
        let add = broadcast_to(ctx, &konst, &shape)?;
        self.push(ctx, Op::Scale { mul: vec![1.0; add.len()], add }, act, &node.output[0], shape);
        Ok(())
    }

    /// `x` broadcast to its shape combined with a constant operand's (numpy rules): `x` itself
    /// when the constant is no larger, else a [`Op::Rearrange`] repeating it.
    fn expanded(&mut self, ctx: &NodeCtx, x: ValueId, other: &[usize], out: &str) -> Result<ValueId> {
        let shape = self.values[x].shape.clone();
        let target = broadcast_shape(&shape, other)
            .ok_or_else(|| ctx.shape(format!("{shape:?} and the constant's {other:?} do not broadcast")))?;
        if target == shape {
            return Ok(x);
        }
        let map = (0..target.iter().product()).map(|i| broadcast_index(&target, &shape, i) as i64).collect();
        self.push(ctx, Op::Rearrange { map }, x, &format!("{out}/broadcast"), target);
        Ok(self.values.len() - 1)
    }

    /// Sub, Mul and Div with one constant operand, as an elementwise [`Op::Scale`].
    pub(super) fn arithmetic(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        if let Some((a, b)) = self.two_activations(node) {
            return self.binary(ctx, node, a, b);
        }
        let (act, konst, act_first) = self.activation_and_constant(ctx, node)?;
        let act = self.expanded(ctx, act, &konst.shape, &node.output[0])?;
        let shape = self.values[act].shape.clone();
        let c = broadcast_to(ctx, &konst, &shape)?;
        // ONNX types both operands alike: an integer divisor means integer division.
        let integer_divisor =
            node.input.get(1).and_then(|i| self.constants.get(i)).is_some_and(|t| !t.datum_type().is_float());
        if node.op_type == "Div" && act_first && integer_divisor {
            if let Some((i, d)) = c.iter().enumerate().find(|(_, &d)| d <= 0.0) {
                return Err(
                    ctx.unsupported(format!("integer division by {d} (element {i}); only positive divisors"))
                );
            }
            let divisor = c.iter().map(|&d| d as i64).collect();
            self.push(ctx, Op::IntDiv { divisor }, act, &node.output[0], shape);
            return Ok(());
        }
        let (mul, add) = match (node.op_type.as_str(), act_first) {
            ("Sub", true) => (vec![1.0; c.len()], c.iter().map(|v| -v).collect()),
            ("Sub", false) => (vec![-1.0; c.len()], c),
            ("Mul", _) => (c, vec![0.0; shape.iter().product()]),
            ("Div", true) => {
                if let Some(i) = c.iter().position(|&v| v == 0.0) {
                    return Err(ctx.unsupported(format!("division by the constant 0 (element {i})")));
                }
                (c.iter().map(|v| 1.0 / v).collect(), vec![0.0; shape.iter().product()])
            }
            ("Div", false) => {
                // c / x = c * (1 / x), the reciprocal by table.
                let r = self.reciprocal(ctx, act, &node.output[0]);
                self.push(
                    ctx,
                    Op::Scale { mul: c, add: vec![0.0; shape.iter().product()] },
                    r,
                    &node.output[0],
                    shape,
                );
                return Ok(());
            }
            _ => return Err(ctx.unsupported(format!("{} with a constant operand", node.op_type))),
        };
        self.push(ctx, Op::Scale { mul, add }, act, &node.output[0], shape);
        Ok(())
    }

    /// Inference BatchNormalization: `(x - mean) / sqrt(var + eps) * scale + b` per channel.
    pub(super) fn batch_norm(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let shape = self.values[x].shape.clone();
        let [gamma, beta, mean, var] =
            [1, 2, 3, 4].map(|i| self.constant(ctx, node, i).and_then(|t| floats(ctx, &t)));
        let (gamma, beta, mean, var) = (gamma?, beta?, mean?, var?);
        let eps = float_attr(node, "epsilon").unwrap_or(1e-5);
        let channels =
            *shape.get(1).ok_or_else(|| ctx.shape(format!("input {shape:?} has no channel axis")))?;
        if [&gamma, &beta, &mean, &var].iter().any(|t| t.data.len() != channels) {
            return Err(ctx.shape(format!("{channels} channels, but parameters of other lengths")));
        }
        let per_channel: Vec<(f32, f32)> = (0..channels)
            .map(|c| {
                let m = gamma.data[c] / (var.data[c] + eps).sqrt();
                (m, beta.data[c] - mean.data[c] * m)
            })
            .collect();
        // Folded into the Conv (or Gemm on [N, C]) that produced `x` when nothing else reads
        // it: one rescale fewer, and no rounding between the two.
        let producer = self.nodes.iter().rposition(|n| n.output == x);
        let only_reader = self.readers.get(&self.values[x].name) == Some(&1);
        if let Some(p) = producer.filter(|_| only_reader) {
            let fused = &mut self.nodes[p];
            let folds = match &mut fused.op {
                Op::Conv { weight, bias, geometry } if geometry.out_channels == channels => {
                    Some((weight, bias))
                }
                Op::Linear { weight, bias } if shape.len() == 2 && weight.shape[0] == channels => {
                    Some((weight, bias))
                }
                _ => None,
            };
            if let Some((weight, bias)) = folds {
                let per_channel_weights = weight.data.len() / channels;
                for (c, &(m, a)) in per_channel.iter().enumerate() {
                    let rows = c * per_channel_weights..(c + 1) * per_channel_weights;
                    weight.data[rows].iter_mut().for_each(|w| *w *= m);
                    bias[c] = bias[c] * m + a;
                }
                fused.op_type = format!("{}+BatchNormalization", fused.op_type);
                let out = fused.output;
                self.by_name.insert(node.output[0].clone(), out);
                return Ok(());
            }
        }
        let inner: usize = shape[2..].iter().product();
        let (mul, add) =
            (0..shape.iter().product::<usize>()).map(|i| per_channel[(i / inner) % channels]).unzip();
        self.push(ctx, Op::Scale { mul, add }, x, &node.output[0], shape);
        Ok(())
    }

    /// (activation, constant, whether the activation is the first operand) of a binary op.
    pub(super) fn activation_and_constant(
        &self,
        ctx: &NodeCtx,
        node: &NodeProto,
    ) -> Result<(ValueId, FloatTensor, bool)> {
        match (self.activation(ctx, node, 0), self.activation(ctx, node, 1)) {
            (Ok(a), Err(_)) => Ok((a, floats(ctx, &self.constant(ctx, node, 1)?)?, true)),
            (Err(_), Ok(a)) => Ok((a, floats(ctx, &self.constant(ctx, node, 0)?)?, false)),
            (Ok(_), Ok(_)) => Err(ctx.unsupported("two activations")),
            (Err(e), Err(_)) => Err(e),
        }
    }
}

/// A constant input as `f64` values, with its shape and stored type.
pub(super) type ConstantValues = (Vec<usize>, Vec<f64>, DatumType);

/// Constants of a node as `f64` with their shapes, when every input is a constant.
pub(super) fn constant_inputs(
    importer: &Importer,
    ctx: &NodeCtx,
    node: &NodeProto,
) -> Result<Option<Vec<ConstantValues>>> {
    let mut out = Vec::new();
    for name in &node.input {
        let Some(t) = importer.constants.get(name) else { return Ok(None) };
        let cast = t
            .cast_to::<f64>()
            .map_err(|e| ctx.unsupported(format!("constant of type {:?}: {e}", t.datum_type())))?;
        let data = cast.as_slice::<f64>().map_err(|e| ctx.unsupported(e.to_string()))?.to_vec();
        out.push((t.shape().to_vec(), data, t.datum_type()));
    }
    Ok(Some(out))
}

/// Elements of a folded constant of `shape`, refused past the initializer limit: broadcasting
/// two small constants can ask for more than memory holds.
pub(super) fn folded_len(ctx: &NodeCtx, shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d).filter(|&n| n <= super::tensor_check::MAX_TENSOR_ELEMENTS))
        .ok_or_else(|| {
            ctx.shape(format!(
                "folding constants to shape {shape:?} exceeds {} elements",
                super::tensor_check::MAX_TENSOR_ELEMENTS
            ))
        })
}

/// A folded constant of `shape` holding `data`, stored as type `dt`.
pub(super) fn folded(ctx: &NodeCtx, shape: &[usize], data: &[f64], dt: DatumType) -> Result<Tensor> {
    Tensor::from_shape(shape, data)
        .and_then(|t| t.cast_to_dt(dt).map(|c| c.into_owned()))
        .map_err(|e| ctx.unsupported(format!("folding constants: {e}")))
}

impl Importer {
    /// Add, Sub, Mul, Div or Pow of two constants, folded; returns whether it was.
    pub(super) fn fold_binary(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let Some(inputs) = constant_inputs(self, ctx, node)? else { return Ok(false) };
        let [(sa, a, dt), (sb, b, _)] = inputs.as_slice() else {
            return Err(ctx.unsupported(format!("{} inputs", inputs.len())));
        };
        let shape = broadcast_shape(sa, sb)
            .ok_or_else(|| ctx.shape(format!("{sa:?} and {sb:?} do not broadcast")))?;
        let integer = !dt.is_float();
        let data: Vec<f64> = (0..folded_len(ctx, &shape)?)
            .map(|i| {
                let (x, y) = (a[broadcast_index(&shape, sa, i)], b[broadcast_index(&shape, sb, i)]);
                match node.op_type.as_str() {
                    "Add" => x + y,
                    "Sub" => x - y,
                    "Mul" => x * y,
                    "Div" if integer => (x / y).trunc(),
                    "Div" => x / y,
                    _ => x.powf(y),
                }
            })
            .collect();
        let t = folded(ctx, &shape, &data, *dt)?;
        self.constants.insert(node.output[0].clone(), t);
        Ok(true)
    }
}
