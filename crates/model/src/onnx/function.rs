//! Elementwise nonlinear ops -> [`Op::Function`] (a lookup table each), plus the few that are
//! cheaper without one (Neg, Pow 1 and 2).

use tract_onnx::pb::NodeProto;

use super::attrs::{float_attr, floats};
use super::{Importer, NodeCtx};
use crate::function::Function;
use crate::graph::{BinaryKind, Op};
use crate::Result;

/// The function of a one-input ONNX op with its attributes, or `None` when the op is not one.
fn unary(node: &NodeProto) -> Option<Function> {
    let attr = |name: &str, default: f32| float_attr(node, name).unwrap_or(default);
    use Function::*;
    Some(match node.op_type.as_str() {
        "Sigmoid" => Sigmoid,
        "Tanh" => Tanh,
        "Exp" => Exp,
        "Log" => Log,
        "Sqrt" => Sqrt,
        "Reciprocal" => Reciprocal,
        "Erf" => Erf,
        "Softplus" => Softplus,
        "Softsign" => Softsign,
        "Abs" => Abs,
        "Sign" => Sign,
        "Floor" => Floor,
        "Ceil" => Ceil,
        "Round" => Round,
        "Sin" => Sin,
        "Cos" => Cos,
        "Tan" => Tan,
        "Asin" => Asin,
        "Acos" => Acos,
        "Atan" => Atan,
        "Sinh" => Sinh,
        "Cosh" => Cosh,
        "Asinh" => Asinh,
        "Acosh" => Acosh,
        "Atanh" => Atanh,
        "HardSwish" => HardSwish,
        "Mish" => Mish,
        "Elu" => Elu { alpha: attr("alpha", 1.0) },
        "Selu" => Selu { alpha: attr("alpha", 1.673_263_2), gamma: attr("gamma", 1.050_701) },
        "Celu" => Celu { alpha: attr("alpha", 1.0) },
        "LeakyRelu" => LeakyRelu { alpha: attr("alpha", 0.01) },
        "HardSigmoid" => HardSigmoid { alpha: attr("alpha", 0.2), beta: attr("beta", 0.5) },
        _ => return None,
    })
}

impl Importer {
    /// A one-input nonlinear op, if `node` is one; returns whether it was.
    pub(super) fn function(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<bool> {
        let Some(function) = unary(node) else { return Ok(false) };
        if matches!(function, Function::Celu { alpha: 0.0 }) {
            return Err(ctx.unsupported("alpha = 0"));
        }
        if let Some(inputs) = super::elementwise::constant_inputs(self, ctx, node)? {
            // A function of a constant is a constant.
            let [(shape, data, dt)] = inputs.as_slice() else {
                return Err(ctx.unsupported(format!("{} inputs, expected 1", inputs.len())));
            };
            let data: Vec<f64> = data.iter().map(|&v| function.eval(v)).collect();
            let t = super::elementwise::folded(ctx, shape, &data, *dt)?;
            self.constants.insert(node.output[0].clone(), t);
            return Ok(true);
        }
        let x = self.activation(ctx, node, 0)?;
        self.push_function(ctx, function, x, &node.output[0]);
        Ok(true)
    }

    fn push_function(&mut self, ctx: &NodeCtx, function: Function, x: usize, out: &str) {
        let shape = self.values[x].shape.clone();
        self.push(ctx, Op::Function { function }, x, out, shape);
    }

    /// `Neg`: a [`Op::Scale`] by -1, exact and without a table.
    pub(super) fn neg(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let shape = self.values[x].shape.clone();
        let n = shape.iter().product();
        self.push(ctx, Op::Scale { mul: vec![-1.0; n], add: vec![0.0; n] }, x, &node.output[0], shape);
        Ok(())
    }

    /// `Pow` with one constant scalar operand: `x^c` (as `x * x` for `c = 2`, the input itself
    /// for `c = 1`) or `c^x`.
    pub(super) fn pow(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let (x, c, x_is_base) = self.activation_and_constant(ctx, node)?;
        let scalar = match c.data.as_slice() {
            [v] => *v,
            _ => {
                return Err(
                    ctx.unsupported(format!("a constant operand of shape {:?} (not a scalar)", c.shape))
                )
            }
        };
        let out = &node.output[0];
        match (x_is_base, scalar) {
            (true, 1.0) => {
                self.by_name.insert(out.clone(), x);
            }
            // Squares stay exact at twice the scale: summed into variances they would otherwise
            // round to nothing (and a LayerNorm written out by hand divides by their root).
            (true, 2.0) => {
                let shape = self.values[x].shape.clone();
                self.push_node(ctx, Op::Binary { kind: BinaryKind::MulWide }, vec![x, x], out, shape);
            }
            (true, exponent) => self.push_function(ctx, Function::Pow { exponent }, x, out),
            (false, base) => self.push_function(ctx, Function::Power { base }, x, out),
        }
        Ok(())
    }

    /// `Clip` with constant bounds (inputs since opset 11, attributes before) as a table.
    pub(super) fn clip(&mut self, ctx: &NodeCtx, node: &NodeProto) -> Result<()> {
        let x = self.activation(ctx, node, 0)?;
        let bound = |i: usize, attr: &str, default: f32| -> Result<f32> {
            match self.optional_constant(ctx, node, i)? {
                Some(t) => floats(ctx, &t)?
                    .data
                    .first()
                    .copied()
                    .ok_or_else(|| ctx.unsupported(format!("empty bound input {i}"))),
                None => Ok(float_attr(node, attr).unwrap_or(default)),
            }
        };
        let (min, max) = (bound(1, "min", f32::MIN)?, bound(2, "max", f32::MAX)?);
        if min > max {
            return Err(ctx.unsupported(format!("min {min} > max {max}")));
        }
        self.push_function(ctx, Function::Clip { min, max }, x, &node.output[0]);
        Ok(())
    }
}
