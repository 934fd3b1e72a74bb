use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context};
use zkinfer_model::VALUE_BITS;

use super::FixedPointChip;
use crate::field::fe;

/// `y = max(x, 0)` for `x` in the signed value range, with `y` supplied as a hint.
///
/// Constraints: `y in [0, 2^(B-1))`, `z = y - x in [0, 2^B)` and `y * z = 0` (cells
/// `| y | z | x | ... | 0 | y | z | y*z |`). So `y >= 0`, `y >= x`, and `y` is either 0 or `x`:
/// exactly `max(x, 0)`.
pub fn relu(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    x: AssignedValue<Fr>,
    y_hint: i64,
) -> AssignedValue<Fr> {
    let range = chip.range();
    let gate = range.gate();
    let y = ctx.load_witness(fe(y_hint));
    let z = gate.sub(ctx, y, x);
    range.range_check(ctx, y, VALUE_BITS as usize - 1);
    range.range_check(ctx, z, VALUE_BITS as usize);
    let product = gate.mul(ctx, y, z);
    gate.assert_is_const(ctx, &product, &Fr::zero());
    y
}
