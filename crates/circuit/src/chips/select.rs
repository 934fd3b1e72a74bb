use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context, QuantumCell::Constant, QuantumCell::Existing};
use zkinfer_model::{sorted_extremes, ReduceKind};

use super::{max_or_min, reduce, FixedPointChip};

/// Position of the largest (`largest`) or smallest element of `xs` (integer values `values`),
/// the first one on ties, or the last with `last`.
///
/// Constraints: `m` = the max/min chain of [`reduce`] (so `m` is an element and bounds all);
/// `e_j = is_equal(x_j, m)`; scanning in order (reversed for `last`) with `f` = "found",
/// `first_j = e_j (1 - f)` and `f += first_j`; the result is `sum_j j first_j`. Exactly one
/// `first_j` is 1: the first (last) position holding `m`.
pub fn arg_extreme(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    xs: &[AssignedValue<Fr>],
    values: &[i64],
    largest: bool,
    last: bool,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    let kind = if largest { ReduceKind::Max } else { ReduceKind::Min };
    let m = reduce(ctx, chip, kind, xs, values);
    let mut found = ctx.load_zero();
    let mut firsts = Vec::with_capacity(xs.len());
    let order: Vec<usize> = if last { (0..xs.len()).rev().collect() } else { (0..xs.len()).collect() };
    for j in order {
        let hit = gate.is_equal(ctx, xs[j], m);
        let not_found = gate.not(ctx, found);
        let first = gate.mul(ctx, hit, not_found);
        found = gate.add(ctx, found, first);
        firsts.push((j, first));
    }
    let positions = firsts.iter().map(|&(j, _)| Constant(Fr::from(j as u64)));
    gate.inner_product(ctx, firsts.iter().map(|&(_, f)| f), positions)
}

/// The `k` largest (or smallest) of `xs`, sorted, by `k` bubble passes of compare-and-swap:
/// each swap keeps `hi = max(a, b)` ([`max_or_min`]: `hi >= a`, `hi >= b`, `hi` equal to one)
/// and `lo = a + b - hi`, so the multiset is preserved and pass `p` leaves the `p`-th extreme
/// in place `p`.
pub fn top_k(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    xs: &[AssignedValue<Fr>],
    values: &[i64],
    k: usize,
    largest: bool,
) -> Vec<AssignedValue<Fr>> {
    let gate = chip.range().gate();
    let (mut cells, mut vals) = (xs.to_vec(), values.to_vec());
    for p in 0..k.min(xs.len()) {
        for j in (p + 1..cells.len()).rev() {
            let (a, b) = (vals[j - 1], vals[j]);
            let hi_val = if largest { a.max(b) } else { a.min(b) };
            let hi = max_or_min(ctx, chip, largest, cells[j - 1], cells[j], hi_val);
            let sum = gate.add(ctx, cells[j - 1], cells[j]);
            let lo = gate.sub(ctx, sum, hi);
            cells[j - 1] = hi;
            cells[j] = lo;
            vals[j - 1] = hi_val;
            vals[j] = a + b - hi_val;
        }
    }
    debug_assert_eq!(vals[..k], sorted_extremes(values, largest)[..k]);
    cells.truncate(k);
    cells
}

/// One-hot indicator of `index` over `0..len`, constrained to sum to 1, so an index outside
/// the range makes the circuit unsatisfiable instead of selecting nothing.
///
/// Constraints: halo2-base's `idx_to_indicator` (`ind_i = is_zero(index - i)`), then
/// `sum_i ind_i = 1`.
pub fn indicator(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    index: AssignedValue<Fr>,
    len: usize,
) -> Vec<AssignedValue<Fr>> {
    let gate = chip.range().gate();
    let ind = gate.idx_to_indicator(ctx, index, len);
    let total = gate.sum(ctx, ind.iter().copied());
    gate.assert_is_const(ctx, &total, &Fr::from(1));
    ind
}

/// `candidates[index]` given the one-hot `indicator` of `index`: `sum_i ind_i * candidate_i`
/// (one inner-product column run).
pub fn gather(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    candidates: &[AssignedValue<Fr>],
    indicator: &[AssignedValue<Fr>],
) -> AssignedValue<Fr> {
    chip.range().gate().inner_product(ctx, candidates.iter().copied(), indicator.iter().map(|&i| Existing(i)))
}

/// One output of ScatterElements: `data`, overwritten by each `(indicator, update)` pair whose
/// index is `position`, later pairs winning.
///
/// Each pair carries the one-hot [`indicator`] of its index over the scattered axis, which
/// constrains the index to `[0, len)`: an index the executor refuses (negative or past the axis)
/// leaves the circuit unsatisfiable instead of silently writing nothing. Constraints per pair:
/// `hit = indicator[position]` (a bit by construction), then `y = select(update, y, hit)`
/// (cells `| update - y | hit | y | y' |` after the subtraction). `position` must be below the
/// indicators' length (a validated model guarantees it; the model circuit checks it first).
pub fn scatter(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    data: AssignedValue<Fr>,
    pairs: &[(&[AssignedValue<Fr>], AssignedValue<Fr>)],
    position: usize,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    pairs.iter().fold(data, |y, &(indicator, update)| gate.select(ctx, update, y, indicator[position]))
}
