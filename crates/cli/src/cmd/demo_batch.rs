//! `demo --aggregate N`: N inferences of the demo's model aggregated into one proof, which
//! the registry's `verifyInferenceBatch` checks on the demo's chain.

use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use zkinfer_aggregate::{Aggregated, AggregationProof, Member, Transcript, ACCUMULATOR_WORDS, MAX_MEMBERS};
use zkinfer_chain::{Address, BatchMember, Chain, ModelEntry, ModelVerifier, B256, U256};
use zkinfer_evm::{Solc, UniversalKeyArtifact, VerifierArtifact};
use zkinfer_model::{CompiledModel, InputData};
use zkinfer_prover::{prove_snark, Keys, MemoryBudget, Srs};

use super::aggregate::aggregate_into;
use super::deploy::{timed, universal_version};
use super::setup::srs_for;
use super::verify_onchain::nudge;
use crate::opts::SrsSelect;
use crate::output::Reporter;

/// Subfolder of the demo's directory holding the aggregation artifacts.
const BATCH_DIR: &str = "aggregation";
/// Subfolder of [`BATCH_DIR`] holding the leaf level of a two-level batch.
const LEAF_DIR: &str = "leaf";
/// Member `i` proves the sample input with its first value shifted by `i` times this, so that
/// the members differ.
const MEMBER_SHIFT: f32 = 0.05;

/// An aggregated batch of the demo's model and its verifier.
pub(crate) struct Batch {
    pub(crate) proof: AggregationProof,
    pub(crate) verifier: VerifierArtifact,
    /// Gas of the verifier alone in revm; `None` when it is too large to deploy (EIP-170).
    pub(crate) revm_gas: Option<u64>,
    /// The root's key for the universal verifier (its accumulator position recorded).
    pub(crate) universal_key: UniversalKeyArtifact,
    /// The level verified on-chain (the only one of a flat batch).
    pub(crate) root: Level,
    /// The leaf level, when the batch is a two-level tree (`--aggregate-root-k`).
    pub(crate) leaf: Option<Level>,
}

/// One aggregation level of a batch: its circuit size and times (`aggregationLeaf` in `--json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Level {
    pub(crate) k: u32,
    pub(crate) num_advice: usize,
    pub(crate) num_lookup_advice: usize,
    pub(crate) keygen_seconds: f64,
    pub(crate) prove_seconds: f64,
    pub(crate) proof_bytes: usize,
}

impl Level {
    fn of(aggregated: &Aggregated) -> anyhow::Result<Self> {
        let config = aggregated.keys.settings.config;
        Ok(Self {
            k: config.degree,
            num_advice: config.num_advice,
            num_lookup_advice: config.num_lookup_advice,
            keygen_seconds: aggregated.keygen_seconds,
            prove_seconds: aggregated.prove_seconds,
            proof_bytes: aggregated.proof.proof_bytes()?.len(),
        })
    }
}

/// Checks the batch size before anything is proven.
pub(crate) fn check_batch_size(n: usize) -> anyhow::Result<()> {
    if n == 0 || n > MAX_MEMBERS {
        anyhow::bail!("--aggregate {n}: a batch has 1 to {MAX_MEMBERS} inferences");
    }
    Ok(())
}

/// Proves `n` inferences of `compiled` for aggregation (member `i`: the sample input with its
/// first value + `0.05 i`) and aggregates them at `2^k` rows with the EVM transcript. With
/// `root_k`, a two-level tree instead: the `n` proofs are aggregated at `2^k` rows with the
/// Poseidon transcript (the leaf), and that proof alone again at `2^root_k` rows with the EVM
/// transcript (the root): the root verifies one proof of the leaf's fixed shape, so its circuit,
/// and with it the on-chain verifier's columns, stays small however many inferences the leaf
/// holds. `n` has passed [`check_batch_size`] (the demo checks it before any work).
#[allow(clippy::too_many_arguments)] // the demo's pipeline state, passed on unchanged
pub(crate) fn prove_batch(
    compiled: &CompiledModel,
    srs: &Srs,
    keys: &Keys,
    input: &Path,
    n: usize,
    k: u32,
    root_k: Option<u32>,
    select: &SrsSelect,
    budget: Option<&MemoryBudget>,
    dir: &Path,
    rep: &mut Reporter,
) -> anyhow::Result<Batch> {
    let data = InputData::read(input)?;
    let snarks = rep.step(&format!("prove {n} inferences for aggregation (Poseidon transcript)"), || {
        (0..n)
            .map(|i| {
                let mut member = data.clone();
                if let Some(first) = member.values.first_mut().and_then(|v| v.first_mut()) {
                    *first += MEMBER_SHIFT * i as f32;
                }
                let trace = compiled.trace(&member).with_context(|| {
                    format!("member {i} (first input value + {})", MEMBER_SHIFT * i as f32)
                })?;
                Ok(prove_snark(srs, keys, &compiled.model, compiled.id(), &trace)?)
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    let mut members: Vec<Member> = snarks.iter().map(Member::inference).collect();
    let batch_dir = dir.join(BATCH_DIR);
    let mut leaf = None;
    let root_k = match root_k {
        Some(root_k) => {
            let leaf_srs = srs_for(k, select, rep)?;
            let (aggregated, _) = aggregate_into(
                &leaf_srs,
                &members,
                Transcript::Poseidon,
                &batch_dir.join(LEAF_DIR),
                budget,
                rep,
            )?;
            leaf = Some(Level::of(&aggregated)?);
            members = vec![Member::aggregation(&aggregated.proof)?];
            // The leaf's proving key is dropped here, before the root's is built.
            root_k
        }
        None => k,
    };
    let agg_srs = srs_for(root_k, select, rep)?;
    let (aggregated, evm) = aggregate_into(&agg_srs, &members, Transcript::Evm, &batch_dir, budget, rep)?;
    let evm = evm.context("the EVM transcript always yields a verifier")?;
    let (verifier, revm_gas, universal_key) = (evm.artifact, evm.revm_gas, evm.universal_key);
    rep.set("aggregationUniversalKeyBytes", universal_key.key_bytes);
    rep.set("aggregationUniversalRevmGas", evm.universal.verify_gas);
    // Under their own keys: the single proof's figures share the summary.
    rep.set("aggregationProofBytes", aggregated.proof.proof_bytes()?.len());
    rep.set("aggregationVerifierRuntimeBytes", verifier.runtime_size);
    rep.set("aggregationVerifierDeployBytes", verifier.deploy_size);
    rep.set("aggregationRevmGas", revm_gas);
    rep.set("aggregationVerifierDeployable", revm_gas.is_some());
    if let Some(l) = &leaf {
        rep.set("aggregationLeaf", l);
    }
    Ok(Batch {
        root: Level::of(&aggregated)?,
        leaf,
        proof: aggregated.proof,
        verifier,
        revm_gas,
        universal_key,
    })
}

/// How `verify_batch_onchain` checks the root.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RootVerifier {
    /// snark-verifier's generated contract.
    Generated,
    /// The universal verifier reading the root's key.
    Universal,
}

impl RootVerifier {
    /// The universal verifier when asked for, or when the generated one does not fit EIP-170.
    pub(crate) fn choose(universal_asked: bool, batch: &Batch) -> Self {
        if universal_asked || batch.revm_gas.is_none() {
            Self::Universal
        } else {
            Self::Generated
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Generated => "snark-verifier",
            Self::Universal => "universal",
        }
    }
}

/// Registers the model again with its circuit digest (`entry` with the digest: another model
/// id, same single-proof verifier), deploys the root's verifier (snark-verifier's contract, or
/// the root's key for the universal verifier) and registers it (as the registry's owner) for
/// the members' digests, verifies the batch in one `verifyInferenceBatch` transaction and
/// checks that tampered submissions are rejected. Returns the gas used.
#[allow(clippy::too_many_arguments)] // the demo's chain context, passed through
pub(crate) async fn verify_batch_onchain(
    chain: &Chain,
    registry: Address,
    single_verifier: ModelVerifier,
    entry: &ModelEntry,
    batch: &Batch,
    root: RootVerifier,
    solc: &Solc,
    rep: &mut Reporter,
) -> anyhow::Result<u64> {
    let members = &batch.proof.members;
    let first = members.first().context("an aggregation proof carries at least one inference")?;
    let digest: U256 = first.circuit_digest.parse()?;
    let with_digest = entry.with_circuit_digest(digest);
    let registered = timed(
        rep,
        "register model with circuit digest",
        chain.register_model(registry, single_verifier, &with_digest),
    )
    .await?;
    let model_id = registered.model_id;
    rep.note(format!("model id {model_id} for batches (with circuit digest)"));
    let batch_members = members
        .iter()
        .map(|m| {
            let commitment: B256 = m.model_id.parse()?;
            if commitment != entry.commitment || m.circuit_digest.parse::<U256>()? != digest {
                anyhow::bail!("batch member {} is not the demo's model", m.model_id);
            }
            Ok(BatchMember { model_id, inputs: m.inputs.clone(), outputs: m.outputs.clone() })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let proof = batch.proof.batch_proof_bytes()?;
    let digests = vec![digest; members.len()];
    let verifier = match root {
        RootVerifier::Generated => {
            let code = batch.verifier.creation_code();
            let verifier =
                timed(rep, "deploy AggregationVerifier", chain.deploy("AggregationVerifier", code)).await?;
            let register =
                chain.register_aggregation_verifier(registry, verifier.address, &digests, proof.len());
            timed(rep, "registerAggregationVerifier", register).await?;
            verifier
        }
        RootVerifier::Universal => {
            let key = &batch.universal_key;
            let code = || Ok(key.verifier_creation_code(solc)?);
            let version = universal_version(chain, registry, key, code, rep).await?;
            let deploy = chain.deploy("aggregation key", key.key_creation()?);
            let k = timed(rep, "deploy the root's verifying key", deploy).await?;
            rep.note(format!("root key at {} ({} bytes, {} gas)", k.address, k.code_size, k.tx.gas_used));
            let register =
                chain.register_aggregation_key(registry, k.address, version, &digests, proof.len());
            timed(rep, "registerAggregationKey", register).await?;
            k
        }
    };
    rep.set("aggregationRootVerifier", root.name());
    let tx = timed(
        rep,
        "verifyInferenceBatch (transaction)",
        chain.verify_inference_batch_tx(registry, &batch_members, &proof),
    )
    .await?;
    rep.note(format!("verifyInferenceBatch accepted {} inferences; {} gas", members.len(), tx.gas_used));

    // The accumulator words come first, then the proof bytes: flip one in the middle of each.
    let accumulator_bytes = ACCUMULATOR_WORDS * 32;
    let mut flipped_proof = proof.clone();
    flipped_proof[accumulator_bytes + (proof.len() - accumulator_bytes) / 2] ^= 1;
    let mut flipped_accumulator = proof.clone();
    flipped_accumulator[31] ^= 1;
    let last = batch_members.len() - 1;
    let mut changed_input = batch_members.clone();
    changed_input[last].inputs = nudge(&changed_input[last].inputs);
    let mut changed_output = batch_members.clone();
    changed_output[0].outputs = nudge(&changed_output[0].outputs);
    let mut cases = vec![
        ("flipped proof byte", &batch_members, &flipped_proof),
        ("flipped accumulator byte", &batch_members, &flipped_accumulator),
    ];
    // A model without inputs (or outputs) has nothing there to change.
    if changed_input != batch_members {
        cases.push(("changed member input", &changed_input, &proof));
    }
    if changed_output != batch_members {
        cases.push(("changed member output", &changed_output, &proof));
    }
    for (what, m, p) in cases {
        if chain.verify_inference_batch(registry, m, p).await? {
            anyhow::bail!("verifyInferenceBatch accepted a {what}");
        }
        rep.note(format!("rejected on-chain (batch): {what}"));
    }
    rep.set("aggregationVerifier", verifier.address.to_string());
    rep.set("verifyInferenceBatchGas", tx.gas_used);
    Ok(tx.gas_used)
}
