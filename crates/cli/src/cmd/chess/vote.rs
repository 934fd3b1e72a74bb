use anyhow::bail;
use zkinfer_chain::{Phase, RESIGN, U256};

use super::{position_of, runtime_block_on, show};
use crate::opts::ChessVoteArgs;
use crate::output::Reporter;

impl ChessVoteArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let view = runtime_block_on(async {
            let (chain, game, view) = self.game.view_in(Phase::WorldToMove).await?;
            if view.now >= view.deadline {
                bail!(
                    "round {} closed at {} (block time {}); run `zkinfer chess finalize`",
                    view.round,
                    view.deadline,
                    view.now
                );
            }
            let (code, name) = if self.mv.trim().eq_ignore_ascii_case("resign") {
                (RESIGN, "resign".to_owned())
            } else {
                let m = position_of(&view)?.parse_move(&self.mv)?;
                (m.code(), m.uci())
            };
            let stake = self.stake.map_or(view.minimum_stake, U256::from);
            if stake < view.minimum_stake {
                bail!("a stake of {stake} wei is below the game's minimum of {} wei", view.minimum_stake);
            }
            let start = std::time::Instant::now();
            let tx = chain.chess_vote(game, view.round, code, stake).await?;
            rep.record("vote", start.elapsed().as_secs_f64(), true);
            rep.line(format!(
                "voted      {name} with {stake} wei in round {}: {} gas (tx {})",
                view.round, tx.gas_used, tx.hash
            ));
            rep.set("voteGas", tx.gas_used);
            anyhow::Ok(chain.chess_view(game).await?)
        })?;
        show(&view, rep)
    }
}
