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

/// `q = trunc(x / d)` for an integer `x` (integer value `x_value`) and a constant `d > 0`.
///
/// Constraints: the floor quotient `f` (a hint) with `r = x - f d` (cells `| x | f | -d | r |`),
/// `f` in the value range and `0 <= r < d` (range check to the bits of `d`, then
/// `check_less_than(r, d)`), so `f = floor(x / d)`; truncation adds 1 when `x < 0` and `r != 0`:
/// `neg = (lane_x < 2^(B-1))`, `nz = 1 - is_zero(r)`, `q = f + neg * nz`.
pub fn int_div(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    x: AssignedValue<Fr>,
    x_value: i64,
    d: i64,
) -> AssignedValue<Fr> {
    let range = chip.range();
    let gate = range.gate();
    let floor = ctx.load_witness(crate::field::fe(x_value.div_euclid(d)));
    chip.check_value(ctx, floor);
    let r = gate.mul_add(ctx, floor, Constant(-crate::field::fe(d)), x);
    range.check_less_than_safe(ctx, r, d as u64);
    let lane = chip.check_value(ctx, x);
    let negative =
        range.is_less_than(ctx, lane, Constant(crate::field::pow2(VALUE_BITS - 1)), VALUE_BITS as usize);
    let zero = gate.is_zero(ctx, r);
    let nonzero = gate.not(ctx, zero);
    let adjust = gate.and(ctx, negative, nonzero);
    gate.add(ctx, floor, adjust)
}
