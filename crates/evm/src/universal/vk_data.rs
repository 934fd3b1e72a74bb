//! The verifying key as data: everything circuit-specific that the universal verifier needs,
//! derived from snark-verifier's description of a halo2 circuit (`PlonkProtocol`).

use std::collections::BTreeMap;

use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_base::halo2_proofs::halo2curves::ff::{Field, PrimeField};
use halo2_base::halo2_proofs::plonk::VerifyingKey;
use halo2_base::halo2_proofs::poly::commitment::ParamsProver;
use halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use snark_verifier_sdk::snark_verifier::system::halo2::{compile, Config};
use snark_verifier_sdk::snark_verifier::util::arithmetic::Rotation;
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;

use super::encode::ACCUMULATOR_LIMBS;
use super::expr::{compile_expression, Program};
use crate::verifier::EIP170_LIMIT;
use crate::{Error, Result};

/// One SHPLONK query set: polynomials opened at the same rotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySet {
    /// Indices into [`VkData::rotations`], in the set's order.
    pub shifts: Vec<usize>,
    /// `prod_{i != j} (w^{r_j} - w^{r_i})` for each shift `j` (a constant of the domain).
    pub ell: Vec<Fr>,
    /// Per polynomial: its commitment index and the evaluation slot of each shift.
    pub polys: Vec<(usize, Vec<usize>)>,
}

/// The circuit-specific part of verification. Commitment indices: the preprocessed
/// commitments, then one per instance column (never opened), then the witness commitments
/// in transcript order, then the quotient. Evaluation slots: 0 is the instance column's
/// evaluation (computed), `1..=num_evals` the proof's evaluations in transcript order, then
/// the quotient's (computed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VkData {
    /// log2 of the number of rows.
    pub k: u32,
    /// `1 / 2^k`.
    pub n_inv: Fr,
    /// The domain's generator `w`.
    pub omega: Fr,
    /// `w^-1`, for the negative rotations and rows (the verifier checks `w * w^-1 = 1`).
    pub omega_inv: Fr,
    /// First scalar of the transcript (a digest of the verifying key).
    pub transcript_initial_state: Fr,
    /// Public values of the single instance column.
    pub num_instance: usize,
    /// Per phase: witness commitments to read, then challenges to squeeze.
    pub phases: Vec<(usize, usize)>,
    /// Quotient chunks to read.
    pub num_chunks: usize,
    /// Evaluations to read.
    pub num_evals: usize,
    /// Fixed and permutation commitments.
    pub preprocessed: Vec<G1Affine>,
    /// The quotient numerator as a stack program; the verifier computes `w^i` for each row `i`
    /// of its [`Program::lagranges`].
    pub program: Program,
    /// Every distinct opening rotation `r`, ascending (the verifier computes `w^r`).
    pub rotations: Vec<i32>,
    /// SHPLONK query sets, in snark-verifier's order.
    pub sets: Vec<QuerySet>,
    /// Where an aggregation circuit's KZG accumulator starts among the public values: its
    /// `4 * ACCUMULATOR_LIMBS` limbs, which the verifier folds into the final pairing.
    pub accumulator: Option<usize>,
}

impl VkData {
    /// Describes a circuit with one instance column of `num_instance` values and no
    /// accumulator. Never use it for an aggregation circuit: a key that does not know about the
    /// accumulator would accept proofs whose accumulator fails the pairing
    /// ([`VkData::aggregation`] is the one for those).
    pub fn new(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>, num_instance: usize) -> Result<Self> {
        let protocol = compile(params, vk, Config::kzg().with_num_instance(vec![num_instance]));
        Self::from_protocol(&protocol, params.get_g()[0])
    }

    /// Describes an aggregation circuit: `num_instance` values of which the first
    /// `4 * ACCUMULATOR_LIMBS` are the KZG accumulator of the proofs it verified (the layout of
    /// snark-verifier's aggregation circuit and zkinfer-aggregate's proofs).
    pub fn aggregation(
        params: &ParamsKZG<Bn256>,
        vk: &VerifyingKey<G1Affine>,
        num_instance: usize,
    ) -> Result<Self> {
        let limbs = (0..4 * ACCUMULATOR_LIMBS).map(|row| (0, row)).collect();
        let config =
            Config::kzg().with_num_instance(vec![num_instance]).with_accumulator_indices(Some(limbs));
        Self::from_protocol(&compile(params, vk, config), params.get_g()[0])
    }

    /// From snark-verifier's protocol and the SRS's first `G1` point; refuses shapes the
    /// universal verifier does not cover. That point must be the generator (as in every
    /// powers-of-tau SRS): the verifier commits constant terms on the generator, not on a point
    /// the key names.
    pub fn from_protocol(protocol: &PlonkProtocol<G1Affine>, g1: G1Affine) -> Result<Self> {
        let unsupported = |what: &str| Error::Unsupported(what.to_owned());
        if g1 != G1Affine::generator() {
            return Err(unsupported("an SRS whose first G1 point is not the generator"));
        }
        if protocol.num_instance.len() != 1 {
            return Err(unsupported("exactly one instance column"));
        }
        let accumulator = accumulator_offset(protocol)?;
        if protocol.instance_committing_key.is_some() || protocol.linearization.is_some() {
            return Err(unsupported("committed instances or linearization"));
        }
        if protocol.quotient.chunk_degree != 1 {
            return Err(unsupported("quotient chunk degree other than 1"));
        }
        let transcript_initial_state = protocol
            .transcript_initial_state
            .ok_or_else(|| unsupported("a transcript without initial state"))?;
        let num_pre = protocol.preprocessed.len();
        let instance_poly = num_pre;
        let num_witness: usize = protocol.num_witness.iter().sum();
        let quotient_poly = num_pre + 1 + num_witness;
        let num_evals = protocol.evaluations.len();

        // Evaluation slot of each query the numerator or the openings may reference.
        let mut slots = BTreeMap::new();
        for (i, q) in protocol.evaluations.iter().enumerate() {
            slots.insert((q.poly, q.rotation.0), 1 + i);
        }
        slots.insert((quotient_poly, 0), 1 + num_evals);
        let slot_of = |poly: usize, rotation: i32| -> Result<usize> {
            if poly == instance_poly {
                return if rotation == 0 {
                    Ok(0)
                } else {
                    Err(Error::Unsupported(format!("instance queried at rotation {rotation}")))
                };
            }
            slots.get(&(poly, rotation)).copied().ok_or_else(|| {
                Error::Unsupported(format!("query of poly {poly} at {rotation} without evaluation"))
            })
        };

        let num_challenges = protocol.num_challenge.iter().sum();
        let program = compile_expression(protocol, &slot_of, num_evals + 2, num_challenges)?;

        let domain = &protocol.domain;
        let rotate = |r: i32| domain.rotate_scalar(Fr::ONE, Rotation(r));
        let distinct: Vec<i32> = {
            let mut r: Vec<i32> = protocol.queries.iter().map(|q| q.rotation.0).collect();
            r.sort_unstable();
            r.dedup();
            r
        };
        let rot_index = |r: i32| distinct.iter().position(|&d| d == r).unwrap_or_default();

        // snark-verifier's grouping (bdfg21::query_sets): polynomials in order of first query,
        // their rotations in order of appearance; a set per distinct rotation set, in order.
        let mut poly_shifts: Vec<(usize, Vec<i32>)> = Vec::new();
        for q in &protocol.queries {
            match poly_shifts.iter_mut().find(|(p, _)| *p == q.poly) {
                Some((_, shifts)) => {
                    if !shifts.contains(&q.rotation.0) {
                        shifts.push(q.rotation.0)
                    }
                }
                None => poly_shifts.push((q.poly, vec![q.rotation.0])),
            }
        }
        let mut groups: Vec<(Vec<i32>, Vec<usize>)> = Vec::new();
        for (poly, shifts) in poly_shifts {
            let same = |s: &Vec<i32>| {
                let (mut a, mut b) = (s.clone(), shifts.clone());
                a.sort_unstable();
                b.sort_unstable();
                a == b
            };
            match groups.iter_mut().find(|(s, _)| same(s)) {
                Some((_, polys)) => {
                    if !polys.contains(&poly) {
                        polys.push(poly)
                    }
                }
                None => groups.push((shifts, vec![poly])),
            }
        }
        let mut sets = Vec::with_capacity(groups.len());
        for (shifts, polys) in groups {
            let ell = shifts
                .iter()
                .map(|&rj| {
                    shifts
                        .iter()
                        .filter(|&&ri| ri != rj)
                        .fold(Fr::ONE, |acc, &ri| acc * (rotate(rj) - rotate(ri)))
                })
                .collect();
            let polys = polys
                .into_iter()
                .map(|p| Ok((p, shifts.iter().map(|&r| slot_of(p, r)).collect::<Result<Vec<_>>>()?)))
                .collect::<Result<Vec<_>>>()?;
            sets.push(QuerySet { shifts: shifts.iter().map(|&r| rot_index(r)).collect(), ell, polys });
        }

        let data = Self {
            k: domain.k as u32,
            n_inv: domain.n_inv,
            omega: domain.gen,
            omega_inv: domain.gen_inv,
            transcript_initial_state,
            num_instance: protocol.num_instance[0],
            phases: protocol
                .num_witness
                .iter()
                .copied()
                .zip(protocol.num_challenge.iter().copied())
                .collect(),
            num_chunks: protocol.quotient.num_chunk(),
            num_evals,
            preprocessed: protocol.preprocessed.clone(),
            program,
            rotations: distinct,
            sets,
            accumulator,
        };
        // The key contract's code is `0x00 || key`: it must fit EIP-170.
        let bytes = data.try_to_bytes()?.len();
        if bytes + 1 > EIP170_LIMIT {
            return Err(Error::Unsupported(format!(
                "a verifying key of {bytes} bytes (its contract would exceed EIP-170's {EIP170_LIMIT} bytes)"
            )));
        }
        Ok(data)
    }

    /// `w^e`, as the verifier computes it for rotations and Lagrange rows.
    pub fn omega_pow(&self, e: i32) -> Fr {
        let base = if e < 0 { self.omega_inv } else { self.omega };
        base.pow_vartime([u64::from(e.unsigned_abs())])
    }

    /// Number of commitments in the index space (preprocessed, instance, witnesses, quotient).
    pub fn num_commitments(&self) -> usize {
        self.preprocessed.len() + 1 + self.phases.iter().map(|p| p.0).sum::<usize>() + 1
    }

    /// Bytes of the proof this key's proofs have, exactly.
    pub fn proof_len(&self) -> usize {
        let points = self.phases.iter().map(|p| p.0).sum::<usize>() + self.num_chunks + 2;
        points * 64 + self.num_evals * 32
    }
}

/// The first public value index of the one accumulator a protocol may carry: its limbs must be
/// consecutive values of the instance column, all within it.
fn accumulator_offset(protocol: &PlonkProtocol<G1Affine>) -> Result<Option<usize>> {
    let limbs = match protocol.accumulator_indices.as_slice() {
        [] => return Ok(None),
        [limbs] => limbs,
        more => return Err(Error::Unsupported(format!("{} accumulators (one at most)", more.len()))),
    };
    let first = limbs.first().map_or(0, |&(_, row)| row);
    let consecutive = limbs.iter().enumerate().all(|(i, &(column, row))| column == 0 && row == first + i);
    if limbs.len() != 4 * ACCUMULATOR_LIMBS || !consecutive || first + limbs.len() > protocol.num_instance[0]
    {
        return Err(Error::Unsupported(format!(
            "an accumulator other than {} consecutive public values ({limbs:?})",
            4 * ACCUMULATOR_LIMBS
        )));
    }
    Ok(Some(first))
}

/// `x` as a 32-byte big-endian word.
pub(crate) fn fr_word(x: &Fr) -> [u8; 32] {
    let mut w = x.to_repr();
    w.reverse();
    w
}
