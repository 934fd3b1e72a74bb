use std::path::Path;
use std::time::Instant;

use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_base::halo2_proofs::plonk::{create_proof, VerifyingKey};
use halo2_base::halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_base::halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_base::halo2_proofs::poly::kzg::multiopen::ProverSHPLONK;
use halo2_base::halo2_proofs::transcript::TranscriptWriterBuffer;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use snark_verifier_sdk::halo2::{PoseidonTranscript, POSEIDON_SPEC};
use snark_verifier_sdk::snark_verifier::pcs::kzg::KzgDecidingKey;
use snark_verifier_sdk::snark_verifier::system::halo2::transcript::evm::EvmTranscript;
use snark_verifier_sdk::snark_verifier::verifier::SnarkVerifier;
use snark_verifier_sdk::{CircuitExt, NativeLoader, PlonkVerifier, Snark, SHPLONK};
use zkinfer_circuit::{Exposed, PublicValues};
use zkinfer_model::Visibility;
use zkinfer_prover::{fr_from_hex, fr_to_hex, protocol, verify_snark, MemoryBudget, SnarkFile, Srs};

use crate::circuit::{build, circuit_digest, Level, Link, ACCUMULATOR_WORDS, MODEL_ID_WORDS};
use crate::keys::{load_or_keygen, AggregationKeys};
use crate::{Error, Result};

/// Format tag of [`AggregationProof`].
pub const AGGREGATION_FORMAT: &str = "zkinfer.aggregation.v1";
/// Most inference proofs one aggregation proof may carry (over all tree levels).
pub const MAX_MEMBERS: usize = 16;

/// The transcript of an aggregation proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Transcript {
    /// Keccak: for the Solidity verifier (the root of a tree).
    Evm,
    /// Poseidon: cheap to verify in another aggregation circuit (an inner tree node).
    Poseidon,
}

/// One inference carried by an aggregation proof: what the contract sees for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberInfo {
    /// The model commitment, `0x` + 64 hex digits.
    pub model_id: String,
    /// Flattened inputs at `input_scale`.
    pub inputs: Vec<i64>,
    /// Flattened outputs at `output_scale`.
    pub outputs: Vec<i64>,
    /// Fixed-point scale of the inputs, in bits.
    pub input_scale: u32,
    /// Fixed-point scale of the outputs, in bits.
    pub output_scale: u32,
    /// The member circuit's digest (Poseidon hash of its verifying key), `0x`-hex.
    pub circuit_digest: String,
    /// How the member's public values show its inputs (packed words unless a split model's
    /// segment: its hash).
    #[serde(default, skip_serializing_if = "is_public")]
    pub input_visibility: Visibility,
    /// How the member's public values show its outputs.
    #[serde(default, skip_serializing_if = "is_public")]
    pub output_visibility: Visibility,
}

fn is_public(v: &Visibility) -> bool {
    *v == Visibility::Public
}

impl MemberInfo {
    /// This member's public values in an aggregation proof: its circuit digest, then its
    /// proof's own public values without the model id (`[packed inputs, packed outputs]`, or
    /// a side's hash): the model id is a constant of the member circuit, which the digest
    /// commits to.
    pub fn public_values(&self) -> Result<Vec<Fr>> {
        let (digest, own) = self.digest_and_proof_values()?;
        let mut values = vec![digest];
        values.extend_from_slice(&own[MODEL_ID_WORDS..]);
        Ok(values)
    }

    /// The public values the member's own proof carries: `[idHi, idLo, packed inputs, packed
    /// outputs]`.
    fn proof_values(&self) -> Result<Vec<Fr>> {
        Ok(self.digest_and_proof_values()?.1)
    }

    fn digest_and_proof_values(&self) -> Result<(Fr, Vec<Fr>)> {
        let bad = |reason: String| Error::Batch(format!("member {}: {reason}", self.model_id));
        let digest = fr_from_hex(&self.circuit_digest)
            .ok_or_else(|| bad("circuit digest is not a field element".into()))?;
        let id: [u8; 32] = hex::decode(self.model_id.trim_start_matches("0x"))
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("model id is not 32 bytes of hex".into()))?;
        let shown = PublicValues {
            inputs: Exposed::of(self.input_visibility, &self.inputs),
            outputs: Exposed::of(self.output_visibility, &self.outputs),
            weights_hash: None,
        };
        Ok((digest, shown.instances(&id)))
    }
}

/// Something to aggregate: a proof (Poseidon transcript) and the inferences it carries.
#[derive(Clone, Debug)]
pub struct Member {
    /// The proof with its protocol and public values.
    pub snark: Snark,
    /// The inferences: one for an inference proof, all of its members for an aggregation proof.
    pub inferences: Vec<MemberInfo>,
    /// Whether the proof is itself an aggregation proof.
    pub is_aggregation: bool,
}

impl Member {
    /// An inference proof made with `zkinfer_prover::prove_snark`.
    pub fn inference(file: &SnarkFile) -> Self {
        let info = MemberInfo {
            model_id: file.model_id.clone(),
            inputs: file.inputs.clone(),
            outputs: file.outputs.clone(),
            input_scale: file.input_scale,
            output_scale: file.output_scale,
            circuit_digest: fr_to_hex(&circuit_digest(&file.snark.protocol)),
            input_visibility: file.input_visibility,
            output_visibility: file.output_visibility,
        };
        Self { snark: file.snark.clone(), inferences: vec![info], is_aggregation: false }
    }

    /// An aggregation proof made with the Poseidon transcript (an inner tree node).
    pub fn aggregation(proof: &AggregationProof) -> Result<Self> {
        let snark = proof.snark.clone().ok_or_else(|| {
            Error::Batch("an aggregation proof with the EVM transcript cannot be aggregated again; make inner levels with the Poseidon transcript".into())
        })?;
        Ok(Self { snark, inferences: proof.members.clone(), is_aggregation: true })
    }

    fn what(&self) -> String {
        match (self.is_aggregation, self.inferences.first()) {
            (false, Some(m)) => format!("model {}", m.model_id),
            _ => format!("aggregation proof of {} inferences", self.inferences.len()),
        }
    }

    /// The public values this member's proof must carry (an aggregation proof's without its
    /// accumulator).
    fn expected_instances(&self) -> Result<Vec<Fr>> {
        let mut values = Vec::new();
        for info in &self.inferences {
            values.extend(if self.is_aggregation { info.public_values()? } else { info.proof_values()? });
        }
        Ok(values)
    }
}

/// Where a segment's input hash sits among its proof's public values (after `idHi, idLo`).
const INPUT_HASH_AT: usize = 2;

/// An aggregation proof (`aggregation.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregationProof {
    /// Always [`AGGREGATION_FORMAT`].
    pub format: String,
    /// Tree height: 1 for an aggregation of inference proofs, 2 above that, ...
    pub depth: u32,
    /// The transcript the proof was made with.
    pub transcript: Transcript,
    /// The inferences carried, in the order of the public values.
    pub members: Vec<MemberInfo>,
    /// Public values, `0x`-hex 32-byte big-endian: 12 accumulator limbs, then per member its
    /// circuit digest, packed inputs, packed outputs ([`MemberInfo::public_values`]).
    pub instances: Vec<String>,
    /// The proof bytes, `0x`-hex.
    pub proof: String,
    /// Public values of different members that the circuit constrains equal (the links
    /// between the segments of a split model); empty for a batch of independent inferences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// With the Poseidon transcript: the proof as a snark for the next tree level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snark: Option<Snark>,
}

impl AggregationProof {
    /// The public values as field elements.
    pub fn instance_values(&self) -> Result<Vec<Fr>> {
        self.instances
            .iter()
            .map(|h| {
                fr_from_hex(h).ok_or_else(|| Error::Rejected(format!("instance {h} is not a field element")))
            })
            .collect()
    }

    /// The proof bytes.
    pub fn proof_bytes(&self) -> Result<Vec<u8>> {
        hex::decode(self.proof.trim_start_matches("0x"))
            .map_err(|e| Error::Rejected(format!("proof hex: {e}")))
    }

    /// The 12 accumulator limbs then the proof: the `proof` argument of the registry's
    /// `verifyInferenceBatch`.
    pub fn batch_proof_bytes(&self) -> Result<Vec<u8>> {
        let instances = self.instance_values()?;
        let mut out = Vec::new();
        for x in instances.iter().take(ACCUMULATOR_WORDS) {
            let mut word = halo2_base::halo2_proofs::halo2curves::ff::PrimeField::to_repr(x);
            word.reverse();
            out.extend_from_slice(&word);
        }
        out.extend(self.proof_bytes()?);
        Ok(out)
    }
}

/// The result of [`aggregate`].
#[derive(Debug)]
pub struct Aggregated {
    /// The proof.
    pub proof: AggregationProof,
    /// The keys it was made with.
    pub keys: AggregationKeys,
    /// Whether the keys came from the key directory.
    pub keys_cached: bool,
    /// Wall time of loading or generating the keys, in seconds.
    pub keygen_seconds: f64,
    /// Wall time of building the witness, proving and verifying the proof natively, in seconds.
    pub prove_seconds: f64,
}

/// Aggregates `members` into one proof at circuit size `2^k` (`srs` must have exactly that
/// size), with keys from `keys_dir` (generated and saved there when missing or made for
/// another batch shape).
///
/// Every member is verified natively first and its public values are checked against the
/// inferences it claims: a bad member is an error naming it, and nothing is proven.
pub fn aggregate(
    srs: &Srs,
    keys_dir: &Path,
    members: &[Member],
    transcript: Transcript,
) -> Result<Aggregated> {
    aggregate_linked(srs, keys_dir, members, transcript, Vec::new(), None, Checks::All)
}

/// [`aggregate`] without any of its checks: no member is verified, their public values are not
/// compared with what they claim, and the proof is not verified after proving. For tests of
/// verifiers only: a bad member still gives a satisfied aggregation circuit and a valid proof
/// of it, whose accumulator fails the pairing (what every verifier must catch).
#[cfg(feature = "test-utils")]
#[doc(hidden)]
pub fn aggregate_unchecked(
    srs: &Srs,
    keys_dir: &Path,
    members: &[Member],
    transcript: Transcript,
) -> Result<Aggregated> {
    aggregate_linked(srs, keys_dir, members, transcript, Vec::new(), None, Checks::None)
}

/// Whether [`aggregate_linked`] checks the members and the proof.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    All,
    #[cfg_attr(not(feature = "test-utils"), allow(dead_code))]
    None,
}

/// [`aggregate`] under a memory budget: once the aggregation circuit's columns are known, and
/// before its proving key is made or read, an estimated peak
/// ([`aggregation_peak_bytes`](crate::aggregation_peak_bytes)) over `budget` is refused with
/// the estimate, the budget and the ways out.
pub fn aggregate_within(
    srs: &Srs,
    keys_dir: &Path,
    members: &[Member],
    transcript: Transcript,
    budget: Option<&MemoryBudget>,
) -> Result<Aggregated> {
    aggregate_linked(srs, keys_dir, members, transcript, Vec::new(), budget, Checks::All)
}

/// Aggregates the segments of a split model ([`QuantizedModel::split`](zkinfer_model::QuantizedModel::split)),
/// in order, into one proof in which each segment's output hash is constrained equal to the
/// next segment's input hash: the proof shows the whole model's run from the first segment's
/// inputs to the last segment's outputs. Segments whose crossing values differ are an error
/// naming the cut, and nothing is proven.
pub fn aggregate_segments(
    srs: &Srs,
    keys_dir: &Path,
    segments: &[Member],
    transcript: Transcript,
) -> Result<Aggregated> {
    if segments.len() < 2 || segments.iter().any(|m| m.is_aggregation) {
        return Err(Error::Batch(
            "a split model aggregates two or more segment proofs (inference proofs)".into(),
        ));
    }
    let mut links = Vec::new();
    for (i, pair) in segments.windows(2).enumerate() {
        let (a, b) = (&pair[0].inferences[0], &pair[1].inferences[0]);
        if a.output_visibility != Visibility::Hashed || b.input_visibility != Visibility::Hashed {
            return Err(Error::Batch(format!(
                "cut {i}: segment {i} must have hashed outputs and segment {} hashed inputs (they have {} and {})",
                i + 1,
                a.output_visibility,
                b.input_visibility
            )));
        }
        if a.outputs != b.inputs {
            return Err(Error::Batch(format!(
                "cut {i}: segment {i}'s outputs are not segment {}'s inputs",
                i + 1
            )));
        }
        let output_hash_at = pair[0].snark.instances.iter().map(Vec::len).sum::<usize>() - 1;
        links.push(Link { from: [i, output_hash_at], to: [i + 1, INPUT_HASH_AT] });
    }
    aggregate_linked(srs, keys_dir, segments, transcript, links, None, Checks::All)
}

fn aggregate_linked(
    srs: &Srs,
    keys_dir: &Path,
    members: &[Member],
    transcript: Transcript,
    links: Vec<Link>,
    budget: Option<&MemoryBudget>,
    checks: Checks,
) -> Result<Aggregated> {
    let level = check_batch(members)?;
    let checked = checks == Checks::All;
    for (index, m) in members.iter().enumerate().filter(|_| checked) {
        let refuse = |reason: String| Error::Member { index, what: m.what(), reason };
        let expected = m.expected_instances()?;
        let carried: Vec<Fr> = m.snark.instances.iter().flatten().copied().collect();
        let skip = if m.is_aggregation { ACCUMULATOR_WORDS } else { 0 };
        if carried.len() != expected.len() + skip || carried[skip..] != expected[..] {
            return Err(refuse("its public values do not match the inferences it claims".into()));
        }
        verify_snark(&srs.params, &m.snark).map_err(|e| refuse(format!("does not verify: {e}")))?;
    }
    let snarks: Vec<Snark> = members.iter().map(|m| m.snark.clone()).collect();
    let k = srs.params.k();
    let started = Instant::now();
    let (keys, keys_cached) = load_or_keygen(keys_dir, srs, &snarks, level, &links, k, budget)?;
    let keygen_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();

    let circuit = build(
        CircuitBuilderStage::Prover,
        keys.settings.config,
        &srs.params,
        snarks,
        level,
        &links,
        Some(keys.settings.break_points.clone()),
    );
    let instances = circuit.instances().remove(0);
    let inferences: Vec<MemberInfo> = members.iter().flat_map(|m| m.inferences.clone()).collect();
    let mut expected = Vec::new();
    for info in &inferences {
        expected.extend(info.public_values()?);
    }
    if checked && instances[ACCUMULATOR_WORDS..] != expected[..] {
        return Err(Error::Rejected(
            "the circuit's public values differ from the members' (circuit digest mismatch)".into(),
        ));
    }
    let proof = prove(&srs.params, &keys, circuit, &instances, transcript)?;
    let protocol = protocol(&srs.params, keys.vk(), instances.len(), true);
    let snark = Snark::new(protocol, vec![instances.clone()], proof.clone());
    if checked {
        verify(&srs.params, &snark, transcript)?;
    }
    let prove_seconds = started.elapsed().as_secs_f64();
    let depth = 1 + members.iter().map(|m| u32::from(m.is_aggregation)).max().unwrap_or(0);
    let proof = AggregationProof {
        format: AGGREGATION_FORMAT.into(),
        depth,
        transcript,
        members: inferences,
        instances: instances.iter().map(fr_to_hex).collect(),
        proof: format!("0x{}", hex::encode(&proof)),
        links,
        snark: (transcript == Transcript::Poseidon).then_some(snark),
    };
    Ok(Aggregated { proof, keys, keys_cached, keygen_seconds, prove_seconds })
}

fn check_batch(members: &[Member]) -> Result<Level> {
    let first = members.first().ok_or_else(|| Error::Batch("no member proofs".into()))?;
    let total: usize = members.iter().map(|m| m.inferences.len()).sum();
    if total > MAX_MEMBERS {
        return Err(Error::Batch(format!("{total} inferences; at most {MAX_MEMBERS} per aggregation proof")));
    }
    if members.iter().any(|m| m.is_aggregation != first.is_aggregation) {
        return Err(Error::Batch(
            "inference proofs and aggregation proofs cannot be mixed in one level".into(),
        ));
    }
    Ok(if first.is_aggregation { Level::Node } else { Level::Leaf })
}

fn prove(
    params: &ParamsKZG<Bn256>,
    keys: &AggregationKeys,
    circuit: snark_verifier_sdk::halo2::aggregation::AggregationCircuit,
    instances: &[Fr],
    transcript: Transcript,
) -> Result<Vec<u8>> {
    let err = |e: halo2_base::halo2_proofs::plonk::Error| Error::Halo2 {
        step: "create_proof",
        reason: format!("{e:?}"),
    };
    let circuits = [circuit.builder];
    match transcript {
        Transcript::Evm => {
            let mut t = TranscriptWriterBuffer::<_, G1Affine, _>::init(Vec::new());
            create_proof::<
                KZGCommitmentScheme<Bn256>,
                ProverSHPLONK<'_, Bn256>,
                _,
                _,
                EvmTranscript<_, _, _, _>,
                _,
            >(params, &keys.pk, &circuits, &[&[instances]], OsRng, &mut t)
            .map_err(err)?;
            Ok(t.finalize())
        }
        Transcript::Poseidon => {
            let mut t = PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(vec![], POSEIDON_SPEC.clone());
            create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
                params,
                &keys.pk,
                &circuits,
                &[&[instances]],
                OsRng,
                &mut t,
            )
            .map_err(err)?;
            Ok(t.finalize())
        }
    }
}

/// Verifies an aggregation proof natively: the proof itself and the pairing check of the
/// accumulator in its public values.
pub fn verify(params: &ParamsKZG<Bn256>, snark: &Snark, transcript: Transcript) -> Result<()> {
    match transcript {
        Transcript::Poseidon => Ok(verify_snark(params, snark)?),
        Transcript::Evm => {
            let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
            let mut t = EvmTranscript::<G1Affine, NativeLoader, &[u8], Vec<u8>>::new(snark.proof());
            let proof = PlonkVerifier::<SHPLONK>::read_proof(&dk, &snark.protocol, &snark.instances, &mut t)
                .map_err(|e| Error::Rejected(format!("unreadable proof: {e:?}")))?;
            PlonkVerifier::<SHPLONK>::verify(&dk, &snark.protocol, &snark.instances, &proof)
                .map_err(|e| Error::Rejected(format!("{e:?}")))
        }
    }
}

/// Verifies a saved aggregation proof with the verifying key of its key directory.
pub fn verify_file(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: &AggregationProof,
) -> Result<()> {
    let instances = proof.instance_values()?;
    let snark =
        Snark::new(protocol(params, vk, instances.len(), true), vec![instances], proof.proof_bytes()?);
    verify(params, &snark, proof.transcript)
}
