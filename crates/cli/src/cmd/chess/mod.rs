//! `zkinfer chess`: the "Leela vs the World" game on a chain (docs/chess.md).

mod ai_move;
mod board;
mod deploy;
mod finalize;
mod vote;

use anyhow::Context;
use zkinfer_chain::{Address, Chain, Deployments, GameView, Phase};
use zkinfer_chess::{decode_position, ChessMove, Position};
use zkinfer_model::CompiledModel;

use crate::opts::{ChessCommand, ChessGameArgs};
use crate::output::Reporter;
use crate::paths;

impl ChessCommand {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        match self {
            Self::Deploy(args) => args.run(rep),
            Self::Board(args) => args.run(rep),
            Self::Vote(args) => args.run(rep),
            Self::Finalize(args) => args.run(rep),
            Self::AiMove(args) => args.run(rep),
        }
    }
}

impl ChessGameArgs {
    /// Connects and finds the game: `--game`, else the consumer recorded for the chess model
    /// compiled in `--dir`.
    pub(crate) async fn connect(&self) -> anyhow::Result<(Chain, Address)> {
        let chain = Chain::connect(&self.chain.rpc_url, &self.chain.private_key).await?;
        if let Some(game) = &self.game {
            let address = game.parse().with_context(|| format!("--game `{game}` is not an address"))?;
            return Ok((chain, address));
        }
        let compiled_path = self.dir.join(paths::COMPILED);
        let compiled = CompiledModel::read(&compiled_path).with_context(|| {
            format!("pass --game, or run `zkinfer chess deploy --dir {}` first", self.dir.display())
        })?;
        let book = Deployments::read(&self.chain.deployments, chain.chain_id)?;
        let recorded = book
            .as_ref()
            .and_then(|b| b.find_commitment(&compiled.model_id))
            .and_then(|(_, m)| m.consumer.clone());
        let game = recorded.with_context(|| {
            format!(
                "no game recorded for model {} in {}; pass --game or run `zkinfer chess deploy`",
                compiled.model_id,
                Deployments::path(&self.chain.deployments, chain.chain_id).display()
            )
        })?;
        Ok((chain, game.parse().with_context(|| format!("recorded game `{game}` is not an address"))?))
    }
}

impl ChessGameArgs {
    /// Connects, finds the game and reads it; fails unless it is in `phase`.
    pub(crate) async fn view_in(&self, phase: Phase) -> anyhow::Result<(Chain, Address, GameView)> {
        let (chain, game) = self.connect().await?;
        let view = chain.chess_view(game).await?;
        if view.phase != phase {
            let wanted = match phase {
                Phase::WorldToMove => "a World round",
                Phase::AiToMove => "the AI's turn",
                Phase::Over => "over",
            };
            anyhow::bail!("the game at {game} is not in {wanted} (phase {:?})", view.phase);
        }
        Ok((chain, game, view))
    }
}

/// The position on chain, cross-checked: the game's legal-move mask must be exactly the Rust
/// move generator's legal moves.
pub(crate) fn position_of(view: &GameView) -> anyhow::Result<Position> {
    decode_position(&view.inputs).with_context(|| format!("the position of the game at {}", view.address))
}

/// The move name of a code as the game stores it (`resign` for the resignation vote).
pub(crate) fn move_name(code: u64) -> String {
    if code == u64::from(zkinfer_chain::RESIGN) {
        return "resign".into();
    }
    i64::try_from(code)
        .ok()
        .and_then(|c| ChessMove::from_code(c).ok())
        .map_or_else(|| format!("#{code}"), ChessMove::uci)
}

/// Prints the board and the game's state.
pub(crate) fn show(view: &GameView, rep: &mut Reporter) -> anyhow::Result<()> {
    let position = position_of(view)?;
    let world = if view.world_side == 0 { "White" } else { "Black" };
    for line in position.diagram().lines() {
        rep.line(line.to_owned());
    }
    rep.line(format!("game       {} (World plays {world}, model {})", view.address, view.model_id));
    rep.line(format!("fen        {}", position.fen()));
    let left = view.deadline.saturating_sub(view.now);
    match view.phase {
        Phase::WorldToMove => {
            let (total, leading, support) = view.tally;
            rep.line(format!(
                "turn       World, round {} ({} legal moves), closes in {left} s (block time {} / deadline {})",
                view.round,
                position.legal_moves().len(),
                view.now,
                view.deadline
            ));
            if total.is_zero() {
                rep.line("tally      no votes yet".to_owned());
            } else {
                rep.line(format!(
                    "tally      {total} wei staked, leading {} with {support} wei",
                    move_name(leading)
                ));
            }
        }
        Phase::AiToMove => rep.line(format!("turn       AI (proof due within {left} s)")),
        Phase::Over => {
            let result =
                ["ongoing", "the World won", "the AI won", "draw"].get(usize::from(view.result)).copied();
            let ending = [
                "",
                "checkmate",
                "stalemate",
                "fifty-move rule",
                "insufficient material",
                "resignation",
                "AI timeout",
                "threefold repetition",
            ]
            .get(usize::from(view.ending))
            .copied();
            rep.line(format!("over       {} ({})", result.unwrap_or("?"), ending.unwrap_or("?")));
        }
    }
    rep.set("game", view.address.to_string());
    rep.set("fen", position.fen());
    rep.set("ply", view.ply);
    rep.set("phase", format!("{:?}", view.phase));
    rep.set("round", view.round);
    Ok(())
}

/// Runs a chain step on a fresh runtime.
pub(crate) fn runtime_block_on<T>(
    fut: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    super::runtime()?.block_on(fut)
}
