use serde::{Deserialize, Serialize};

use crate::fixed_point::dequantize;

/// How close the proven (dequantized integer) output is to the float model's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fidelity {
    /// Largest `|float - dequantized|` over all output values.
    pub max_abs_error: f64,
    /// `max_abs_error / max |float|` (0 when the float output is all zeros).
    pub max_rel_error: f64,
    /// Whether the index of the largest output agrees (a classifier's decision).
    pub argmax_agrees: bool,
    /// The float outputs.
    pub float: Vec<f32>,
    /// The dequantized integer outputs.
    pub quantized: Vec<f64>,
}

impl Fidelity {
    /// Compares float outputs with integer outputs at `scale`.
    pub fn compare(float: &[f32], ints: &[i64], scale: u32) -> Self {
        let quantized: Vec<f64> = ints.iter().map(|&q| dequantize(q, scale)).collect();
        let max_abs_error =
            float.iter().zip(&quantized).map(|(&f, &q)| (f as f64 - q).abs()).fold(0.0, f64::max);
        let max_float = float.iter().map(|f| (*f as f64).abs()).fold(0.0, f64::max);
        let max_rel_error = if max_float > 0.0 { max_abs_error / max_float } else { 0.0 };
        let argmax = |xs: &mut dyn Iterator<Item = f64>| {
            xs.enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (i, x)| if x > best.1 { (i, x) } else { best })
                .0
        };
        let argmax_agrees = float.len() == quantized.len()
            && argmax(&mut float.iter().map(|&f| f as f64)) == argmax(&mut quantized.iter().copied());
        Self { max_abs_error, max_rel_error, argmax_agrees, float: float.to_vec(), quantized }
    }

    /// `max(1, max |float|)`: what a relative error tolerance is a fraction of.
    pub fn magnitude(&self) -> f64 {
        self.float.iter().fold(1.0f64, |m, f| m.max((*f as f64).abs()))
    }
}
