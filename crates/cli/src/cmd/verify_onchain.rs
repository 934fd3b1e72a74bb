use anyhow::Context;
use zkinfer_chain::{proof_side_args, side_args, Address, Chain, Deployments, TxInfo, B256, I256, U256};
use zkinfer_model::CompiledModel;
use zkinfer_prover::{read_json, ProofFile};

use super::deploy::timed;
use super::runtime;
use crate::opts::VerifyOnchainArgs;
use crate::output::Reporter;
use crate::paths;

/// What the on-chain check measured.
#[derive(Debug)]
pub(crate) struct OnchainReport {
    pub(crate) verify_gas: u64,
    pub(crate) consumer_tx: TxInfo,
    pub(crate) class_after: u8,
    pub(crate) ltv_before: u16,
    pub(crate) ltv_after: u16,
}

impl VerifyOnchainArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir.dir;
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED))?;
        let proof: ProofFile = read_json(&self.proof.unwrap_or_else(|| dir.join(paths::PROOF)))?;
        let rt = runtime()?;
        let chain = rt.block_on(Chain::connect(&self.chain.rpc_url, &self.chain.private_key))?;
        let book = Deployments::read(&self.chain.deployments, chain.chain_id)?.with_context(|| {
            format!("no deployments for chain {}: run `zkinfer deploy` first", chain.chain_id)
        })?;
        let (id, entry) = book.find_commitment(&compiled.model_id).with_context(|| {
            format!("model {} is not in the deployments of chain {}", compiled.model_id, chain.chain_id)
        })?;
        let id: B256 = id.parse().with_context(|| format!("model id `{id}` in the deployments"))?;
        let registry: Address = book.model_registry.parse()?;
        // Without a consumer (what `zkinfer deploy` records) only the registry applies; a
        // RiskOracle (what the demo deploys) reads public inputs and outputs.
        let consumer = match entry.consumer.as_deref() {
            Some(c) if compiled.model.visibility.is_default() => {
                Some(c.parse::<Address>().with_context(|| format!("consumer `{c}` in the deployments"))?)
            }
            _ => None,
        };
        let Some(consumer) = consumer else {
            let gas = rt.block_on(async {
                let gas = verify_through_registry(&chain, registry, id, &proof, rep).await?;
                check_rejections(&chain, registry, id, None, &proof, rep).await?;
                anyhow::Ok(gas)
            })?;
            rep.line(format!("verifyInference  {gas} gas (transaction; {})", compiled.model.visibility));
            return Ok(());
        };
        let report = rt.block_on(verify_onchain(&chain, registry, id, consumer, &proof, rep))?;
        rep.line(format!("verifyInference  {} gas (transaction)", report.verify_gas));
        rep.line(format!(
            "postAssessment   {} gas, tx {}",
            report.consumer_tx.gas_used, report.consumer_tx.hash
        ));
        Ok(())
    }
}

/// Checks the registry's encoding against the proof's and verifies through the registry (a
/// call, then a transaction) under the registry's model id `id`; returns the transaction's gas.
pub(crate) async fn verify_through_registry(
    chain: &Chain,
    registry: Address,
    id: B256,
    proof: &ProofFile,
    rep: &mut Reporter,
) -> anyhow::Result<u64> {
    let bytes = proof.proof_bytes()?;
    let (inputs, outputs) = proof_side_args(proof)?;
    let onchain = chain.public_inputs(registry, id, &inputs, &outputs).await?;
    let ours: Vec<U256> = proof.instances.iter().map(|h| h.parse()).collect::<Result<_, _>>()?;
    if onchain != ours {
        anyhow::bail!(
            "the registry encodes the public values differently from the prover: {onchain:?} vs {ours:?}"
        );
    }
    let ok = timed(
        rep,
        "verifyInference (registry, eth_call)",
        chain.verify_inference(registry, id, &inputs, &outputs, &bytes),
    )
    .await?;
    if !ok {
        anyhow::bail!("the deployed verifier rejected the proof");
    }
    let verify_tx = timed(
        rep,
        "verifyInference (transaction)",
        chain.verify_inference_tx(registry, id, &inputs, &outputs, &bytes),
    )
    .await?;
    let verify_gas = verify_tx.gas_used;
    rep.note(format!("verifyInference accepted the proof; as a transaction it used {verify_gas} gas"));
    rep.set("verifyInferenceGas", verify_gas);
    Ok(verify_gas)
}

/// Verifies through the registry ([`verify_through_registry`]) and lets the consumer act on
/// the verified output.
pub(crate) async fn verify_onchain(
    chain: &Chain,
    registry: Address,
    id: B256,
    consumer: Address,
    proof: &ProofFile,
    rep: &mut Reporter,
) -> anyhow::Result<OnchainReport> {
    let bytes = proof.proof_bytes()?;
    let verify_gas = verify_through_registry(chain, registry, id, proof, rep).await?;
    let (_, _, ltv_before) = chain.oracle_state(consumer).await?;
    let tx = timed(
        rep,
        "RiskOracle.postAssessment (transaction)",
        chain.post_assessment(consumer, &proof.inputs, &proof.outputs, &bytes),
    )
    .await?;
    let (class_after, count, ltv_after) = chain.oracle_state(consumer).await?;
    rep.note(format!(
        "RiskOracle acted: risk class {class_after}, max LTV {ltv_before} -> {ltv_after} bps, {count} assessment(s); {} gas",
        tx.gas_used
    ));
    rep.set("postAssessmentGas", tx.gas_used);
    Ok(OnchainReport { verify_gas, consumer_tx: tx, class_after, ltv_before, ltv_after })
}

/// `values` with its first element changed by one (down at the top of the value range, so
/// that it stays a value the registry accepts as such); empty stays empty.
pub(crate) fn nudge(values: &[i64]) -> Vec<i64> {
    let mut v = values.to_vec();
    if let Some(first) = v.first_mut() {
        *first = if *first == zkinfer_model::VALUE_MAX { *first - 1 } else { *first + 1 };
    }
    v
}

/// Tampered submissions that the chain must reject; any acceptance is an error. A hashed side
/// is tampered through its hash; the consumer (when given) must refuse a changed output.
/// Trailing and missing proof bytes must revert (`ProofLengthMismatch`).
pub(crate) async fn check_rejections(
    chain: &Chain,
    registry: Address,
    id: B256,
    consumer: Option<Address>,
    proof: &ProofFile,
    rep: &mut Reporter,
) -> anyhow::Result<()> {
    let bytes = proof.proof_bytes()?;
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x01;
    // A hashed side's hash + 1 (still below the field modulus for any real hash but r - 1).
    let nudge_side = |values: &[i64], hash: &Option<String>| -> anyhow::Result<Vec<I256>> {
        let mut v = side_args(&nudge(values), hash.as_deref())?;
        if hash.is_some() {
            v[0] += I256::ONE;
        }
        Ok(v)
    };
    let (inputs, outputs) = proof_side_args(proof)?;
    let (changed_inputs, changed_outputs) =
        (nudge_side(&proof.inputs, &proof.input_hash)?, nudge_side(&proof.outputs, &proof.output_hash)?);
    let mut cases = vec![("flipped proof byte", &inputs, &outputs, &flipped)];
    if !inputs.is_empty() {
        cases.push(("changed input", &changed_inputs, &outputs, &bytes));
    }
    if !outputs.is_empty() {
        cases.push(("changed output", &inputs, &changed_outputs, &bytes));
    }
    for (what, i, o, p) in cases {
        if chain.verify_inference(registry, id, i, o, p).await? {
            anyhow::bail!("the registry accepted a {what}");
        }
        rep.note(format!("rejected on-chain: {what}"));
    }
    let (inputs, outputs) = proof_side_args(proof)?;
    let longer = [bytes.as_slice(), &[0]].concat();
    for (what, p) in [("trailing proof byte", &longer[..]), ("truncated proof", &bytes[..bytes.len() - 1])] {
        match chain.verify_inference(registry, id, &inputs, &outputs, p).await {
            Err(e) if e.to_string().contains("ProofLengthMismatch") => {
                rep.note(format!("rejected on-chain: {what} (ProofLengthMismatch)"))
            }
            Err(e) => anyhow::bail!("a {what} failed for another reason than ProofLengthMismatch: {e}"),
            Ok(_) => anyhow::bail!("the registry did not refuse a {what}"),
        }
    }
    let Some(consumer) = consumer else { return Ok(()) };
    let outputs = nudge(&proof.outputs);
    match chain.post_assessment(consumer, &proof.inputs, &outputs, &bytes).await {
        Err(e) if e.to_string().contains("InferenceNotVerified") => {
            rep.note("RiskOracle refused the changed output (InferenceNotVerified)")
        }
        Err(e) => anyhow::bail!("RiskOracle failed for another reason than InferenceNotVerified: {e}"),
        Ok(_) => anyhow::bail!("RiskOracle acted on a changed output"),
    }
    Ok(())
}
