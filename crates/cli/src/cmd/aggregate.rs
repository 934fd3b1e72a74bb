use std::path::Path;

use zkinfer_aggregate::{aggregate, AggregationProof, Member, Transcript};
use zkinfer_evm::{aggregation_verifier_solidity, compile_verifier, evm_verify, Solc, EIP170_LIMIT};
use zkinfer_prover::{read_json, write_json, SnarkFile};

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
        let keys_dir = self.out.join(paths::KEYS_DIR);
        let agg = rep.step(&format!("aggregate {} proofs (k={})", members.len(), self.k), || {
            aggregate(&srs, &keys_dir, &members, transcript)
        })?;
        let proof = &agg.proof;
        let config = agg.keys.settings.config;
        rep.note(format!(
            "keys {} ({} advice, {} lookup columns)",
            if agg.keys_cached { "reused" } else { "generated" },
            config.num_advice,
            config.num_lookup_advice
        ));
        let size = proof.proof_bytes()?.len();
        rep.set("members", proof.members.len());
        rep.set("depth", proof.depth);
        rep.set("proofBytes", size);
        rep.set("publicValues", proof.instances.len());
        rep.set("aggregation", config);
        write_json(&self.out.join(paths::AGGREGATION), proof)?;
        rep.line(format!(
            "aggregated {} inferences, depth {}, proof {size} bytes",
            proof.members.len(),
            proof.depth
        ));
        if transcript == Transcript::Evm {
            let n = proof.instances.len();
            let source = aggregation_verifier_solidity(&srs.params, agg.keys.vk(), n, CONTRACT);
            std::fs::write(paths::verifier_sol(&self.out, CONTRACT), &source)?;
            let solc = Solc::find()?;
            let verifier = rep.step("compile verifier (solc, no optimizer)", || {
                compile_verifier(&solc, &source, CONTRACT, n)
            })?;
            if verifier.runtime_size > EIP170_LIMIT {
                rep.warn(format!(
                    "verifier runtime {} bytes exceeds EIP-170 ({EIP170_LIMIT})",
                    verifier.runtime_size
                ));
            }
            let (instances, bytes) = (proof.instance_values()?, proof.proof_bytes()?);
            let check = rep.step("revm: verify (and reject a tampered proof)", || {
                evm_verify(&verifier.creation_code(), &instances, &bytes)
            })?;
            write_json(&self.out.join(paths::VERIFIER_JSON), &verifier)?;
            rep.set("verifierRuntimeBytes", verifier.runtime_size);
            rep.set("verifierDeployBytes", verifier.deploy_size);
            rep.set("revmGas", check.gas);
            rep.line(format!(
                "verifier   {} bytes runtime, {} creation; {} gas in revm",
                verifier.runtime_size, verifier.deploy_size, check.gas
            ));
        }
        rep.line(format!("written    {}", self.out.join(paths::AGGREGATION).display()));
        Ok(())
    }
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
