//! The fixed-point number format shared by the executor, the circuit and the contracts.

/// Signed bit width of every activation, input and output value: each lies in
/// `[-2^(VALUE_BITS-1), 2^(VALUE_BITS-1))`. The circuit range-checks this and the registry
/// contract packs values in lanes of this width.
pub const VALUE_BITS: u32 = 32;

/// How many [`VALUE_BITS`]-bit lanes are packed into one public field element (7 * 32 = 224
/// bits, below the 253-bit BN254 scalar field).
pub const LANES_PER_WORD: usize = 7;

/// Smallest representable value.
pub const VALUE_MIN: i64 = -(1 << (VALUE_BITS - 1));
/// Largest representable value.
pub const VALUE_MAX: i64 = (1 << (VALUE_BITS - 1)) - 1;

/// Whether `v` fits the signed value range.
pub fn in_range(v: i64) -> bool {
    (VALUE_MIN..=VALUE_MAX).contains(&v)
}

/// Rounds `x * 2^scale` to the nearest integer (ties away from zero), or `None` when it does
/// not fit the value range.
pub fn quantize(x: f32, scale: u32) -> Option<i64> {
    quantize_bits(x, scale, VALUE_BITS)
}

/// Signed bit width of a quantized bias. Biases are circuit constants added to the accumulator
/// and never pass through the value range check, so they may be wider than values; this bound
/// keeps accumulators far below the field size.
pub const BIAS_BITS: u32 = 62;

/// [`quantize`] into a signed `bits`-bit integer.
pub fn quantize_bits(x: f32, scale: u32, bits: u32) -> Option<i64> {
    let q = (x as f64 * (1u64 << scale) as f64).round();
    let limit = (1u64 << (bits - 1)) as f64;
    (q >= -limit && q < limit).then_some(q as i64)
}

/// `q / 2^scale`.
pub fn dequantize(q: i64, scale: u32) -> f64 {
    q as f64 / (1u64 << scale) as f64
}

/// Largest `shift` of a rescale, and largest fixed-point scale, a model may use (checked by
/// [`QuantizedModel::validate`](crate::QuantizedModel::validate)). The executor computes
/// `2^shift` and `2^scale` in 64- and 128-bit integers (`1i128 << 128` wraps in release builds),
/// and the circuit's rescale quotient is unique only while `shift + VALUE_BITS < 254` (see the
/// circuit's `FixedPointChip::rescale`). The compiler's shifts are at most the sum of two scales
/// (each at most 16 on the command line), far below this.
pub const MAX_SHIFT: u32 = 62;

/// Divides by `2^shift`, rounding half up: `floor((acc + 2^(shift-1)) / 2^shift)`. The circuit's
/// rescale gadget proves exactly this.
pub fn rescale(acc: i128, shift: u32) -> i128 {
    if shift == 0 {
        return acc;
    }
    (acc + (1i128 << (shift - 1))).div_euclid(1i128 << shift)
}

/// Number of public words holding `n` packed values.
pub fn packed_words(n: usize) -> usize {
    n.div_ceil(LANES_PER_WORD)
}

/// The flat index into a tensor of shape `from` that numpy broadcasting maps to element `flat`
/// of shape `to` (shapes right-aligned, dimensions of 1 repeated).
pub fn broadcast_index(to: &[usize], from: &[usize], flat: usize) -> usize {
    let (mut rest, mut src, mut stride) = (flat, 0, 1);
    for axis in (0..to.len()).rev() {
        let i = rest % to[axis];
        rest /= to[axis];
        let offset = to.len() - axis;
        if let Some(&d) = from.len().checked_sub(offset).map(|a| &from[a]) {
            if d != 1 {
                src += i * stride;
            }
            stride *= d;
        }
    }
    src
}

/// The numpy broadcast of two shapes, or `None` when they do not broadcast.
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let rank = a.len().max(b.len());
    let dim = |s: &[usize], i: usize| if i < rank - s.len() { 1 } else { s[i - (rank - s.len())] };
    (0..rank)
        .map(|i| match (dim(a, i), dim(b, i)) {
            (x, y) if x == y || y == 1 => Some(x),
            (1, y) => Some(y),
            _ => None,
        })
        .collect()
}
