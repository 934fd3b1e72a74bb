use anyhow::bail;
use zkinfer_chain::Phase;

use super::{move_name, runtime_block_on, show};
use crate::opts::ChessFinalizeArgs;
use crate::output::Reporter;

impl ChessFinalizeArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let view = runtime_block_on(async {
            let (chain, game, view) = self.game.view_in(Phase::WorldToMove).await?;
            if view.now < view.deadline {
                let wait = view.deadline - view.now;
                if !self.warp {
                    bail!(
                        "round {} is open for another {wait} s (until block time {}); wait, or pass --warp on a development chain",
                        view.round,
                        view.deadline
                    );
                }
                chain.increase_time(wait).await?;
                rep.note(format!("warped the chain's clock {wait} s forward (evm_increaseTime)"));
            }
            let (total, leading, _) = view.tally;
            let start = std::time::Instant::now();
            let tx = chain.chess_finalize(game, view.round).await?;
            rep.record("finalize round", start.elapsed().as_secs_f64(), true);
            if total.is_zero() {
                rep.line(format!("round {} had no votes: extended ({} gas)", view.round, tx.gas_used));
            } else {
                rep.line(format!(
                    "played     {} (round {}): {} gas (tx {})",
                    move_name(leading),
                    view.round,
                    tx.gas_used,
                    tx.hash
                ));
            }
            rep.set("finalizeGas", tx.gas_used);
            anyhow::Ok(chain.chess_view(game).await?)
        })?;
        show(&view, rep)
    }
}
