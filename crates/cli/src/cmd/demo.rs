use zkinfer_chain::{compile as compile_contracts, Chain, LocalNode, ModelEntry};
use zkinfer_evm::{Solc, EIP170_LIMIT};
use zkinfer_model::dequantize;

use super::compile::compile;
use super::create_evm_verifier::create_evm_verifier;
use super::demo_batch::{check_batch_size, prove_batch, verify_batch_onchain, Level, RootVerifier};
use super::deploy::{register_verified_model, timed, VerifierPlan};
use super::prove::prove;
use super::runtime;
use super::setup::setup;
use super::verify_onchain::{check_rejections, verify_onchain};
use crate::opts::DemoArgs;
use crate::output::Reporter;

impl DemoArgs {
    /// The whole pipeline on one model, against a local anvil started here.
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir;
        let visibility = self.visibility.visibilities();
        if let Some(n) = self.aggregate {
            check_batch_size(n)?;
            if !visibility.is_default() {
                anyhow::bail!(
                    "--aggregate: aggregation takes public inputs and outputs and fixed weights only, not {visibility}"
                );
            }
        }
        let compiled = compile(&self.model, Some(&self.input), self.scales.scales(), visibility, dir, rep)?;
        let (srs, keys) = setup(&compiled, &self.srs, &self.layout, dir, rep)?;
        let (proof, fidelity) = prove(&compiled, &srs, &keys, &self.input, dir, rep)?;
        // prove() has verified the proof natively already; it never returns one that fails.
        let instances = proof.instance_values()?;
        let proof_bytes = proof.proof_bytes()?;
        let (verifier, revm) = create_evm_verifier(&compiled, &srs, keys.vk(), Some(&proof), dir, rep)?;
        let batch = match self.aggregate {
            Some(n) => Some(prove_batch(
                &compiled,
                &srs,
                &keys,
                &self.input,
                n,
                self.aggregate_k,
                self.aggregate_root_k,
                &self.srs,
                self.layout.memory.budget().as_ref(),
                dir,
                rep,
            )?),
            None => None,
        };
        // The summary's first lines, the same with and without the on-chain steps.
        let title = match visibility.is_default() {
            true => format!("zkinfer demo: {} ({})", compiled.model.name, compiled.op_types.join(", ")),
            false => format!(
                "zkinfer demo: {} ({}; {visibility})",
                compiled.model.name,
                compiled.op_types.join(", ")
            ),
        };
        let head = [
            title,
            format!("  model commitment      {}", compiled.model_id),
            format!(
                "  circuit               k={}, {} advice cells",
                keys.settings.layout.k(),
                keys.settings.layout.advice_cells
            ),
            format!("  proof                 {} bytes, {} public values", proof_bytes.len(), instances.len()),
            format!(
                "  verifier              {} bytes runtime, {} bytes creation code",
                verifier.runtime_size, verifier.deploy_size
            ),
        ]
        .into_iter()
        .chain(revm.map(|r| format!("  verifier alone        {} gas (revm, transaction)", r.gas)));
        if !visibility.is_default() {
            head.for_each(|l| rep.line(l));
            rep.line(
                "  on-chain              skipped (RiskOracle reads public values): use `zkinfer deploy` and `verify-onchain`"
                    .to_string(),
            );
            return Ok(());
        }

        let node = rep.step("start anvil (local chain)", LocalNode::start)?;
        rep.note(format!("anvil at {} (chain id {})", node.endpoint(), node.chain_id()));
        let key = node.dev_key(0).ok_or_else(|| anyhow::anyhow!("anvil printed no dev keys"))?;
        let solc = Solc::find()?;
        let contracts = rep.step("compile ModelRegistry + RiskOracle (solc)", || compile_contracts(&solc))?;
        let plan = VerifierPlan::read(dir, false, &solc, rep)?;
        let rt = runtime()?;
        let deployments_dir = dir.join("deployments");
        // The demo's chain is new: addresses of an earlier run mean nothing on it.
        let stale = zkinfer_chain::Deployments::path(&deployments_dir, node.chain_id());
        if stale.exists() {
            std::fs::remove_file(&stale)?;
        }
        let (deployed, onchain, batch_gas) = rt.block_on(async {
            let chain = Chain::connect(&node.endpoint(), &key).await?;
            let entry = ModelEntry::of(&compiled, proof.proof_bytes()?.len())?;
            let mut deployed =
                register_verified_model(&chain, &deployments_dir, &compiled, &entry, &plan, &contracts, rep)
                    .await?;
            let (registry, id) = (deployed.registry, deployed.model_id);
            // The demo's consumer: a RiskOracle pinned to the registry's id of the model.
            let oracle = chain.deploy_risk_oracle(&contracts.risk_oracle.bytecode, registry, id);
            let consumer = timed(rep, "deploy RiskOracle consumer", oracle).await?.address;
            deployed.record(&deployments_dir, &compiled, Some(consumer), rep)?;
            rep.set("consumer", consumer.to_string());
            let onchain = verify_onchain(&chain, registry, id, consumer, &proof, rep).await?;
            check_rejections(&chain, registry, id, Some(consumer), &proof, rep).await?;
            let batch_gas = match &batch {
                Some(b) => {
                    let root = RootVerifier::choose(self.universal_root, b);
                    let verified = verify_batch_onchain(
                        &chain,
                        registry,
                        deployed.model_verifier,
                        &entry,
                        b,
                        root,
                        &solc,
                        rep,
                    );
                    Some((verified.await?, root))
                }
                None => None,
            };
            anyhow::Ok((deployed, onchain, batch_gas))
        })?;
        drop(node);

        let scale = proof.output_scale;
        head.for_each(|l| rep.line(l));
        rep.line(format!(
            "  verifyInference       {} gas (transaction through the registry)",
            onchain.verify_gas
        ));
        rep.line(format!(
            "  consumer action       {} gas (RiskOracle.postAssessment: verification + state update, tx {})",
            onchain.consumer_tx.gas_used, onchain.consumer_tx.hash
        ));
        match deployed.model_verifier.version {
            0 => rep.line(format!("  verifier address      {}", deployed.verifier.address)),
            v => rep.line(format!(
                "  verifying key         {} ({} bytes; universal verifier version {v})",
                deployed.verifier.address, deployed.verifier.code_size
            )),
        }
        rep.line(format!("  registry model id     {} (derived by the registry)", deployed.model_id));
        rep.line(format!(
            "  oracle                risk class {}, max LTV {} -> {} bps",
            onchain.class_after, onchain.ltv_before, onchain.ltv_after
        ));
        rep.line("  outputs               proven (dequantized)   float (tract)".to_string());
        for (i, (&q, &f)) in proof.outputs.iter().zip(&fidelity.float).enumerate() {
            rep.line(format!(
                "    [{i}]                 {:>+12.5}           {:>+12.5}",
                dequantize(q, scale),
                f
            ));
        }
        rep.line(format!(
            "  float vs quantized    max abs error {:.5}, max rel error {:.4}, argmax {}",
            fidelity.max_abs_error,
            fidelity.max_rel_error,
            if fidelity.argmax_agrees { "agrees" } else { "differs" }
        ));
        rep.line("  rejected on-chain     flipped proof byte, changed input, changed output".to_string());
        if let Some(b) = &batch {
            let n = b.proof.members.len();
            let level = |label: &str, what: &str, l: &Level| {
                format!(
                    "  {label} {what}, k={}, {} advice columns: keygen {:.1} s, prove {:.1} s",
                    l.k, l.num_advice, l.keygen_seconds, l.prove_seconds
                )
            };
            match &b.leaf {
                Some(leaf) => {
                    let line = level("aggregation (leaf)   ", &format!("{n} inferences"), leaf);
                    rep.line(format!("{line}, proof {} bytes", leaf.proof_bytes));
                    rep.line(level("aggregation (root)   ", "the leaf proof", &b.root));
                }
                None => rep.line(level("aggregation          ", &format!("{n} inferences"), &b.root)),
            }
            rep.line(format!(
                "  aggregation proof     {} bytes + {} public values; verifier {} bytes runtime",
                b.proof.proof_bytes()?.len(),
                b.proof.instances.len(),
                b.verifier.runtime_size
            ));
            let generated = match b.revm_gas {
                Some(alone) => format!("{} bytes, {alone} gas alone in revm", b.verifier.runtime_size),
                None => format!("{} bytes: over EIP-170 ({EIP170_LIMIT})", b.verifier.runtime_size),
            };
            if let Some((gas, root)) = batch_gas {
                let by = match root {
                    RootVerifier::Universal => {
                        format!("the universal verifier; snark-verifier's {generated}")
                    }
                    RootVerifier::Generated => format!("snark-verifier's verifier, {generated}"),
                };
                rep.line(format!(
                    "  verifyInferenceBatch  {gas} gas for {n} ({} per inference; checked by {by})",
                    gas / n as u64
                ));
                rep.line(
                    "  rejected (batch)      flipped proof byte, flipped accumulator byte, changed member input, changed member output"
                        .to_string(),
                );
            }
        }
        Ok(())
    }
}
