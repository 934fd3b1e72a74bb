use std::path::Path;

use zkinfer_aggregate::{aggregate_within, Aggregated, AggregationProof, Member, Transcript};
use zkinfer_circuit::halo2_base::halo2_proofs::poly::commitment::Params;
use zkinfer_evm::{
    aggregation_verifier_solidity, compile_verifier, evm_verify, universal_check, Solc, UniversalCheck,
    UniversalKeyArtifact, VerifierArtifact, VkData, EIP170_LIMIT,
};
use zkinfer_prover::{read_json, write_json, MemoryBudget, SnarkFile, Srs};

use super::setup::srs_for;
use crate::opts::AggregateArgs;
use crate::output::Reporter;
use crate::paths;

/// Name of the generated aggregation verifier contract.
const CONTRACT: &str = "AggregationVerifier";

impl AggregateArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let transcript = if self.transcript == "poseidon" { Transcript::Poseidon } else { Transcript::Evm };
        let members = self.members.iter().map(|p| read_member(p)).collect::<anyhow::Result<Vec<_>>>()?;
        let srs = srs_for(self.k, &self.srs, rep)?;
        let budget = self.memory.budget();
        let (agg, evm) = aggregate_into(&srs, &members, transcript, &self.out, budget.as_ref(), rep)?;
        rep.set("proofBytes", agg.proof.proof_bytes()?.len());
        if let Some(evm) = evm {
            rep.set("verifierRuntimeBytes", evm.artifact.runtime_size);
            rep.set("verifierDeployBytes", evm.artifact.deploy_size);
            if let Some(gas) = evm.revm_gas {
                rep.set("revmGas", gas);
            }
            rep.set("universalKeyBytes", evm.universal_key.key_bytes);
            rep.set("universalVerifyGas", evm.universal.verify_gas);
            rep.set("universalKeyDeployGas", evm.universal.key_deploy_gas);
            rep.line(format!("written    {}", self.out.join(paths::UNIVERSAL_KEY_JSON).display()));
        }
        rep.line(format!("written    {}", self.out.join(paths::AGGREGATION).display()));
        Ok(())
    }
}

/// The two on-chain verifiers of an EVM-transcript aggregation proof.
pub(crate) struct EvmVerifier {
    /// snark-verifier's generated contract.
    pub(crate) artifact: VerifierArtifact,
    /// Gas of the verifier transaction in revm; `None` when it is too large to deploy (EIP-170).
    pub(crate) revm_gas: Option<u64>,
    /// The root's key for the universal `ZkinferVerifier` (its accumulator position recorded),
    /// deployable whatever the size of `artifact`.
    pub(crate) universal_key: UniversalKeyArtifact,
    /// That key checked in revm: the proof accepted, a tampered one refused.
    pub(crate) universal: UniversalCheck,
}

/// Aggregates `members` with keys from (or saved to) `out/keys`, writes `out/aggregation.json`
/// and, with the EVM transcript, writes the root's key for the universal verifier
/// (`out/universal-key.json`, checked in revm) and generates and compiles snark-verifier's
/// Solidity verifier (`out/AggregationVerifier.sol`, `out/verifier.json`), checked in revm
/// unless it is too large to deploy (EIP-170): then its gas is `None`. Proof and verifier sizes
/// and gas are left to the caller to report (the demo reports a single proof's under the same
/// names).
pub(crate) fn aggregate_into(
    srs: &Srs,
    members: &[Member],
    transcript: Transcript,
    out: &Path,
    budget: Option<&MemoryBudget>,
    rep: &mut Reporter,
) -> anyhow::Result<(Aggregated, Option<EvmVerifier>)> {
    let keys_dir = out.join(paths::KEYS_DIR);
    let agg = rep.step(&format!("aggregate {} proofs (k={})", members.len(), srs.params.k()), || {
        aggregate_within(srs, &keys_dir, members, transcript, budget)
    })?;
    let proof = &agg.proof;
    let config = agg.keys.settings.config;
    rep.note(format!(
        "keys {} in {:.1} s ({} advice, {} lookup columns), proof in {:.1} s",
        if agg.keys_cached { "reused" } else { "generated" },
        agg.keygen_seconds,
        config.num_advice,
        config.num_lookup_advice,
        agg.prove_seconds
    ));
    let size = proof.proof_bytes()?.len();
    rep.set("members", proof.members.len());
    rep.set("depth", proof.depth);
    rep.set("publicValues", proof.instances.len());
    rep.set("aggregation", config);
    rep.set("aggregationKeysCached", agg.keys_cached);
    rep.set("aggregationKeygenSeconds", agg.keygen_seconds);
    rep.set("aggregationProveSeconds", agg.prove_seconds);
    write_json(&out.join(paths::AGGREGATION), proof)?;
    rep.line(format!(
        "aggregated {} inferences, depth {}, proof {size} bytes",
        proof.members.len(),
        proof.depth
    ));
    if transcript != Transcript::Evm {
        return Ok((agg, None));
    }
    let n = proof.instances.len();
    let (instances, bytes) = (proof.instance_values()?, proof.proof_bytes()?);
    let solc = Solc::find()?;
    let key = VkData::aggregation(&srs.params, agg.keys.vk(), n)?;
    let universal_key = UniversalKeyArtifact::new(&srs.params, &key).with_srs_hash(&srs.file_hash);
    write_json(&out.join(paths::UNIVERSAL_KEY_JSON), &universal_key)?;
    let universal = rep
        .step("universal verifier: verify the root in revm (+ tampered proof refused)", || {
            universal_check(&solc, &srs.params, &key, &instances, &bytes)
        })?;
    rep.line(format!(
        "universal  key {} bytes ({} gas to deploy); verify {} gas in revm",
        universal_key.key_bytes, universal.key_deploy_gas, universal.verify_gas
    ));
    let source = aggregation_verifier_solidity(&srs.params, agg.keys.vk(), n, CONTRACT);
    std::fs::write(paths::verifier_sol(out, CONTRACT), &source)?;
    let verifier =
        rep.step("compile verifier (solc, no optimizer)", || compile_verifier(&solc, &source, CONTRACT, n))?;
    write_json(&out.join(paths::VERIFIER_JSON), &verifier)?;
    if verifier.runtime_size > EIP170_LIMIT {
        // Ethereum refuses to deploy it (revm too): report instead of failing, so that the
        // sizes and times above are not lost.
        rep.warn(format!(
            "the aggregation verifier has {} bytes of runtime code, over EIP-170's {EIP170_LIMIT}: it cannot be \
             deployed on Ethereum, so it is not checked in revm. A larger k (fewer columns), fewer members per proof or \
             a two-level tree whose root has a larger k make it smaller.",
            verifier.runtime_size
        ));
        rep.line(format!(
            "verifier   {} bytes runtime (over EIP-170), {} creation; not deployable, not checked in revm",
            verifier.runtime_size, verifier.deploy_size
        ));
        return Ok((agg, Some(EvmVerifier { artifact: verifier, revm_gas: None, universal_key, universal })));
    }
    let check = rep.step("revm: verify (and reject a tampered proof)", || {
        evm_verify(&verifier.creation_code(), &instances, &bytes)
    })?;
    rep.line(format!(
        "verifier   {} bytes runtime, {} creation; {} gas in revm",
        verifier.runtime_size, verifier.deploy_size, check.gas
    ));
    Ok((agg, Some(EvmVerifier { artifact: verifier, revm_gas: Some(check.gas), universal_key, universal })))
}

/// A `snark.json` or a Poseidon `aggregation.json`, told apart by their `format`.
fn read_member(path: &Path) -> anyhow::Result<Member> {
    let value: serde_json::Value = read_json(path)?;
    match value["format"].as_str() {
        Some(zkinfer_prover::SNARK_FORMAT) => Ok(Member::inference(&serde_json::from_value::<SnarkFile>(value)?)),
        Some(zkinfer_aggregate::AGGREGATION_FORMAT) => {
            Ok(Member::aggregation(&serde_json::from_value::<AggregationProof>(value)?)?)
        }
        other => anyhow::bail!(
            "{}: format {other:?} is neither a proof for aggregation (`prove --for-aggregation`) nor an aggregation proof",
            path.display()
        ),
    }
}
