//! The chess game (`contracts/chess/ChessGame.sol`): deploy, read, vote, finalize, AI moves.

use std::collections::BTreeMap;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::Provider;
use alloy::sol;
use zkinfer_evm::{CompiledContract, Solc};

use crate::client::{confirm, Chain, Deployed, TxInfo};
use crate::contracts::OPTIMIZER_RUNS;
use crate::error::rpc;
use crate::{Error, Result};

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    ChessGame,
    "abi/ChessGame.json"
);

/// Gas limit of `submitAiMove`. Explicit because a failing verification inside it is not a
/// cheap revert: the generated verifier burns what it is given, so the move is simulated first
/// and only a verifying one is sent. A measured AI move costs about 580,000 gas.
pub const AI_MOVE_GAS_LIMIT: u64 = 2_000_000;

/// Move value of a vote to resign (`ChessGame.RESIGN`).
pub const RESIGN: u16 = 0xFFFF;

/// The sources `ChessGame` is compiled from, keyed by their path under `contracts/`.
pub fn chess_sources() -> BTreeMap<String, String> {
    macro_rules! source {
        ($path:literal) => {
            ($path.to_owned(), include_str!(concat!("../../../contracts/", $path)).to_owned())
        };
    }
    BTreeMap::from([
        source!("interfaces/IInferenceVerifier.sol"),
        source!("interfaces/IModelRegistry.sol"),
        source!("interfaces/IModelRegistryErrors.sol"),
        source!("libraries/InstanceEncoding.sol"),
        source!("chess/ChessBoard.sol"),
        source!("chess/ChessEncoding.sol"),
        source!("chess/ChessGame.sol"),
        source!("chess/ChessMoveGen.sol"),
        source!("chess/ChessRules.sol"),
        source!("chess/interfaces/IChessErrors.sol"),
        source!("chess/interfaces/IChessGame.sol"),
        source!("chess/interfaces/IChessGameErrors.sol"),
        source!("chess/interfaces/IChessGameEvents.sol"),
    ])
}

/// Compiles `ChessGame`, optimized as forge builds it.
pub fn compile_chess_game(solc: &Solc) -> Result<CompiledContract> {
    let mut all = solc.compile(&chess_sources(), Some(OPTIMIZER_RUNS))?;
    Ok(all.remove("ChessGame").ok_or_else(|| zkinfer_evm::Error::NoContract("ChessGame".into()))?)
}

/// A new game's settings (the constructor's arguments besides verifier and model).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GameSettings {
    /// The side the World plays: 0 white, 1 black.
    pub world_side: u8,
    /// Seconds each World voting round lasts.
    pub round_seconds: u64,
    /// Seconds the AI has for each move.
    pub ai_seconds: u64,
    /// Smallest stake of one vote, in wei.
    pub minimum_stake: U256,
    /// The AI side's account, paid the World's pot when the AI wins; `None`: the deployer.
    pub beneficiary: Option<Address>,
}

/// Whose turn it is (`GamePhase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The World votes.
    WorldToMove,
    /// The AI's proven move is due.
    AiToMove,
    /// The game has ended.
    Over,
}

/// A game's state as its views report it.
#[derive(Clone, Debug)]
pub struct GameView {
    /// The game's address.
    pub address: Address,
    /// Whose turn.
    pub phase: Phase,
    /// The side the World plays: 0 white, 1 black.
    pub world_side: u8,
    /// The current (or last) World round.
    pub round: u64,
    /// End of the open round, or the AI's deadline (unix seconds).
    pub deadline: u64,
    /// The latest block's timestamp.
    pub now: u64,
    /// Plies played.
    pub ply: u64,
    /// The 290 model inputs of the position (`modelInputs()`).
    pub inputs: Vec<i64>,
    /// `GameEnding` (0 while the game goes on).
    pub ending: u8,
    /// `GameResult` from the World's view (0 ongoing, 1 World won, 2 AI won, 3 draw).
    pub result: u8,
    /// The current round's tally: total stake, leading move, its support.
    pub tally: (U256, u64, U256),
    /// The model the AI's moves must be proven with.
    pub model_id: B256,
    /// The registry the game verifies through.
    pub registry: Address,
    /// The circuit's model commitment the registry records for `model_id`.
    pub model_commitment: B256,
    /// Smallest stake of one vote, in wei.
    pub minimum_stake: U256,
}

impl Chain {
    /// Deploys a `ChessGame` that checks AI moves through `verifier` (the registry) for
    /// `model_id`.
    pub async fn deploy_chess_game(
        &self,
        creation_code: &[u8],
        verifier: Address,
        model_id: B256,
        settings: GameSettings,
    ) -> Result<Deployed> {
        let args = alloy::sol_types::SolConstructor::abi_encode(&ChessGame::constructorCall {
            verifier,
            model: model_id,
            side: settings.world_side,
            roundSeconds: U256::from(settings.round_seconds),
            aiSeconds: U256::from(settings.ai_seconds),
            minStake: settings.minimum_stake,
            aiSide: settings.beneficiary.unwrap_or(self.sender),
        });
        self.deploy("ChessGame", [creation_code, &args].concat()).await
    }

    /// Reads a game's state.
    pub async fn chess_view(&self, game: Address) -> Result<GameView> {
        if self.code_size(game).await? == 0 {
            return Err(Error::Input(format!("no contract at {game} on chain {}", self.chain_id)));
        }
        let g = ChessGame::new(game, self.provider());
        let phase = match g.phase().call().await.map_err(rpc("phase"))? {
            0 => Phase::WorldToMove,
            1 => Phase::AiToMove,
            _ => Phase::Over,
        };
        let round = g.currentRound().call().await.map_err(rpc("currentRound"))?;
        let tally = g.roundTally(round).call().await.map_err(rpc("roundTally"))?;
        let outcome = g.outcome().call().await.map_err(rpc("outcome"))?;
        let inputs = g.modelInputs().call().await.map_err(rpc("modelInputs"))?;
        let inputs = inputs
            .iter()
            .map(|v| i64::try_from(*v).map_err(|_| Error::Input(format!("model input {v} does not fit i64"))))
            .collect::<Result<Vec<_>>>()?;
        let model_id = g.modelId().call().await.map_err(rpc("modelId"))?;
        let registry = g.inferenceVerifier().call().await.map_err(rpc("inferenceVerifier"))?;
        let model_commitment = crate::ModelRegistry::new(registry, self.provider())
            .getModel(model_id)
            .call()
            .await
            .map_err(rpc("getModel"))?
            .commitment;
        Ok(GameView {
            address: game,
            phase,
            world_side: g.worldSide().call().await.map_err(rpc("worldSide"))?,
            round: narrow(round, "round")?,
            deadline: narrow(g.deadline().call().await.map_err(rpc("deadline"))?, "deadline")?,
            now: self.latest_timestamp().await?,
            ply: narrow(g.ply().call().await.map_err(rpc("ply"))?, "ply")?,
            inputs,
            ending: outcome.ending,
            result: outcome.result,
            tally: (tally.totalStake, narrow(tally.leadingMove, "leading move")?, tally.leadingSupport),
            model_id,
            registry,
            model_commitment,
            minimum_stake: g.minimumStake().call().await.map_err(rpc("minimumStake"))?,
        })
    }

    /// Votes `stake` wei for `move_code` (or [`RESIGN`]) in `round`.
    pub async fn chess_vote(&self, game: Address, round: u64, move_code: u16, stake: U256) -> Result<TxInfo> {
        let g = ChessGame::new(game, self.provider());
        let call = g.vote(U256::from(round), U256::from(move_code)).value(stake);
        call.call().await.map_err(rpc("vote"))?;
        let receipt = confirm("vote", call.send().await.map_err(rpc("vote"))?).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// Finalizes `round` (after its deadline): plays the winning move.
    pub async fn chess_finalize(&self, game: Address, round: u64) -> Result<TxInfo> {
        let g = ChessGame::new(game, self.provider());
        let call = g.finalizeRound(U256::from(round));
        call.call().await.map_err(rpc("finalizeRound"))?;
        let receipt = confirm("finalizeRound", call.send().await.map_err(rpc("finalizeRound"))?).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// Submits the AI's move at `ply` with its proof; simulated first, so that a proof that
    /// does not verify comes back as the game's error instead of a transaction burning its gas.
    pub async fn chess_submit_ai_move(
        &self,
        game: Address,
        ply: u64,
        move_code: u16,
        proof: &[u8],
    ) -> Result<TxInfo> {
        let g = ChessGame::new(game, self.provider());
        let call = g
            .submitAiMove(U256::from(ply), U256::from(move_code), Bytes::copy_from_slice(proof))
            .gas(AI_MOVE_GAS_LIMIT);
        call.call().await.map_err(rpc("submitAiMove"))?;
        let receipt = confirm("submitAiMove", call.send().await.map_err(rpc("submitAiMove"))?).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// The latest block's timestamp.
    pub async fn latest_timestamp(&self) -> Result<u64> {
        let block = self
            .provider()
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(|e| Error::Rpc { action: "eth_getBlockByNumber".into(), reason: e.to_string() })?
            .ok_or_else(|| Error::Rpc {
                action: "eth_getBlockByNumber".into(),
                reason: "no latest block".into(),
            })?;
        Ok(block.header.timestamp)
    }

    /// Moves a development chain's clock forward by `seconds` and mines a block
    /// (`evm_increaseTime` + `evm_mine`, as anvil and hardhat offer; a public chain refuses).
    pub async fn increase_time(&self, seconds: u64) -> Result<()> {
        let action = |m: &str| format!("{m} (only development chains such as anvil allow it)");
        self.provider()
            .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(|e| Error::Rpc { action: action("evm_increaseTime"), reason: e.to_string() })?;
        self.provider()
            .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
            .await
            .map_err(|e| Error::Rpc { action: action("evm_mine"), reason: e.to_string() })?;
        Ok(())
    }
}

fn narrow<T: TryInto<u64>>(value: T, what: &str) -> Result<u64> {
    value.try_into().map_err(|_| Error::Input(format!("{what} does not fit 64 bits")))
}
