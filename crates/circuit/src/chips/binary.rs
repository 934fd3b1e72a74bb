use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context};
use zkinfer_model::BinaryKind;

use super::FixedPointChip;

/// One element of `a + b`, `a - b` or `a * b` on two activations at the same scale.
///
/// Add/Sub: one gate (`| a | 1 | b | a+b |`, or its sub form) and the value range check of the
/// result ([`FixedPointChip::check_value`]), so a sum cannot leave the range silently. Mul: one
/// gate (`| 0 | a | b | a*b |`) and [`FixedPointChip::rescale`] by `shift` back to the activation
/// scale, with the quotient `q_hint` from the executor (unused for Add/Sub).
pub fn binary(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    op: BinaryKind,
    a: AssignedValue<Fr>,
    b: AssignedValue<Fr>,
    shift: u32,
    q_hint: i64,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    match op {
        BinaryKind::Add | BinaryKind::Sub => {
            let y = if op == BinaryKind::Add { gate.add(ctx, a, b) } else { gate.sub(ctx, a, b) };
            chip.check_value(ctx, y);
            y
        }
        BinaryKind::Mul | BinaryKind::MulWide => {
            let product = gate.mul(ctx, a, b);
            chip.rescale(ctx, product, q_hint, shift)
        }
    }
}
