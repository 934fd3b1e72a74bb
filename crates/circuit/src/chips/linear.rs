use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{
    AssignedValue, Context,
    QuantumCell::{Constant, Existing},
};

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

/// A layer's witnessed weight and bias cells, in the order of its constant `weight` and
/// `bias` (see [`LinearLayer::assign_cells`]).
pub type WeightCells<'c> = (&'c [AssignedValue<Fr>], &'c [AssignedValue<Fr>]);

impl LinearLayer<'_> {
    /// Assigns the layer and returns its outputs (`q_hints`: the executor's outputs, in
    /// output order). Without `cells` the weights are the constants [`weight`](Self::weight)
    /// and [`bias`](Self::bias) ([`affine`](super::affine)); with them, those witnessed cells
    /// in the same order ([`affine_cells`](super::affine_cells)).
    pub fn assign(
        &self,
        ctx: &mut Context<Fr>,
        chip: &FixedPointChip,
        x: &[AssignedValue<Fr>],
        cells: Option<WeightCells<'_>>,
        q_hints: &[i64],
    ) -> Vec<AssignedValue<Fr>> {
        let mut y = Vec::with_capacity(q_hints.len());
        for row in x.chunks(self.in_features) {
            for o in 0..self.out_features {
                let terms = row.iter().copied().zip(o * self.in_features..(o + 1) * self.in_features);
                let weights = (self.weight, self.bias, cells);
                y.push(affine_at(ctx, chip, terms, o, weights, self.shift, q_hints[y.len()]));
            }
        }
        y
    }
}

/// One output of a layer whose weights are `(constants, biases, cells)`: `terms` pair inputs
/// with weight indices, `o` is the bias index; with cells, [`affine_cells`], else [`affine`].
pub(crate) fn affine_at(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    terms: impl IntoIterator<Item = (AssignedValue<Fr>, usize)>,
    o: usize,
    (weight, bias, cells): (&[i64], &[i64], Option<WeightCells<'_>>),
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    match cells {
        Some((w, b)) => {
            affine_cells(ctx, chip, terms.into_iter().map(|(x, i)| (x, w[i])), b[o], shift, q_hint)
        }
        None => affine(ctx, chip, terms.into_iter().map(|(x, i)| (x, weight[i])), bias[o], shift, q_hint),
    }
}

/// One output of an affine map with witnessed weights: `rescale(sum_i x_i * w_i + bias,
/// shift)`, every term present (zero weights too: skipping them would put which weights are
/// zero into the verifying key, and so reveal them).
///
/// Layout: one inner product `| acc_0 | x_i | w_i | acc_{i+1} |` over advice cells, one add
/// gate for the bias cell, then [`FixedPointChip::rescale`].
pub fn affine_cells(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    terms: impl IntoIterator<Item = (AssignedValue<Fr>, AssignedValue<Fr>)>,
    bias: AssignedValue<Fr>,
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    let (xs, ws): (Vec<_>, Vec<_>) = terms.into_iter().map(|(x, w)| (x, Existing(w))).unzip();
    let dot = if xs.is_empty() { ctx.load_zero() } else { gate.inner_product(ctx, xs, ws) };
    let acc = gate.add(ctx, dot, bias);
    chip.rescale(ctx, acc, q_hint, shift)
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
