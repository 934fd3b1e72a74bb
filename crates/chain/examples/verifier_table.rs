//! Measures the universal verifier beside snark-verifier's per-circuit one on real proofs (dev
//! SRS): in revm, and through the registry on a local anvil (key deployment, registration and
//! `verifyInference` as transactions). Prints a Markdown table:
//!
//! ```text
//! cargo run --release -p zkinfer-chain --example verifier_table -- name=dir/model.onnx ... > table.md
//! ```
//!
//! Each argument is `name=path to ONNX` with `input.json` beside it. `scripts/bench-verifier.sh`
//! runs it on the issue's models and writes docs/bench-verifier.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use zkinfer_chain::{compile, Address, Chain, LocalNode, ModelEntry, ModelVerifier};
use zkinfer_evm::{
    compile_verifier, evm_verify, universal_check, verifier_solidity, Solc, UniversalCheck,
    UniversalKeyArtifact, VkData, EIP170_LIMIT,
};
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, prove};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One registry on one anvil for every row; a `ZkinferVerifier` version per SRS met.
struct Onchain {
    _node: LocalNode,
    chain: Chain,
    registry: Address,
    /// `(srs words, version)` of the verifiers registered so far.
    versions: Vec<([[u8; 32]; 8], u16)>,
}

/// What one model costs through the registry.
struct RegistryGas {
    key_deploy: u64,
    register: u64,
    verify: u64,
}

impl Onchain {
    async fn start(solc: &Solc) -> Res<Self> {
        let node = LocalNode::start()?;
        let key = node.dev_key(0).ok_or("anvil printed no dev keys")?;
        let chain = Chain::connect(&node.endpoint(), &key).await?;
        let registry = chain.deploy("ModelRegistry", compile(solc)?.registry.bytecode).await?.address;
        Ok(Self { _node: node, chain, registry, versions: Vec::new() })
    }

    async fn version(&mut self, key: &UniversalKeyArtifact, solc: &Solc) -> Res<u16> {
        let srs = key.srs_words()?;
        if let Some((_, v)) = self.versions.iter().find(|(s, _)| *s == srs) {
            return Ok(*v);
        }
        let code = key.verifier_creation_code(solc)?;
        let verifier = self.chain.deploy("ZkinferVerifier", code).await?.address;
        let (version, _) = self.chain.register_universal_verifier(self.registry, verifier).await?;
        self.versions.push((srs, version));
        Ok(version)
    }

    async fn measure(
        &mut self,
        key: &UniversalKeyArtifact,
        entry: &ModelEntry,
        file: &zkinfer_prover::ProofFile,
        solc: &Solc,
    ) -> Res<RegistryGas> {
        let version = self.version(key, solc).await?;
        let k = self.chain.deploy("verifying key", key.key_creation()?).await?;
        let reg = self
            .chain
            .register_model(self.registry, ModelVerifier::universal(version, k.address), entry)
            .await?;
        let proof = file.proof_bytes()?;
        let tx = self
            .chain
            .verify_inference_tx(self.registry, reg.model_id, &file.inputs, &file.outputs, &proof)
            .await?;
        Ok(RegistryGas { key_deploy: k.tx.gas_used, register: reg.tx.gas_used, verify: tx.gas_used })
    }
}

fn row(
    name: &str,
    onnx: &Path,
    repo: &Path,
    solc: &Solc,
    onchain: &mut Onchain,
    rt: &tokio::runtime::Runtime,
) -> Res<String> {
    let t = Instant::now();
    let data = InputData::read(&onnx.with_file_name("input.json"))?;
    let (compiled, _) = CompiledModel::compile(onnx, Some(&data), Scales::default())?;
    let trace = compiled.trace(&data)?;
    let id = compiled.id();
    let layout = layout(&compiled.model, id)?;
    let srs = dev_srs(layout.k(), &repo.join("target/test-srs"))?;
    let keys_dir = tempfile::tempdir()?;
    let (keys, _) = load_or_keygen(keys_dir.path(), &srs, &compiled.model, id, &layout)?;
    let file = prove(&srs, &keys, &compiled.model, id, &trace)?;
    let (instances, proof) = (file.instance_values()?, file.proof_bytes()?);
    eprintln!("{name}: k={} proven in {:.0?}", layout.k(), t.elapsed());

    let vk = VkData::new(&srs.params, keys.vk(), instances.len())?;
    let key_bytes = vk.to_bytes().len();
    let UniversalCheck { verifier_runtime: runtime, key_deploy_gas: key_gas, verify_gas: gas } =
        universal_check(solc, &srs.params, &vk, &instances, &proof)?;
    let key = UniversalKeyArtifact::new(&srs.params, &vk);
    let entry = ModelEntry::of(&compiled, proof.len())?;
    let registry = rt.block_on(onchain.measure(&key, &entry, &file, solc))?;

    let source = verifier_solidity(&srs.params, keys.vk(), instances.len(), "Halo2Verifier");
    let sv = compile_verifier(solc, &source, "Halo2Verifier", instances.len())?;
    let sv_gas = if sv.runtime_size <= EIP170_LIMIT {
        match evm_verify(&sv.creation_code(), &instances, &proof) {
            Ok(check) => check.gas.to_string(),
            Err(e) => format!("{e}"),
        }
    } else {
        "not deployable".into()
    };
    eprintln!("{name}: measured in {:.0?}", t.elapsed());
    let over = if sv.runtime_size > EIP170_LIMIT { " (over EIP-170)" } else { "" };
    let RegistryGas { key_deploy, register, verify } = registry;
    Ok(format!(
        "| {name} | {} | {} | {} | {runtime} | {key_bytes} | {key_gas} | {gas} | {key_deploy} + {register} = {} | {verify} | {}{over} | {sv_gas} |",
        layout.k(),
        instances.len(),
        proof.len(),
        key_deploy + register,
        sv.runtime_size,
    ))
}

fn main() -> Res<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize()?;
    let solc = Solc::at(repo.join("tools/solc"));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut onchain = rt.block_on(Onchain::start(&solc))?;
    println!(
        "| model | k | public values | proof (B) | universal verifier runtime (B) | key (B) | key deployment (gas, revm) | verify (gas, revm tx) | registering on anvil: key + registerModel (gas) | verifyInference through the registry (gas, anvil tx) | snark-verifier runtime (B) | snark-verifier verify (gas, revm tx) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for arg in std::env::args().skip(1) {
        let (name, path) = arg.split_once('=').ok_or("arguments are name=path/to/model.onnx")?;
        match row(name, Path::new(path), &repo, &solc, &mut onchain, &rt) {
            Ok(line) => println!("{line}"),
            Err(e) => println!("| {name} | failed: {e} |"),
        }
    }
    Ok(())
}
