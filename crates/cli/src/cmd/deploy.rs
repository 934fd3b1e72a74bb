use std::path::Path;

use anyhow::Context;
use zkinfer_chain::{
    compile, Address, Chain, ContractSet, Deployed, Deployments, ModelDeployment, ModelEntry, ModelVerifier,
    B256, U256,
};
use zkinfer_evm::{Solc, UniversalKeyArtifact, VerifierArtifact};
use zkinfer_model::CompiledModel;
use zkinfer_prover::{deploy_srs_policy, read_json, CircuitSettings, ProofFile};

use super::runtime;
use crate::opts::DeployArgs;
use crate::output::Reporter;
use crate::paths;

impl DeployArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir.dir;
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED))?;
        let solc = Solc::find()?;
        let plan = VerifierPlan::read(dir, self.snark_verifier, &solc, rep)?;
        // The registry records the exact proof length: our proofs have one length per circuit.
        let proof: ProofFile = read_json(&dir.join(paths::PROOF))
            .context("run `zkinfer prove` first: the registry records the length of the model's proofs")?;
        let entry = ModelEntry::of(&compiled, proof.proof_bytes()?.len())?;
        let contracts = rep.step("compile ModelRegistry (solc)", || compile(&solc))?;
        let rt = runtime()?;
        let chain = rt.block_on(Chain::connect(&self.chain.rpc_url, &self.chain.private_key))?;
        // Dev-SRS keys go to the local chain only, unless explicitly allowed (issue 13).
        let settings_path = dir.join(paths::KEYS_DIR).join("settings.json");
        let settings: CircuitSettings = read_json(&settings_path)?;
        plan.check_srs(&settings, &settings_path)?;
        let allow = self.srs_gate.allow_insecure_srs;
        if let Some(warning) = deploy_srs_policy(&settings, &settings_path, chain.chain_id, allow)? {
            rep.warn(warning);
        }
        let deployments = &self.chain.deployments;
        let report = rt.block_on(async {
            let mut model =
                register_verified_model(&chain, deployments, &compiled, &entry, &plan, &contracts, rep)
                    .await?;
            // Consumers are the application's business (the demo deploys its RiskOracle itself).
            model.record(deployments, &compiled, None, rep)?;
            anyhow::Ok(model)
        })?;
        rep.line(format!("registry   {}", report.registry));
        rep.line(format!("model id   {} (commitment {})", report.model_id, compiled.model_id));
        match report.model_verifier.version {
            0 => rep.line(format!("verifier   {}", report.verifier.address)),
            v => rep.line(format!("key        {} (universal verifier version {v})", report.verifier.address)),
        }
        Ok(())
    }
}

/// What verifies a model on chain.
#[derive(Debug)]
pub(crate) enum VerifierPlan {
    /// The registry's universal verifier for the key's SRS (deployed and registered as a new
    /// version when the registry has none) and the model's key contract.
    Universal {
        /// The model's key (`universal-key.json`).
        key: Box<UniversalKeyArtifact>,
        /// `ZkinferVerifier`'s creation code pinned to the key's SRS.
        verifier_code: Vec<u8>,
    },
    /// snark-verifier's per-model verifier contract (version 0; kept for comparison).
    SelfContained(Box<VerifierArtifact>),
}

impl VerifierPlan {
    /// The plan for the artifacts in `dir`: the universal key, or with `snark_verifier` the
    /// per-model contract (`verifier.json`).
    pub(crate) fn read(
        dir: &Path,
        snark_verifier: bool,
        solc: &Solc,
        rep: &mut Reporter,
    ) -> anyhow::Result<Self> {
        if snark_verifier {
            let verifier: VerifierArtifact = read_json(&dir.join(paths::VERIFIER_JSON))
                .context("run `zkinfer create-evm-verifier` first")?;
            return Ok(Self::SelfContained(Box::new(verifier)));
        }
        let key: UniversalKeyArtifact = read_json(&dir.join(paths::UNIVERSAL_KEY_JSON))
            .context("run `zkinfer create-evm-verifier` first")?;
        let verifier_code =
            rep.step("compile ZkinferVerifier (solc)", || key.verifier_creation_code(solc))?;
        Ok(Self::Universal { key: Box::new(key), verifier_code })
    }

    /// Refuses an artifact made on another SRS than the keys whose `settings` (read from
    /// `path`) the dev-SRS gate reads: by the recorded file hash, and for a universal key by its
    /// `[s]G2`, which names the dev SRS whatever the settings say.
    pub(crate) fn check_srs(&self, settings: &CircuitSettings, path: &Path) -> anyhow::Result<()> {
        let (artifact, recorded) = match self {
            Self::Universal { key, .. } => {
                if key.on_dev_srs()? && !settings.srs_insecure {
                    anyhow::bail!(
                        "{}: the key was made on the INSECURE dev SRS, but {} says the keys were not: \
                         rerun `zkinfer create-evm-verifier`",
                        paths::UNIVERSAL_KEY_JSON,
                        path.display()
                    );
                }
                (paths::UNIVERSAL_KEY_JSON, key.srs_hash.as_deref())
            }
            Self::SelfContained(v) => (paths::VERIFIER_JSON, v.srs_hash.as_deref()),
        };
        match recorded {
            Some(hash) if hash != settings.srs_hash => anyhow::bail!(
                "{artifact} was made on the SRS file with keccak256 0x{hash}, the keys ({}) on 0x{}: \
                 rerun `zkinfer create-evm-verifier`",
                path.display(),
                settings.srs_hash
            ),
            _ => Ok(()),
        }
    }
}

/// A model registered with its freshly deployed verifier, not yet recorded on disk.
#[derive(Debug)]
pub(crate) struct RegisteredModel {
    pub(crate) registry: Address,
    /// The id the registry derived for the model (not its commitment).
    pub(crate) model_id: B256,
    /// The contract deployed for the model: its key contract, or its own verifier.
    pub(crate) verifier: Deployed,
    /// What the registry verifies the model's proofs with.
    pub(crate) model_verifier: ModelVerifier,
    book: Deployments,
}

/// Deploys the registry (reused when `deployments/<chainId>.json` names one that has code),
/// what verifies the model (`plan`) and registers the model as `entry`. The registry derives the
/// model id from the registration (the new key's or verifier's address and code included), so
/// it is always new.
pub(crate) async fn register_verified_model(
    chain: &Chain,
    deployments_dir: &Path,
    compiled: &CompiledModel,
    entry: &ModelEntry,
    plan: &VerifierPlan,
    contracts: &ContractSet,
    rep: &mut Reporter,
) -> anyhow::Result<RegisteredModel> {
    let mut book = Deployments::read(deployments_dir, chain.chain_id)?.unwrap_or_default();
    let start_block = chain.block_number().await?;
    book.chain_id = chain.chain_id;
    // A recorded registry is reused only if it has code on this chain (a fresh anvil puts a
    // new registry at the same address as the last run's).
    let reused = match book.model_registry.parse::<Address>() {
        Ok(addr) if chain.code_size(addr).await? > 0 => Some(addr),
        _ => None,
    };
    let registry = match reused {
        Some(addr) => {
            rep.note(format!("reusing ModelRegistry at {addr}"));
            addr
        }
        None => {
            let d = timed(
                rep,
                "deploy ModelRegistry",
                chain.deploy("ModelRegistry", contracts.registry.bytecode.clone()),
            )
            .await?;
            rep.note(format!("ModelRegistry at {} ({} gas)", d.address, d.tx.gas_used));
            // The models recorded so far belong to the registry that was replaced.
            book.models.clear();
            book.model_registry = d.address.to_string();
            book.start_block = start_block;
            d.address
        }
    };
    let (v, model_verifier) = match plan {
        VerifierPlan::SelfContained(verifier) => {
            let v = timed(
                rep,
                "deploy verifier",
                chain.deploy(&verifier.contract_name, verifier.creation_code()),
            )
            .await?;
            rep.note(format!(
                "{} at {} ({} bytes of code, {} gas)",
                verifier.contract_name, v.address, v.code_size, v.tx.gas_used
            ));
            (v, ModelVerifier::self_contained(v.address))
        }
        VerifierPlan::Universal { key, verifier_code } => {
            let version = universal_version(chain, registry, key, || Ok(verifier_code.clone()), rep).await?;
            let k = timed(rep, "deploy verifying key", chain.deploy("verifying key", key.key_creation()?))
                .await?;
            rep.note(format!(
                "verifying key at {} ({} bytes, {} gas)",
                k.address, k.code_size, k.tx.gas_used
            ));
            rep.set("keyDeployGas", k.tx.gas_used);
            rep.set("verifierVersion", version);
            (k, ModelVerifier::universal(version, k.address))
        }
    };
    if !compiled.model.visibility.is_default() {
        rep.note(format!("registering with {}", compiled.model.visibility));
    }
    let reg = timed(rep, "register model", chain.register_model(registry, model_verifier, entry)).await?;
    rep.note(format!(
        "registered model id {} (commitment {}, {} gas)",
        reg.model_id, compiled.model_id, reg.tx.gas_used
    ));
    rep.set("registryModelId", reg.model_id.to_string());
    rep.set("registerGas", reg.tx.gas_used);
    rep.set("registry", registry.to_string());
    rep.set("verifierAddress", v.address.to_string());
    Ok(RegisteredModel { registry, model_id: reg.model_id, verifier: v, model_verifier, book })
}

/// The registry's universal verifier version pinned to the key's SRS: an existing one, or a
/// new `ZkinferVerifier` deployed and registered (which only the registry's owner may do).
/// `verifier_code` (its creation code for that SRS) is called only when one is deployed.
pub(crate) async fn universal_version(
    chain: &Chain,
    registry: Address,
    key: &UniversalKeyArtifact,
    verifier_code: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    rep: &mut Reporter,
) -> anyhow::Result<u16> {
    let srs = key.srs_words()?.map(U256::from_be_bytes);
    for (index, verifier) in chain.universal_verifiers(registry).await?.into_iter().enumerate() {
        if chain.verifier_srs(verifier).await? == srs {
            let version = u16::try_from(index + 1)?;
            rep.note(format!("reusing universal verifier version {version} at {verifier} (same SRS)"));
            return Ok(version);
        }
    }
    let v = timed(rep, "deploy ZkinferVerifier", chain.deploy("ZkinferVerifier", verifier_code()?)).await?;
    let (version, tx) =
        timed(rep, "register universal verifier", chain.register_universal_verifier(registry, v.address))
            .await?;
    rep.note(format!(
        "ZkinferVerifier at {} ({} bytes of code, {} gas), registry version {version} ({} gas)",
        v.address, v.code_size, v.tx.gas_used, tx.gas_used
    ));
    Ok(version)
}

impl RegisteredModel {
    /// Records the model, its verifier and its consumer (if one was deployed) in
    /// `deployments/<chainId>.json`.
    pub(crate) fn record(
        &mut self,
        deployments_dir: &Path,
        compiled: &CompiledModel,
        consumer: Option<Address>,
        rep: &mut Reporter,
    ) -> anyhow::Result<()> {
        self.book.insert(
            self.model_id.to_string(),
            ModelDeployment {
                name: compiled.model.name.clone(),
                commitment: compiled.model_id.clone(),
                verifier: self.verifier.address.to_string(),
                verifier_version: self.model_verifier.version,
                consumer: consumer.map(|c| c.to_string()),
            },
        );
        let path = self.book.write(deployments_dir)?;
        rep.note(format!("addresses written to {}", path.display()));
        Ok(())
    }
}

/// Times an async chain step like [`Reporter::step`].
pub(crate) async fn timed<T>(
    rep: &mut Reporter,
    name: &str,
    fut: impl std::future::Future<Output = zkinfer_chain::Result<T>>,
) -> anyhow::Result<T> {
    let start = std::time::Instant::now();
    let result = fut.await;
    rep.record(name, start.elapsed().as_secs_f64(), result.is_ok());
    Ok(result?)
}
