use zkinfer_chain::{
    compile as compile_contracts, compile_chess_game, Chain, GameSettings, ModelEntry, U256,
};
use zkinfer_evm::{Solc, VkData};
use zkinfer_prover::{check_deploy_srs, LOCAL_CHAIN_ID};

use super::super::compile::compile;
use super::super::create_evm_verifier::create_evm_verifier;
use super::super::deploy::{register_verified_model, timed, VerifierPlan};
use super::super::setup::setup;
use super::{runtime_block_on, show};
use crate::opts::{ChessDeployArgs, Side};
use crate::output::Reporter;

impl ChessDeployArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.dir;
        if self.min_stake == 0 {
            anyhow::bail!("--min-stake must be at least 1 wei");
        }
        // Refuse before minutes of keygen what the SRS check after it would refuse anyway.
        let chain_id = runtime_block_on(async {
            anyhow::Ok(Chain::connect(&self.chain.rpc_url, &self.chain.private_key).await?.chain_id)
        })?;
        if self.srs.srs.is_none() && chain_id != LOCAL_CHAIN_ID && !self.srs_gate.allow_insecure_srs {
            anyhow::bail!(
                "without --srs the chess keys would be made with the INSECURE development SRS, whose secret is \
                 public: anyone could forge AI moves. Refusing to deploy to chain id {chain_id} (only the local \
                 development chain {LOCAL_CHAIN_ID} takes dev-SRS artifacts). Pass --srs <Perpetual Powers of Tau \
                 file>, or --allow-insecure-srs if this chain is a throwaway test network"
            );
        }
        // The game builds public inputs and outputs on chain: the default visibility.
        let visibility = zkinfer_model::Visibilities::default();
        let compiled = compile(&self.model, Some(&self.input), self.scales.scales(), visibility, dir, rep)?;
        let (srs, keys) = setup(&compiled, &self.srs, &self.layout, dir, rep)?;
        let (verifier, _) = create_evm_verifier(&compiled, &srs, keys.vk(), None, dir, rep)?;
        let num_instances = verifier.num_instances;
        // The AI move stays in one transaction under 600,000 gas with snark-verifier's policy
        // verifier (which fits EIP-170 here); the universal verifier costs about 96,000 more.
        let plan = VerifierPlan::SelfContained(Box::new(verifier));
        // No proof exists yet: the registry's proof length comes from the verifying key.
        let proof_length = VkData::new(&srs.params, keys.vk(), num_instances)?.proof_len();
        let entry = ModelEntry::of(&compiled, proof_length)?;
        let solc = Solc::find()?;
        let contracts = rep.step("compile ModelRegistry (solc)", || compile_contracts(&solc))?;
        let game_code = rep.step("compile ChessGame (solc)", || compile_chess_game(&solc))?;
        let settings = GameSettings {
            world_side: u8::from(self.world == Side::Black),
            round_seconds: self.round_seconds,
            ai_seconds: self.ai_seconds,
            minimum_stake: U256::from(self.min_stake),
            beneficiary: self.beneficiary,
        };
        let view = runtime_block_on(async {
            let chain = Chain::connect(&self.chain.rpc_url, &self.chain.private_key).await?;
            // As `zkinfer deploy`: dev-SRS keys go to the local chain only, unless allowed.
            let keys = dir.join(crate::paths::KEYS_DIR);
            if let Some(warning) = check_deploy_srs(&keys, chain.chain_id, self.srs_gate.allow_insecure_srs)?
            {
                rep.warn(warning);
            }
            let deployments = &self.chain.deployments;
            let mut model =
                register_verified_model(&chain, deployments, &compiled, &entry, &plan, &contracts, rep)
                    .await?;
            let game = timed(
                rep,
                "deploy ChessGame",
                chain.deploy_chess_game(&game_code.bytecode, model.registry, model.model_id, settings),
            )
            .await?;
            rep.line(format!("registry   {}", model.registry));
            rep.line(format!(
                "verifier   {} ({} bytes runtime code)",
                model.verifier.address, model.verifier.code_size
            ));
            rep.line(format!(
                "game       {} ({} bytes runtime code, deployed with {} gas)",
                game.address, game.code_size, game.tx.gas_used
            ));
            rep.set("verifierRuntimeBytes", model.verifier.code_size);
            rep.set("gameRuntimeBytes", game.code_size);
            model.record(deployments, &compiled, Some(game.address), rep)?;
            anyhow::Ok(chain.chess_view(game.address).await?)
        })?;
        show(&view, rep)
    }
}
