use anyhow::Context;
use zkinfer_model::CompiledModel;
use zkinfer_prover::{read_json, ProofFile};

use super::setup::saved_vk;
use crate::opts::VerifyArgs;
use crate::output::Reporter;
use crate::paths;

impl VerifyArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir.dir;
        let proof_path = self.proof.unwrap_or_else(|| dir.join(paths::PROOF));
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED))?;
        let proof: ProofFile = read_json(&proof_path)?;
        if proof.model_id != compiled.model_id {
            anyhow::bail!(
                "{} is a proof for model {}, not for {}",
                proof_path.display(),
                proof.model_id,
                compiled.model_id
            );
        }
        let (vk, srs) = saved_vk(dir, &self.srs, rep)?;
        // The public values must be the ones the model's inputs, outputs and hashes encode
        // (the weights' hash computed from the model itself).
        let public =
            proof.public_values(&compiled.model).with_context(|| proof_path.display().to_string())?;
        let expected = public.instances(&compiled.id());
        if proof.instance_values()? != expected {
            anyhow::bail!(
                "{}: the public values do not encode its inputs, outputs and hashes",
                proof_path.display()
            );
        }
        rep.step("verify natively", || {
            zkinfer_prover::verify(&srs.params, &vk, &expected, &proof.proof_bytes()?)
        })?;
        rep.set("verified", true);
        rep.line(format!("verified   {}", proof_path.display()));
        Ok(())
    }
}
