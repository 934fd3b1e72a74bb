use halo2_base::gates::{GateInstructions, RangeChip, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context, QuantumCell::Constant};
use zkinfer_model::{LANES_PER_WORD, VALUE_BITS, WIDE_LANES_PER_WORD, WIDE_LANE_BITS};

use crate::field::{fe, pow2};

/// Fixed-point arithmetic over halo2-base's range chip: the layer between plain range checks
/// and the ML ops. Values are signed integers in `[-2^(VALUE_BITS-1), 2^(VALUE_BITS-1))`
/// stored as field elements (`p - |v|` when negative).
#[derive(Clone, Debug)]
pub struct FixedPointChip {
    range: RangeChip<Fr>,
}

impl FixedPointChip {
    /// Wraps a range chip; its lookup table must be at least 8 bits.
    pub fn new(range: RangeChip<Fr>) -> Self {
        Self { range }
    }

    /// The underlying range chip.
    pub fn range(&self) -> &RangeChip<Fr> {
        &self.range
    }

    /// Constrains `x` to the signed value range and returns its lane `x + 2^(VALUE_BITS-1)`.
    ///
    /// Constraint: `lane = x + 2^(B-1)` (one add gate: cells `| x | 1 | 2^(B-1) | lane |`) and
    /// `lane in [0, 2^B)` (the range chip's limb decomposition, `ceil(B / lookup_bits)` lookups).
    pub fn check_value(&self, ctx: &mut Context<Fr>, x: AssignedValue<Fr>) -> AssignedValue<Fr> {
        let lane = self.range.gate().add(ctx, x, Constant(pow2(VALUE_BITS - 1)));
        self.range.range_check(ctx, lane, VALUE_BITS as usize);
        lane
    }

    /// Divides `acc` by `2^shift`, rounding half up, and returns the quotient `q`, which the
    /// caller supplies as a hint (from the integer executor).
    ///
    /// Constraints: `r = acc + 2^(shift-1) - q * 2^shift` (cells `| acc | q | -2^shift | t |`,
    /// then `| t | 1 | 2^(shift-1) | r |`), `r in [0, 2^shift)` and `q` in the signed value range.
    ///
    /// Uniqueness: two solutions `(q, r)`, `(q', r')` would give `(q - q') 2^shift = r' - r` in the
    /// field, with `|q - q'| < 2^B` and `|r' - r| < 2^shift`; both sides are integers of absolute
    /// value below `2^(shift + B)`, which is below the field size (about `2^253.6`) while
    /// `shift + B < 254`, so the equation holds over the integers and forces `q = q'`, `r = r'`.
    /// Validated models keep `shift <= MAX_SHIFT` (62), well inside. `q` is then
    /// `floor((acc + 2^(shift-1)) / 2^shift)` of the integer `acc` whenever `acc`'s field element
    /// is that integer (`|acc| < p / 2`: range-checked 32-bit activations times 64-bit constants,
    /// summed over fewer than 2^150 terms, stay far below).
    pub fn rescale(
        &self,
        ctx: &mut Context<Fr>,
        acc: AssignedValue<Fr>,
        q_hint: i64,
        shift: u32,
    ) -> AssignedValue<Fr> {
        let gate = self.range.gate();
        if shift == 0 {
            self.check_value(ctx, acc);
            return acc;
        }
        let q = ctx.load_witness(fe(q_hint));
        let t = gate.mul_add(ctx, q, Constant(-pow2(shift)), acc);
        let r = gate.add(ctx, t, Constant(pow2(shift - 1)));
        self.range.range_check(ctx, r, shift as usize);
        self.check_value(ctx, q);
        q
    }

    /// Packs values into public words, [`LANES_PER_WORD`] lanes of `VALUE_BITS` bits each:
    /// `word_w = sum_j lane(x[7w + j]) * 2^(32 j)`, each lane range-checked by
    /// [`check_value`](Self::check_value). Lanes past the end are absent (not offset), exactly as
    /// the registry contract packs them.
    pub fn pack(&self, ctx: &mut Context<Fr>, values: &[AssignedValue<Fr>]) -> Vec<AssignedValue<Fr>> {
        let lanes: Vec<_> = values.iter().map(|&x| self.check_value(ctx, x)).collect();
        self.words(ctx, &lanes, VALUE_BITS, LANES_PER_WORD)
    }

    /// `word_w = sum_j lanes[per_word * w + j] * 2^(bits * j)`, one inner product per word.
    fn words(
        &self,
        ctx: &mut Context<Fr>,
        lanes: &[AssignedValue<Fr>],
        bits: u32,
        per_word: usize,
    ) -> Vec<AssignedValue<Fr>> {
        lanes
            .chunks(per_word)
            .map(|chunk| {
                let bases = (0..chunk.len()).map(|j| Constant(pow2(bits * j as u32)));
                self.range.gate().inner_product(ctx, chunk.to_vec(), bases)
            })
            .collect()
    }

    /// Constrains a wide value (a bias) to `[-2^63, 2^63)` and returns its lane `b + 2^63`
    /// (one add gate, then a 64-bit range check).
    pub fn check_wide(&self, ctx: &mut Context<Fr>, b: AssignedValue<Fr>) -> AssignedValue<Fr> {
        let lane = self.range.gate().add(ctx, b, Constant(pow2(WIDE_LANE_BITS - 1)));
        self.range.range_check(ctx, lane, WIDE_LANE_BITS as usize);
        lane
    }

    /// Packs wide values into words of [`WIDE_LANES_PER_WORD`] lanes of 64 bits, each lane
    /// range-checked by [`check_wide`](Self::check_wide):
    /// `word_w = sum_j (b[3w + j] + 2^63) * 2^(64 j)`.
    pub fn pack_wide(&self, ctx: &mut Context<Fr>, values: &[AssignedValue<Fr>]) -> Vec<AssignedValue<Fr>> {
        let lanes: Vec<_> = values.iter().map(|&b| self.check_wide(ctx, b)).collect();
        self.words(ctx, &lanes, WIDE_LANE_BITS, WIDE_LANES_PER_WORD)
    }
}
