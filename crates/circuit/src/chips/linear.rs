use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context, QuantumCell::Constant};

use super::FixedPointChip;
use crate::field::fe;

/// A dense layer with constant weights: for each row of `x` (rows of `in_features` values) and
/// each output feature `o`,
/// `y[o] = rescale(sum_i x[i] * weight[o][i] + bias[o], shift)`.
///
/// Layout: one inner product per output (`| acc_0 | x_i | w_i | acc_{i+1} |` per non-zero
/// weight, weights as fixed constants, so they are baked into the verifying key), one add for
/// the bias, then [`FixedPointChip::rescale`]. `q_hints` are the executor's outputs, one per
/// output value, row-major.
#[derive(Debug)]
pub struct LinearLayer<'a> {
    /// Input features.
    pub in_features: usize,
    /// Output features.
    pub out_features: usize,
    /// `[out][in]` row-major.
    pub weight: &'a [i64],
    /// One per output feature, at the input scale plus the weight scale.
    pub bias: &'a [i64],
    /// Bits to divide by after accumulating.
    pub shift: u32,
}

impl LinearLayer<'_> {
    /// Assigns the layer and returns its outputs.
    pub fn assign(
        &self,
        ctx: &mut Context<Fr>,
        chip: &FixedPointChip,
        x: &[AssignedValue<Fr>],
        q_hints: &[i64],
    ) -> Vec<AssignedValue<Fr>> {
        let mut y = Vec::with_capacity(q_hints.len());
        for row in x.chunks(self.in_features) {
            for o in 0..self.out_features {
                let w = &self.weight[o * self.in_features..(o + 1) * self.in_features];
                let terms = row.iter().copied().zip(w.iter().copied());
                y.push(affine(ctx, chip, terms, self.bias[o], self.shift, q_hints[y.len()]));
            }
        }
        y
    }
}

/// One output of a constant-weight affine map: `rescale(sum_i x_i * w_i + bias, shift)`, with
/// the quotient supplied as `q_hint`.
///
/// Layout: one inner product over the non-zero weights (`| acc_0 | x_i | w_i | acc_{i+1} |`, the
/// weights fixed constants, so they are part of the verifying key; skipping zero weights is
/// sound because they are constants), one add gate for the bias, then
/// [`FixedPointChip::rescale`].
pub fn affine(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    terms: impl IntoIterator<Item = (AssignedValue<Fr>, i64)>,
    bias: i64,
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    let (xs, ws): (Vec<_>, Vec<_>) =
        terms.into_iter().filter(|&(_, w)| w != 0).map(|(x, w)| (x, Constant(fe(w)))).unzip();
    let dot = if xs.is_empty() { ctx.load_zero() } else { gate.inner_product(ctx, xs, ws) };
    let acc = gate.add(ctx, dot, Constant(fe(bias)));
    chip.rescale(ctx, acc, q_hint, shift)
}
