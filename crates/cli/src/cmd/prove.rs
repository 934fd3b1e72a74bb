use std::path::Path;

use zkinfer_model::{CompiledModel, Fidelity, InputData};
use zkinfer_prover::{write_json, Keys, ProofFile, Srs};

use super::compile::run_model;
use super::setup::setup;
use crate::opts::ProveArgs;
use crate::output::Reporter;
use crate::paths;

impl ProveArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir.dir;
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED))?;
        let (srs, keys) = setup(&compiled, &self.srs, &self.layout, dir, rep)?;
        let (proof, fidelity) = prove(&compiled, &srs, &keys, &self.input, dir, rep)?;
        if self.for_aggregation {
            if !compiled.model.visibility.is_default() {
                anyhow::bail!(
                    "--for-aggregation: the aggregation circuit takes public inputs and outputs and fixed \
                     weights only; this model has {}",
                    compiled.model.visibility
                );
            }
            let data = InputData::read(&self.input)?;
            let trace = compiled.trace(&data)?;
            let snark = rep.step("prove (SHPLONK, Poseidon transcript, for aggregation)", || {
                zkinfer_prover::prove_snark(&srs, &keys, &compiled.model, compiled.id(), &trace)
            })?;
            write_json(&dir.join(paths::SNARK), &snark)?;
            rep.line(format!("written    {}", dir.join(paths::SNARK).display()));
        }
        match &proof.output_hash {
            Some(h) => rep.line(format!("outputs    hashed: {h}")),
            None if proof.outputs.is_empty() => rep.line("outputs    private".to_string()),
            None => rep.line(format!("outputs    {:?} (scale 2^{})", proof.outputs, proof.output_scale)),
        }
        for (name, hash) in [("inputs", &proof.input_hash), ("weights", &proof.weights_hash)] {
            if let Some(h) = hash {
                rep.line(format!("{name:<10} hashed: {h}"));
            }
        }
        rep.line(format!("max error  {:.5} vs float", fidelity.max_abs_error));
        rep.line(format!("written    {}", dir.join(paths::PROOF).display()));
        Ok(())
    }
}

/// Runs the model on `input`, proves the run, and writes `proof.json` and `fidelity.json`.
pub(crate) fn prove(
    compiled: &CompiledModel,
    srs: &Srs,
    keys: &Keys,
    input: &Path,
    dir: &Path,
    rep: &mut Reporter,
) -> anyhow::Result<(ProofFile, Fidelity)> {
    let data = InputData::read(input)?;
    let (trace, fidelity) = run_model(compiled, &data, rep)?;
    let proof = rep.step("prove (SHPLONK, Keccak transcript) + native verify", || {
        zkinfer_prover::prove(srs, keys, &compiled.model, compiled.id(), &trace)
    })?;
    let bytes = proof.proof_bytes()?.len();
    rep.note(format!("proof {bytes} bytes, {} public values", proof.instances.len()));
    rep.set("proofBytes", bytes);
    rep.set("outputs", &proof.outputs);
    rep.set("fidelity", &fidelity);
    write_json(&dir.join(paths::PROOF), &proof)?;
    write_json(&dir.join(paths::FIDELITY), &fidelity)?;
    Ok((proof, fidelity))
}
