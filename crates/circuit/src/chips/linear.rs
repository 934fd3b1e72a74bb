use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{
    AssignedValue, Context,
    QuantumCell::{Constant, Existing},
};

use super::{DenseChip, FixedPointChip};
use crate::field::fe;

/// A dense layer with constant weights: for each row of `x` (rows of `in_features` values) and
/// each output feature `o`,
/// `y[o] = rescale(sum_i x[i] * weight[o][i] + bias[o], shift)`.
///
/// Layout: one dot product per output as [`WeightMode`] says, then
/// [`FixedPointChip::rescale`]. `q_hints` are the executor's outputs, one per output value,
/// row-major.
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
/// `bias`.
pub type WeightCells<'c> = (&'c [AssignedValue<Fr>], &'c [AssignedValue<Fr>]);

/// Fewest non-zero terms a dot product takes the dense gate for: below, halo2-base's three
/// cells per term and an add are fewer than a dense unit (13 cells) and its final cell.
pub(crate) const DENSE_MIN_TERMS: usize = 5;

/// How a layer's weights enter the circuit.
#[derive(Clone, Copy, Debug)]
pub enum WeightMode<'c> {
    /// Constants of the verifying key through halo2-base's inner product ([`affine`]).
    Constant,
    /// Constants of the verifying key in the dense gate's fixed columns ([`affine_dense`]).
    Dense(&'c DenseChip),
    /// Witnessed cells in the order of the layer's weights ([`affine_cells`]).
    Cells(WeightCells<'c>),
}

impl LinearLayer<'_> {
    /// Assigns the layer and returns its outputs (`q_hints`: the executor's outputs, in
    /// output order); `mode` says whether the weights are the constants
    /// [`weight`](Self::weight) and [`bias`](Self::bias) or witnessed cells in the same order.
    pub fn assign(
        &self,
        ctx: &mut Context<Fr>,
        chip: &FixedPointChip,
        x: &[AssignedValue<Fr>],
        mode: WeightMode<'_>,
        q_hints: &[i64],
    ) -> Vec<AssignedValue<Fr>> {
        let mut y = Vec::with_capacity(q_hints.len());
        for row in x.chunks(self.in_features) {
            for o in 0..self.out_features {
                let terms = row.iter().copied().zip(o * self.in_features..(o + 1) * self.in_features);
                let weights = (self.weight, self.bias, mode);
                y.push(affine_at(ctx, chip, terms, o, weights, self.shift, q_hints[y.len()]));
            }
        }
        y
    }
}

/// One output of a layer whose weights are `(constants, biases, mode)`: `terms` pair inputs
/// with weight indices, `o` is the bias index.
pub(crate) fn affine_at(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    terms: impl IntoIterator<Item = (AssignedValue<Fr>, usize)>,
    o: usize,
    (weight, bias, mode): (&[i64], &[i64], WeightMode<'_>),
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    let terms = terms.into_iter();
    match mode {
        WeightMode::Cells((w, b)) => {
            affine_cells(ctx, chip, terms.map(|(x, i)| (x, w[i])), b[o], shift, q_hint)
        }
        WeightMode::Constant => affine(ctx, chip, terms.map(|(x, i)| (x, weight[i])), bias[o], shift, q_hint),
        WeightMode::Dense(dense) => {
            let terms: Vec<_> = terms.map(|(x, i)| (x, weight[i])).filter(|&(_, w)| w != 0).collect();
            if terms.len() < DENSE_MIN_TERMS {
                affine(ctx, chip, terms, bias[o], shift, q_hint)
            } else {
                affine_dense(ctx, chip, dense, terms, bias[o], shift, q_hint)
            }
        }
    }
}

/// One output of a constant-weight affine map in the dense gate: `rescale(sum_i x_i * w_i +
/// bias, shift)`, the quotient supplied as `q_hint`.
///
/// Layout: [`DenseChip::dot`] (one advice cell per non-zero weight in the dense columns, one
/// running sum per [`DENSE_WIDTH`](super::DENSE_WIDTH) terms, the sum copied into one cell of
/// `ctx`), then [`FixedPointChip::rescale`].
pub fn affine_dense(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    dense: &DenseChip,
    terms: impl IntoIterator<Item = (AssignedValue<Fr>, i64)>,
    bias: i64,
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    let acc = dense.dot(ctx, terms, bias);
    chip.rescale(ctx, acc, q_hint, shift)
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
