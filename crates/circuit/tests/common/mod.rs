//! Shared by the chip tests: one MockProver run of a chip on halo2-base's range chip.

use halo2_base::gates::RangeChip;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::utils::testing::base_test;
use halo2_base::Context;
use zkinfer_circuit::FixedPointChip;

/// Rows of the test circuits (lookup bits one less).
pub(crate) const K: u32 = 11;

/// Runs `f` under MockProver and asserts the constraints are satisfied exactly when `honest`.
pub(crate) fn check(honest: bool, f: impl FnOnce(&mut Context<Fr>, &FixedPointChip)) {
    base_test()
        .k(K)
        .lookup_bits(K as usize - 1)
        .expect_satisfied(honest)
        .run(|ctx, range: &RangeChip<Fr>| f(ctx, &FixedPointChip::new(range.clone())));
}
