//! Measures the universal verifier beside snark-verifier's per-circuit one on real proofs
//! (dev SRS, in revm) and prints a Markdown table:
//!
//! ```text
//! cargo run --release -p zkinfer-evm --example verifier_table -- name=dir/model.onnx ... > table.md
//! ```
//!
//! Each argument is `name=path to ONNX` with `input.json` beside it. `scripts/bench-verifier.sh`
//! runs it on the issue's models and writes docs/bench-verifier.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use zkinfer_evm::{
    compile_verifier, evm_verify, universal_check, verifier_solidity, Solc, UniversalCheck, VkData,
    EIP170_LIMIT,
};
use zkinfer_model::{CompiledModel, InputData, Scales};
use zkinfer_prover::{dev_srs, layout, load_or_keygen, prove};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn row(name: &str, onnx: &Path, repo: &Path, solc: &Solc) -> Res<String> {
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
    Ok(format!(
        "| {name} | {} | {} | {} | {runtime} | {key_bytes} | {key_gas} | {gas} | {}{over} | {sv_gas} |",
        layout.k(),
        instances.len(),
        proof.len(),
        sv.runtime_size,
    ))
}

fn main() -> Res<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize()?;
    let solc = Solc::at(repo.join("tools/solc"));
    println!(
        "| model | k | public values | proof (B) | universal verifier runtime (B) | key (B) | key deployment (gas) | verify (gas, tx) | snark-verifier runtime (B) | snark-verifier verify (gas, tx) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for arg in std::env::args().skip(1) {
        let (name, path) = arg.split_once('=').ok_or("arguments are name=path/to/model.onnx")?;
        match row(name, Path::new(path), &repo, &solc) {
            Ok(line) => println!("{line}"),
            Err(e) => println!("| {name} | failed: {e} |"),
        }
    }
    Ok(())
}
