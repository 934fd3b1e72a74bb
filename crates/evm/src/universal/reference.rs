//! The universal verifier's algorithm in Rust, step for step as the Solidity one runs it: the
//! reference its EVM code is tested against, and a second, independent reading of the proof
//! beside halo2's own verifier.

use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fq, Fr, G1Affine, G2Affine, G1};
use halo2_base::halo2_proofs::halo2curves::ff::{Field, FromUniformBytes, PrimeField};
use halo2_base::halo2_proofs::halo2curves::group::{Curve, Group};
use halo2_base::halo2_proofs::halo2curves::pairing::{MillerLoopResult, MultiMillerLoop};
use sha3::{Digest, Keccak256};

use super::encode::{point, ACCUMULATOR_LIMBS, ACCUMULATOR_LIMB_BITS};
use super::expr::Inputs;
use super::vk_data::{fr_word, VkData};

/// Why a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Wrong number of public values.
    #[error("expected {expected} public values, got {actual}")]
    InstanceCount {
        /// From the verifying key.
        expected: usize,
        /// Given.
        actual: usize,
    },
    /// Wrong proof length (trailing or missing bytes).
    #[error("expected a proof of {expected} bytes, got {actual}")]
    ProofLength {
        /// From the verifying key.
        expected: usize,
        /// Given.
        actual: usize,
    },
    /// A scalar at or above the field modulus.
    #[error("non-canonical scalar at byte {0}")]
    Scalar(usize),
    /// A point with a coordinate at or above the base field modulus, or off the curve.
    #[error("invalid curve point at byte {0}")]
    Point(usize),
    /// The accumulator among the public values is not two canonical points on the curve
    /// (a limb over its bits, a coordinate at or above the modulus, or off the curve).
    #[error("invalid accumulator at public value {0}")]
    Accumulator(usize),
    /// The final pairing check failed.
    #[error("pairing check failed")]
    Pairing,
}

/// Keccak transcript as snark-verifier's `EvmTranscript` runs it.
struct Transcript {
    buf: Vec<u8>,
}

impl Transcript {
    fn absorb_scalar(&mut self, x: &Fr) {
        self.buf.extend_from_slice(&fr_word(x));
    }

    fn absorb_point(&mut self, p: &G1Affine) {
        self.buf.extend(point(p).iter().flatten());
    }

    fn squeeze(&mut self) -> Fr {
        if self.buf.len() == 32 {
            // Keeps a lone previous challenge apart from the empty input.
            self.buf.push(1);
        }
        let hash: [u8; 32] = Keccak256::digest(&self.buf).into();
        self.buf = hash.to_vec();
        reduce(&hash)
    }
}

/// A 32-byte big-endian word reduced modulo the scalar field.
pub(crate) fn reduce(word: &[u8; 32]) -> Fr {
    let mut wide = [0u8; 64];
    for (i, b) in word.iter().rev().enumerate() {
        wide[i] = *b;
    }
    Fr::from_uniform_bytes(&wide)
}

/// A canonical 32-byte big-endian scalar.
pub(crate) fn read_scalar(bytes: &[u8], at: usize) -> Result<Fr, Rejection> {
    let mut repr = [0u8; 32];
    repr.copy_from_slice(&bytes[at..at + 32]);
    repr.reverse();
    Option::from(Fr::from_repr(repr)).ok_or(Rejection::Scalar(at))
}

fn read_point(bytes: &[u8], at: usize) -> Result<G1Affine, Rejection> {
    let coord = |o: usize| -> Option<Fq> {
        let mut repr = [0u8; 32];
        repr.copy_from_slice(&bytes[o..o + 32]);
        repr.reverse();
        Fq::from_repr(repr).into()
    };
    coord(at).zip(coord(at + 32)).and_then(|(x, y)| on_curve(x, y)).ok_or(Rejection::Point(at))
}

/// `(x, y)` if `y^2 = x^3 + 3`; the point at infinity (0, 0) is refused as the EVM precompiles
/// see it.
fn on_curve(x: Fq, y: Fq) -> Option<G1Affine> {
    (y.square() == x.square() * x + Fq::from(3)).then_some(G1Affine { x, y })
}

/// An aggregation circuit's accumulator `(lhs, rhs)` from the public values at `at`: per
/// coordinate [`ACCUMULATOR_LIMBS`] limbs of [`ACCUMULATOR_LIMB_BITS`] bits, least significant
/// first, the top one within the 256 bits of an EVM word (snark-verifier's bounds).
fn read_accumulator(instances: &[Fr], at: usize) -> Result<(G1Affine, G1Affine), Rejection> {
    let bad = Rejection::Accumulator(at);
    let limb_bytes = ACCUMULATOR_LIMB_BITS / 8;
    let coords = (0..4)
        .map(|c| {
            let mut le = vec![0u8; limb_bytes * ACCUMULATOR_LIMBS];
            for j in 0..ACCUMULATOR_LIMBS {
                let limb = instances.get(at + c * ACCUMULATOR_LIMBS + j)?.to_repr();
                if limb[limb_bytes..].iter().any(|&b| b != 0) {
                    return None;
                }
                le[j * limb_bytes..(j + 1) * limb_bytes].copy_from_slice(&limb[..limb_bytes]);
            }
            if le[32..].iter().any(|&b| b != 0) {
                return None;
            }
            let mut repr = [0u8; 32];
            repr.copy_from_slice(&le[..32]);
            Option::<Fq>::from(Fq::from_repr(repr))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(bad.clone())?;
    let lhs = on_curve(coords[0], coords[1]).ok_or(bad.clone())?;
    let rhs = on_curve(coords[2], coords[3]).ok_or(bad)?;
    Ok((lhs, rhs))
}

/// Folds the proof's pair `(lhs, rhs)` into the accumulator it carries as snark-verifier's
/// decider does for two: `c = keccak(acc.lhs, acc.rhs, lhs, rhs) mod r`, then
/// `(acc.lhs + c lhs, acc.rhs + c rhs)`.
fn fold(acc: (G1Affine, G1Affine), lhs: G1Affine, rhs: G1Affine) -> (G1Affine, G1Affine) {
    let mut buf = Vec::with_capacity(256);
    for p in [&acc.0, &acc.1, &lhs, &rhs] {
        buf.extend(point(p).iter().flatten());
    }
    let c = reduce(&Keccak256::digest(&buf).into());
    ((acc.0 + lhs * c).to_affine(), (acc.1 + rhs * c).to_affine())
}

/// Verifies `proof` for `instances` against `vk`, with the SRS's `[1]G2` and `[s]G2`.
pub fn verify(
    vk: &VkData,
    instances: &[Fr],
    proof: &[u8],
    g2: G2Affine,
    s_g2: G2Affine,
) -> Result<(), Rejection> {
    let (mut lhs, mut rhs, _) = opening(vk, instances, proof)?;
    if let Some(at) = vk.accumulator {
        (lhs, rhs) = fold(read_accumulator(instances, at)?, lhs, rhs);
    }
    let neg_s_g2 = -s_g2;
    let terms = [(&lhs, &g2.into()), (&rhs, &neg_s_g2.into())];
    let ok: bool = Bn256::multi_miller_loop(&terms).final_exponentiation().is_identity().into();
    ok.then_some(()).ok_or(Rejection::Pairing)
}

/// The intermediate values of a verification, for debugging the EVM code against this one:
/// `z, z', mu, gamma, z^n, the constant term`, then the evaluation slots.
pub fn trace(vk: &VkData, instances: &[Fr], proof: &[u8]) -> Result<(G1Affine, Vec<Fr>), Rejection> {
    let (lhs, _, trace) = opening(vk, instances, proof)?;
    Ok((lhs, trace))
}

/// The pairing's left point, `W'`, and the trace.
fn opening(vk: &VkData, instances: &[Fr], proof: &[u8]) -> Result<(G1Affine, G1Affine, Vec<Fr>), Rejection> {
    if instances.len() != vk.num_instance {
        return Err(Rejection::InstanceCount { expected: vk.num_instance, actual: instances.len() });
    }
    if proof.len() != vk.proof_len() {
        return Err(Rejection::ProofLength { expected: vk.proof_len(), actual: proof.len() });
    }
    let mut t = Transcript { buf: Vec::new() };
    t.absorb_scalar(&vk.transcript_initial_state);
    instances.iter().for_each(|x| t.absorb_scalar(x));

    let mut at = 0;
    let mut next_point = |t: &mut Transcript| -> Result<G1Affine, Rejection> {
        let p = read_point(proof, at)?;
        at += 64;
        t.absorb_point(&p);
        Ok(p)
    };
    let mut witnesses = Vec::new();
    let mut challenges = Vec::new();
    for &(n, m) in &vk.phases {
        for _ in 0..n {
            witnesses.push(next_point(&mut t)?);
        }
        for _ in 0..m {
            challenges.push(t.squeeze());
        }
    }
    let chunks = (0..vk.num_chunks).map(|_| next_point(&mut t)).collect::<Result<Vec<_>, _>>()?;
    let z = t.squeeze();
    let mut at = 64 * (witnesses.len() + chunks.len());
    let mut evals = vec![Fr::ZERO];
    for _ in 0..vk.num_evals {
        let e = read_scalar(proof, at)?;
        t.absorb_scalar(&e);
        evals.push(e);
        at += 32;
    }
    let mu = t.squeeze();
    let gamma = t.squeeze();
    let w = read_point(proof, at)?;
    t.absorb_point(&w);
    let z_prime = t.squeeze();
    let w_prime = read_point(proof, at + 64)?;

    // Vanishing polynomial and Lagrange evaluations at z.
    let zn = (0..vk.k).fold(z, |acc, _| acc.square());
    let zn_minus_one = zn - Fr::ONE;
    let numer = zn_minus_one * vk.n_inv;
    let lagrange = |omega: Fr| numer * omega * (z - omega).invert().unwrap_or(Fr::ZERO);
    let mut omega_i = Fr::ONE;
    for x in instances {
        evals[0] += *x * lagrange(omega_i);
        omega_i *= vk.omega;
    }
    let lagranges: Vec<Fr> = vk.program.lagranges.iter().map(|&i| lagrange(vk.omega_pow(i))).collect();
    // The quotient's slot is part of the value table; the numerator does not read it.
    evals.push(Fr::ZERO);
    let numerator = vk
        .program
        .run(&Inputs { evals: &evals, challenges: &challenges, lagranges: &lagranges, z })
        .map_err(|_| Rejection::Pairing)?;
    let quotient = numerator * zn_minus_one.invert().unwrap_or(Fr::ZERO);
    if let Some(last) = evals.last_mut() {
        *last = quotient;
    }

    // SHPLONK (bdfg21): one combined opening at z'.
    let mut coeffs = vec![Fr::ZERO; vk.num_commitments()];
    let mut constant = Fr::ZERO;
    let diffs: Vec<Fr> = vk.rotations.iter().map(|&r| z_prime - z * vk.omega_pow(r)).collect();
    let mut z_s_first = None;
    let mut gamma_pow = Fr::ONE;
    for set in &vk.sets {
        let k = set.shifts.len();
        let z_pow = z.pow_vartime([(k - 1) as u64]);
        let weights: Vec<Fr> = set
            .shifts
            .iter()
            .zip(&set.ell)
            .map(|(&s, ell)| (*ell * z_pow * diffs[s]).invert().unwrap_or(Fr::ZERO))
            .collect();
        let z_s = set.shifts.iter().fold(Fr::ONE, |acc, &s| acc * diffs[s]);
        let commitment_coeff = match z_s_first {
            None => {
                z_s_first = Some(z_s);
                Fr::ONE
            }
            Some(first) => first * z_s.invert().unwrap_or(Fr::ZERO),
        };
        let weight_sum: Fr = weights.iter().sum();
        let r_eval_coeff = commitment_coeff * weight_sum.invert().unwrap_or(Fr::ZERO);
        let mut mu_pow = Fr::ONE;
        for (poly, slots) in &set.polys {
            let r_eval: Fr =
                weights.iter().zip(slots).map(|(w, &s)| *w * evals[s]).sum::<Fr>() * r_eval_coeff;
            coeffs[*poly] += gamma_pow * mu_pow * commitment_coeff;
            constant -= gamma_pow * mu_pow * r_eval;
            mu_pow *= mu;
        }
        gamma_pow *= gamma;
    }
    let z_s_first = z_s_first.unwrap_or(Fr::ONE);

    let num_pre = vk.preprocessed.len();
    let mut lhs = G1::identity();
    for (p, c) in vk.preprocessed.iter().zip(&coeffs) {
        lhs += *p * *c;
    }
    for (p, c) in witnesses.iter().zip(&coeffs[num_pre + 1..]) {
        lhs += *p * *c;
    }
    let mut chunk_coeff = coeffs[vk.num_commitments() - 1];
    for p in &chunks {
        lhs += *p * chunk_coeff;
        chunk_coeff *= zn;
    }
    lhs += G1Affine::generator() * constant;
    lhs -= w * z_s_first;
    lhs += w_prime * z_prime;

    let trace = [z, z_prime, mu, gamma, zn, constant].into_iter().chain(evals).collect();
    Ok((lhs.to_affine(), w_prime, trace))
}
