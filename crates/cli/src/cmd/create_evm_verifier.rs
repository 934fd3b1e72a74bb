use std::path::Path;

use zkinfer_circuit::halo2_base::halo2_proofs::halo2curves::bn256::G1Affine;
use zkinfer_circuit::halo2_base::halo2_proofs::plonk::VerifyingKey;
use zkinfer_evm::{
    compile_verifier, evm_verify, universal_check, verifier_solidity, EvmCheck, Solc, UniversalKeyArtifact,
    VerifierArtifact, VkData, EIP170_LIMIT,
};
use zkinfer_model::CompiledModel;
use zkinfer_prover::{read_json, write_json, ProofFile, Srs};

use super::setup::saved_vk;
use crate::opts::EvmArgs;
use crate::output::Reporter;
use crate::paths;

impl EvmArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir.dir;
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED))?;
        let (vk, srs) = saved_vk(dir, &self.srs, rep)?;
        let proof_path = dir.join(paths::PROOF);
        let proof: Option<ProofFile> = proof_path.exists().then(|| read_json(&proof_path)).transpose()?;
        let (artifact, check) = create_evm_verifier(&compiled, &srs, &vk, proof.as_ref(), dir, rep)?;
        rep.line(format!(
            "verifier   {} ({} bytes runtime, {} bytes deploy)",
            artifact.contract_name, artifact.runtime_size, artifact.deploy_size
        ));
        if let Some(check) = check {
            rep.line(format!("revm gas   {}", check.gas));
        }
        Ok(())
    }
}

/// Generates `<Name>Verifier.sol`, compiles it to `verifier.json`, and, given a proof, checks
/// it in revm (a tampered copy must fail).
pub(crate) fn create_evm_verifier(
    compiled: &CompiledModel,
    srs: &Srs,
    vk: &VerifyingKey<G1Affine>,
    proof: Option<&ProofFile>,
    dir: &Path,
    rep: &mut Reporter,
) -> anyhow::Result<(VerifierArtifact, Option<EvmCheck>)> {
    let name = paths::verifier_contract_name(&compiled.model.name);
    let num_instances = zkinfer_circuit::model_num_instances(&compiled.model);
    let source = rep.step("generate Solidity verifier", || -> anyhow::Result<String> {
        Ok(verifier_solidity(&srs.params, vk, num_instances, &name))
    })?;
    let sol_path = paths::verifier_sol(dir, &name);
    std::fs::write(&sol_path, &source)?;
    let solc = Solc::find()?;
    let artifact = rep
        .step("compile verifier (solc, no optimizer)", || {
            compile_verifier(&solc, &source, &name, num_instances)
        })?
        .with_srs_hash(&srs.file_hash);
    write_json(&dir.join(paths::VERIFIER_JSON), &artifact)?;
    rep.note(format!(
        "{}: {} bytes runtime code (EIP-170 limit {EIP170_LIMIT}), {} bytes creation code, solc {}",
        sol_path.display(),
        artifact.runtime_size,
        artifact.deploy_size,
        artifact.solc_version
    ));
    if artifact.runtime_size > EIP170_LIMIT {
        rep.warn(format!(
            "the verifier's runtime code ({} bytes) exceeds EIP-170: mainnet would refuse it",
            artifact.runtime_size
        ));
    }
    rep.set("verifierRuntimeBytes", artifact.runtime_size);
    rep.set("verifierDeployBytes", artifact.deploy_size);
    let universal_key = VkData::new(&srs.params, vk, num_instances)?;
    let key = UniversalKeyArtifact::new(&srs.params, &universal_key).with_srs_hash(&srs.file_hash);
    write_json(&dir.join(paths::UNIVERSAL_KEY_JSON), &key)?;
    rep.note(format!(
        "{}: key for the universal ZkinferVerifier, {} bytes",
        dir.join(paths::UNIVERSAL_KEY_JSON).display(),
        key.key_bytes
    ));
    rep.set("universalKeyBytes", key.key_bytes);
    let Some(p) = proof else { return Ok((artifact, None)) };
    let instances = p.instance_values()?;
    let bytes = p.proof_bytes()?;
    // revm refuses to deploy code over EIP-170, as mainnet would.
    let check = if artifact.runtime_size <= EIP170_LIMIT {
        let check = rep.step("verify in revm (+ tampered proof rejected)", || {
            evm_verify(&artifact.creation_code(), &instances, &bytes)
        })?;
        rep.note(format!("revm: verifier call {} gas", check.gas));
        rep.set("revmGas", check.gas);
        Some(check)
    } else {
        None
    };
    let universal = rep
        .step("verify with the universal verifier in revm (+ tampered proof rejected)", || {
            universal_check(&solc, &srs.params, &universal_key, &instances, &bytes)
        })?;
    rep.note(format!(
        "revm: ZkinferVerifier ({} bytes runtime) verify {} gas, key deployment {} gas",
        universal.verifier_runtime, universal.verify_gas, universal.key_deploy_gas
    ));
    rep.set("universalVerifyGas", universal.verify_gas);
    rep.set("universalKeyDeployGas", universal.key_deploy_gas);
    Ok((artifact, check))
}
