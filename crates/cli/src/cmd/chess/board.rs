use super::{runtime_block_on, show};
use crate::opts::ChessGameArgs;
use crate::output::Reporter;

impl ChessGameArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let view = runtime_block_on(async {
            let (chain, game) = self.connect().await?;
            anyhow::Ok(chain.chess_view(game).await?)
        })?;
        show(&view, rep)
    }
}
