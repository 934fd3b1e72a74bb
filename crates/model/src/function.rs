//! Univariate functions proven through lookup tables: one definition shared by the float
//! graph, the integer executor and the circuit's fixed tables.

use serde::{Deserialize, Serialize};

use crate::fixed_point::in_range;

/// A function of one real value. Constant parameters (slopes, exponents) are part of the
/// function, so the model commitment covers them.
///
/// Evaluated with `libm`, a pure-Rust math library, so that a table is the same on every
/// platform: the executor and the circuit always agree, and so do two machines.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Function {
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// `e^x`.
    Exp,
    /// `ln(x)`, defined for `x > 0`.
    Log,
    /// `sqrt(x)`, defined for `x >= 0`.
    Sqrt,
    /// `1 / sqrt(x)`, defined for `x > 0`.
    Rsqrt,
    /// `1 / x`, defined for `x != 0`.
    Reciprocal,
    /// The error function.
    Erf,
    /// `ln(1 + e^x)`.
    Softplus,
    /// `x / (1 + |x|)`.
    Softsign,
    /// `|x|`.
    Abs,
    /// `-1`, `0` or `1`.
    Sign,
    /// `floor(x)`.
    Floor,
    /// `ceil(x)`.
    Ceil,
    /// Round half to even (ONNX `Round`).
    Round,
    /// Toward zero (ONNX `Cast` of a float to an integer type).
    Trunc,
    /// `sin(x)`.
    Sin,
    /// `cos(x)`.
    Cos,
    /// `tan(x)`.
    Tan,
    /// `asin(x)`, defined on `[-1, 1]`.
    Asin,
    /// `acos(x)`, defined on `[-1, 1]`.
    Acos,
    /// `atan(x)`.
    Atan,
    /// `sinh(x)`.
    Sinh,
    /// `cosh(x)`.
    Cosh,
    /// `asinh(x)`.
    Asinh,
    /// `acosh(x)`, defined for `x >= 1`.
    Acosh,
    /// `atanh(x)`, defined on `(-1, 1)`.
    Atanh,
    /// `x` for `x >= 0`, else `alpha * (e^x - 1)`.
    Elu {
        /// Slope of the negative part.
        alpha: f32,
    },
    /// `gamma * x` for `x > 0`, else `gamma * alpha * (e^x - 1)`.
    Selu {
        /// ONNX default 1.67326.
        alpha: f32,
        /// ONNX default 1.0507.
        gamma: f32,
    },
    /// `max(0, x) + min(0, alpha * (e^(x / alpha) - 1))`.
    Celu {
        /// ONNX default 1.0.
        alpha: f32,
    },
    /// `x` for `x >= 0`, else `alpha * x`.
    LeakyRelu {
        /// ONNX default 0.01.
        alpha: f32,
    },
    /// `max(0, min(1, alpha * x + beta))`.
    HardSigmoid {
        /// ONNX default 0.2.
        alpha: f32,
        /// ONNX default 0.5.
        beta: f32,
    },
    /// `x * max(0, min(1, x / 6 + 1 / 2))`.
    HardSwish,
    /// `x * tanh(softplus(x))`.
    Mish,
    /// `x^exponent` for a constant exponent (non-integer exponents need `x >= 0`).
    Pow {
        /// The constant exponent.
        exponent: f32,
    },
    /// `base^x` for a constant base.
    Power {
        /// The constant base.
        base: f32,
    },
    /// `1 / sqrt(x + epsilon)` of a variance (`x >= 0`).
    InverseStd {
        /// Added before the square root (normalizations' epsilon).
        epsilon: f32,
    },
    /// `min(max(x, min), max)`.
    Clip {
        /// Lower bound.
        min: f32,
        /// Upper bound.
        max: f32,
    },
}

impl Function {
    /// The function's name for messages.
    pub fn name(&self) -> &'static str {
        use Function::*;
        match self {
            Sigmoid => "Sigmoid",
            Tanh => "Tanh",
            Exp => "Exp",
            Log => "Log",
            Sqrt => "Sqrt",
            Rsqrt => "Rsqrt",
            Reciprocal => "Reciprocal",
            Erf => "Erf",
            Softplus => "Softplus",
            Softsign => "Softsign",
            Abs => "Abs",
            Sign => "Sign",
            Floor => "Floor",
            Ceil => "Ceil",
            Round => "Round",
            Trunc => "Trunc",
            Sin => "Sin",
            Cos => "Cos",
            Tan => "Tan",
            Asin => "Asin",
            Acos => "Acos",
            Atan => "Atan",
            Sinh => "Sinh",
            Cosh => "Cosh",
            Asinh => "Asinh",
            Acosh => "Acosh",
            Atanh => "Atanh",
            Elu { .. } => "Elu",
            Selu { .. } => "Selu",
            Celu { .. } => "Celu",
            LeakyRelu { .. } => "LeakyRelu",
            HardSigmoid { .. } => "HardSigmoid",
            HardSwish => "HardSwish",
            Mish => "Mish",
            Pow { .. } => "Pow",
            Power { .. } => "Power",
            Clip { .. } => "Clip",
            InverseStd { .. } => "InverseStd",
        }
    }

    /// The function at `x`; NaN or infinite outside its domain.
    pub fn eval(&self, x: f64) -> f64 {
        use Function::*;
        let softplus = |x: f64| if x > 30.0 { x } else { libm::log1p(libm::exp(x)) };
        match *self {
            Sigmoid => 1.0 / (1.0 + libm::exp(-x)),
            Tanh => libm::tanh(x),
            Exp => libm::exp(x),
            Log if x > 0.0 => libm::log(x),
            Log => f64::NAN,
            Sqrt => libm::sqrt(x),
            Rsqrt if x > 0.0 => 1.0 / libm::sqrt(x),
            Rsqrt => f64::NAN,
            Reciprocal if x != 0.0 => 1.0 / x,
            Reciprocal => f64::NAN,
            Erf => libm::erf(x),
            Softplus => softplus(x),
            Softsign => x / (1.0 + x.abs()),
            Abs => x.abs(),
            Sign => {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Floor => libm::floor(x),
            Ceil => libm::ceil(x),
            Round => libm::rint(x),
            Trunc => libm::trunc(x),
            Sin => libm::sin(x),
            Cos => libm::cos(x),
            Tan => libm::tan(x),
            Asin => libm::asin(x),
            Acos => libm::acos(x),
            Atan => libm::atan(x),
            Sinh => libm::sinh(x),
            Cosh => libm::cosh(x),
            Asinh => libm::asinh(x),
            Acosh => libm::acosh(x),
            Atanh => libm::atanh(x),
            Elu { alpha } => {
                if x >= 0.0 {
                    x
                } else {
                    alpha as f64 * libm::expm1(x)
                }
            }
            Selu { alpha, gamma } => {
                let (a, g) = (alpha as f64, gamma as f64);
                if x > 0.0 {
                    g * x
                } else {
                    g * a * libm::expm1(x)
                }
            }
            Celu { alpha } => {
                let a = alpha as f64;
                x.max(0.0) + (a * libm::expm1(x / a)).min(0.0)
            }
            LeakyRelu { alpha } => {
                if x >= 0.0 {
                    x
                } else {
                    alpha as f64 * x
                }
            }
            HardSigmoid { alpha, beta } => (alpha as f64 * x + beta as f64).clamp(0.0, 1.0),
            HardSwish => x * (x / 6.0 + 0.5).clamp(0.0, 1.0),
            Mish => x * libm::tanh(softplus(x)),
            Pow { exponent } => libm::pow(x, exponent as f64),
            Power { base } => libm::pow(base as f64, x),
            Clip { min, max } => x.clamp(min as f64, max as f64),
            InverseStd { epsilon } if x >= 0.0 && x + epsilon as f64 > 0.0 => {
                1.0 / libm::sqrt(x + epsilon as f64)
            }
            InverseStd { .. } => f64::NAN,
        }
    }

    /// The quantized function: `round(f(x / 2^in_scale) * 2^out_scale)`, or `None` where `f` is
    /// undefined or the result leaves the value range. Lookup tables hold exactly the inputs for
    /// which this is `Some`.
    pub fn quantized(&self, x: i64, in_scale: u32, out_scale: u32) -> Option<i64> {
        let real = x as f64 / (1u64 << in_scale) as f64;
        let y = self.eval(real) * (1u64 << out_scale) as f64;
        if !y.is_finite() {
            return None;
        }
        let q = y.round();
        (q.abs() < 1e18).then_some(q as i64).filter(|&q| in_range(q))
    }
}

#[cfg(test)]
mod tests {
    use super::Function;

    #[test]
    fn quantized_values_round_and_respect_domains() {
        assert_eq!(Function::Sigmoid.quantized(0, 8, 8), Some(128));
        assert_eq!(Function::Exp.quantized(256, 8, 8), Some(696)); // e * 256 = 695.88
        assert_eq!(Function::Log.quantized(0, 8, 8), None);
        assert_eq!(Function::Sqrt.quantized(-1, 8, 8), None);
        assert_eq!(Function::Reciprocal.quantized(0, 8, 8), None);
        assert_eq!(Function::Exp.quantized(40 << 8, 8, 8), None, "e^40 leaves the 32-bit value range");
        assert_eq!(Function::LeakyRelu { alpha: 0.5 }.quantized(-256, 8, 8), Some(-128));
        assert_eq!(Function::Round.quantized(384, 8, 8), Some(512)); // 1.5 -> 2 (half to even)
        assert_eq!(Function::Round.quantized(640, 8, 8), Some(512)); // 2.5 -> 2
    }
}
