//! The insecure dev SRS, generated fast: the same points as `ParamsKZG::setup` with the same
//! secret, computed with field arithmetic and fixed-base scalar multiplication instead of one
//! variable-base multiplication per point.

use halo2_base::halo2_proofs::arithmetic::parallelize;
use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine, G2Affine, G1};
use halo2_base::halo2_proofs::halo2curves::ff::{BatchInvert, Field, PrimeField};
use halo2_base::halo2_proofs::halo2curves::group::prime::PrimeCurveAffine;
use halo2_base::halo2_proofs::halo2curves::group::{Curve, Group};
use halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::srs::dev_secret;

/// Bits of the scalar handled by one table lookup.
const WINDOW_BITS: usize = 16;
/// Windows covering a 256-bit scalar representation.
const WINDOWS: usize = 256 / WINDOW_BITS;

/// Multiples of one base point: `tables[w][d] = d * 2^(16 w) * G`, so that `x * G` is the sum
/// of one table entry per 16-bit digit of `x` (16 mixed additions, no doublings).
struct FixedBase {
    tables: Vec<Vec<G1Affine>>,
}

impl FixedBase {
    fn new(base: G1) -> Self {
        let mut tables = Vec::with_capacity(WINDOWS);
        let mut window_base = base;
        for _ in 0..WINDOWS {
            let mut multiples = vec![G1::identity(); 1 << WINDOW_BITS];
            let mut acc = G1::identity();
            for m in multiples.iter_mut() {
                *m = acc;
                acc += window_base;
            }
            let mut affine = vec![G1Affine::identity(); multiples.len()];
            G1::batch_normalize(&multiples, &mut affine);
            tables.push(affine);
            window_base = acc;
        }
        Self { tables }
    }

    fn mul(&self, scalar: &Fr) -> G1 {
        let repr = scalar.to_repr();
        let mut acc = G1::identity();
        for (w, table) in self.tables.iter().enumerate() {
            let digit = usize::from(u16::from_le_bytes([repr[2 * w], repr[2 * w + 1]]));
            if digit != 0 {
                acc += table[digit];
            }
        }
        acc
    }

    /// `[x_i] G` for every scalar, in parallel, as affine points.
    fn mul_all(&self, scalars: &[Fr]) -> Vec<G1Affine> {
        let mut out = vec![G1Affine::identity(); scalars.len()];
        parallelize(&mut out, |chunk, start| {
            let projective: Vec<G1> =
                scalars[start..start + chunk.len()].iter().map(|x| self.mul(x)).collect();
            G1::batch_normalize(&projective, chunk);
        });
        out
    }
}

/// `[x^start, x^(start+1), ...]` into `out`, in parallel.
fn powers(out: &mut [Fr], x: Fr) {
    parallelize(out, |chunk, start| {
        let mut cur = x.pow_vartime([start as u64]);
        for p in chunk.iter_mut() {
            *p = cur;
            cur *= x;
        }
    });
}

/// The KZG parameters for `2^k` rows with secret `s`: `g_i = [s^i] G1` and the Lagrange basis
/// `l_i = [L_i(s)] G1` with `L_i(s) = w^i (s^n - 1) / (n (s - w^i))` computed as field
/// elements (one batch inversion, no group FFT), then `G2` and `[s] G2`. Equal, point for
/// point, to `ParamsKZG::setup` drawing the same `s`.
pub(crate) fn params_from_secret(k: u32, s: Fr) -> ParamsKZG<Bn256> {
    let n = 1usize << k;
    let base = FixedBase::new(G1Affine::generator().into());

    let mut scalars = vec![Fr::ZERO; n];
    powers(&mut scalars, s);
    let g = base.mul_all(&scalars);

    // The n-th root of unity exactly as `setup` derives it.
    let mut omega = Option::<Fr>::from(Fr::ROOT_OF_UNITY_INV.invert()).unwrap_or(Fr::ONE);
    for _ in k..Fr::S {
        omega = omega.square();
    }
    let mut roots = vec![Fr::ZERO; n];
    powers(&mut roots, omega);
    let mut denominators = roots.clone();
    parallelize(&mut denominators, |chunk, _| {
        for d in chunk.iter_mut() {
            *d = s - *d;
        }
        chunk.iter_mut().batch_invert();
    });
    let n_inv = Option::<Fr>::from(Fr::from(n as u64).invert()).unwrap_or(Fr::ZERO);
    let multiplier = (s.pow_vartime([n as u64]) - Fr::ONE) * n_inv;
    parallelize(&mut scalars, |chunk, start| {
        for (i, x) in chunk.iter_mut().enumerate() {
            *x = multiplier * roots[start + i] * denominators[start + i];
        }
    });
    drop(roots);
    drop(denominators);
    let g_lagrange = base.mul_all(&scalars);

    let g2 = G2Affine::generator();
    let s_g2 = (g2 * s).to_affine();
    // `from_parts` is a method; a k=0 setup (one point) is the cheapest receiver.
    let template = ParamsKZG::<Bn256>::setup(0, ChaCha20Rng::from_seed([0; 32]));
    template.from_parts(k, g, Some(g_lagrange), g2, s_g2)
}

/// The insecure dev SRS for `2^k` rows (see [`params_from_secret`]); measured on 2 cores:
/// k=20 in about 30 s, where `ParamsKZG::setup` takes 282 s.
pub(crate) fn dev_params(k: u32) -> ParamsKZG<Bn256> {
    params_from_secret(k, dev_secret())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use halo2_base::halo2_proofs::SerdeFormat;

    use super::*;
    use crate::srs::DEV_SEED;

    fn bytes(params: &ParamsKZG<Bn256>) -> Vec<u8> {
        let mut out = Vec::new();
        params.write_custom(&mut out, SerdeFormat::RawBytes).unwrap();
        out
    }

    /// The fast generator reproduces halo2's own setup byte for byte (same seed, same secret),
    /// so the dev SRS files and every committed fixture made with `setup` stay valid.
    #[test]
    fn same_bytes_as_setup() {
        for k in [1, 4, 9] {
            let slow = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::from_seed(DEV_SEED));
            assert_eq!(bytes(&dev_params(k)), bytes(&slow), "k={k}");
        }
    }

    /// A different secret gives different points: the comparison above can fail.
    #[test]
    fn secret_matters() {
        assert_ne!(bytes(&params_from_secret(4, Fr::from(7))), bytes(&dev_params(4)));
    }
}
