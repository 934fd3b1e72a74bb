use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context, QuantumCell::Constant};
use zkinfer_model::{CompareKind, LogicKind, VALUE_BITS};

use super::FixedPointChip;

/// `y = 1` when `a kind b` holds, else `0`, for two values at the same scale.
///
/// Order comparisons take both lanes ([`FixedPointChip::check_value`]: `lane = v + 2^(B-1)`,
/// range-checked to `B` bits, so lanes order exactly as the signed values) into halo2-base's
/// `is_less_than` (`lane_a - lane_b + 2^B` decomposed into limbs; its top bit is the result).
/// `a <= b` is `not(b < a)`. Equality is halo2-base's `is_equal` (`y = 1 - d * inv(d)` with
/// `d * y = 0`, cells `| d | inv | ... |`). The result is a bit by construction.
pub fn compare(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    kind: CompareKind,
    a: AssignedValue<Fr>,
    b: AssignedValue<Fr>,
) -> AssignedValue<Fr> {
    let range = chip.range();
    let gate = range.gate();
    let mut less = |x: AssignedValue<Fr>, y: AssignedValue<Fr>| {
        let (lx, ly) = (chip.check_value(ctx, x), chip.check_value(ctx, y));
        range.is_less_than(ctx, lx, ly, VALUE_BITS as usize)
    };
    match kind {
        CompareKind::Less => less(a, b),
        CompareKind::Greater => less(b, a),
        CompareKind::LessOrEqual => {
            let greater = less(b, a);
            gate.not(ctx, greater)
        }
        CompareKind::GreaterOrEqual => {
            let smaller = less(a, b);
            gate.not(ctx, smaller)
        }
        CompareKind::Equal => gate.is_equal(ctx, a, b),
        CompareKind::NotEqual => {
            let equal = gate.is_equal(ctx, a, b);
            gate.not(ctx, equal)
        }
    }
}

/// Boolean logic. Every operand is first constrained to be a bit (`x * x = x`, one gate
/// `| 0 | x | x | x |`), because model inputs may claim to be booleans without being so; then
/// Not is `1 - a`, And `a * b`, Or `a + b - a b`, Xor `a + b - 2 a b` (one or two gates each).
/// `b` is ignored by Not.
pub fn logic(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    kind: LogicKind,
    a: AssignedValue<Fr>,
    b: Option<AssignedValue<Fr>>,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    gate.assert_bit(ctx, a);
    let Some(b) = b.filter(|_| kind != LogicKind::Not) else { return gate.not(ctx, a) };
    gate.assert_bit(ctx, b);
    match kind {
        LogicKind::And | LogicKind::Not => gate.and(ctx, a, b),
        LogicKind::Or => gate.or(ctx, a, b),
        LogicKind::Xor => {
            let sum = gate.add(ctx, a, b);
            let both = gate.mul(ctx, a, b);
            gate.mul_add(ctx, both, Constant(-Fr::from(2)), sum)
        }
    }
}

/// `y = c ? a : b` with `c` constrained to be a bit (`| 0 | c | c | c |`), then halo2-base's
/// `select` (`y = c (a - b) + b`, cells `| a - b | c | b | y |` after the subtraction).
pub fn select_where(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    c: AssignedValue<Fr>,
    a: AssignedValue<Fr>,
    b: AssignedValue<Fr>,
) -> AssignedValue<Fr> {
    let gate = chip.range().gate();
    gate.assert_bit(ctx, c);
    gate.select(ctx, a, b, c)
}
