use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context};
use zkinfer_model::{ReduceKind, VALUE_BITS};

use super::FixedPointChip;
use crate::field::fe;

/// `y = max(a, b)` (or `min` with `largest = false`) of two values in the signed value range,
/// with `y` supplied as a hint.
///
/// Constraints (max): `d_a = y - a` and `d_b = y - b` both in `[0, 2^B)` and `d_a * d_b = 0`
/// (cells `| y | d_a | a | ... | d_b | ... | 0 | d_a | d_b | d_a*d_b |`). So `y` is at least
/// both and equal to one of them. Min swaps the differences (`a - y`, `b - y`).
pub fn max_or_min(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    largest: bool,
    a: AssignedValue<Fr>,
    b: AssignedValue<Fr>,
    y_hint: i64,
) -> AssignedValue<Fr> {
    let range = chip.range();
    let gate = range.gate();
    let y = ctx.load_witness(fe(y_hint));
    let (da, db) = if largest {
        (gate.sub(ctx, y, a), gate.sub(ctx, y, b))
    } else {
        (gate.sub(ctx, a, y), gate.sub(ctx, b, y))
    };
    range.range_check(ctx, da, VALUE_BITS as usize);
    range.range_check(ctx, db, VALUE_BITS as usize);
    let product = gate.mul(ctx, da, db);
    gate.assert_is_const(ctx, &product, &Fr::zero());
    y
}

/// One output of a reduction over the cells `xs` whose integer values are `values`.
///
/// Sum: one running-sum column (`sum`) and the value range check of the result. Max/min: a
/// chain of [`max_or_min`] gadgets, each fed the running result's integer as its hint.
pub fn reduce(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    kind: ReduceKind,
    xs: &[AssignedValue<Fr>],
    values: &[i64],
) -> AssignedValue<Fr> {
    match kind {
        ReduceKind::Sum => {
            let y = chip.range().gate().sum(ctx, xs.iter().copied());
            chip.check_value(ctx, y);
            y
        }
        ReduceKind::Max | ReduceKind::Min => {
            let largest = kind == ReduceKind::Max;
            let (mut cell, mut value) = (xs[0], values[0]);
            for (&x, &v) in xs.iter().zip(values).skip(1) {
                value = if largest { value.max(v) } else { value.min(v) };
                cell = max_or_min(ctx, chip, largest, cell, x, value);
            }
            cell
        }
    }
}
