use zkinfer_chain::{compile as compile_contracts, Chain, LocalNode};
use zkinfer_evm::Solc;
use zkinfer_model::dequantize;

use super::compile::compile;
use super::create_evm_verifier::create_evm_verifier;
use super::deploy::deploy;
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
        let compiled = compile(&self.model, Some(&self.input), self.scales.scales(), visibility, dir, rep)?;
        let (srs, keys) = setup(&compiled, &self.srs, dir, rep)?;
        let (proof, fidelity) = prove(&compiled, &srs, &keys, &self.input, dir, rep)?;
        // prove() has verified the proof natively already; it never returns one that fails.
        let instances = proof.instance_values()?;
        let proof_bytes = proof.proof_bytes()?;
        let (verifier, revm) = create_evm_verifier(&compiled, &srs, keys.vk(), Some(&proof), dir, rep)?;
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
            format!("  model id              {}", compiled.model_id),
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
        let contracts =
            rep.step("compile ModelRegistry + RiskOracle (solc)", || compile_contracts(&Solc::find()?))?;
        let rt = runtime()?;
        let deployments_dir = dir.join("deployments");
        // The demo's chain is new: addresses of an earlier run mean nothing on it.
        let stale = zkinfer_chain::Deployments::path(&deployments_dir, node.chain_id());
        if stale.exists() {
            std::fs::remove_file(&stale)?;
        }
        let (deployed, onchain) = rt.block_on(async {
            let chain = Chain::connect(&node.endpoint(), &key).await?;
            let deployed = deploy(&chain, &deployments_dir, &compiled, &verifier, &contracts, rep).await?;
            let onchain =
                verify_onchain(&chain, deployed.registry, deployed.consumer.address, &proof, rep).await?;
            check_rejections(&chain, deployed.registry, Some(deployed.consumer.address), &proof, rep).await?;
            anyhow::Ok((deployed, onchain))
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
        rep.line(format!("  verifier address      {}", deployed.verifier.address));
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
        Ok(())
    }
}
