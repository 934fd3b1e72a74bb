use std::time::Instant;

use anyhow::{bail, Context};
use zkinfer_chain::{Phase, B256};
use zkinfer_chess::ChessMove;
use zkinfer_model::CompiledModel;

use super::super::prove::prove;
use super::super::runtime;
use super::super::setup::setup;
use super::{position_of, show};
use crate::opts::ChessAiMoveArgs;
use crate::output::Reporter;
use crate::paths;

impl ChessAiMoveArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let dir = &self.game.dir;
        let compiled = CompiledModel::read(&dir.join(paths::COMPILED)).with_context(|| {
            format!("the chess model in {}: run `zkinfer chess deploy` first", dir.display())
        })?;
        let rt = runtime()?;
        let (chain, game, view) = rt.block_on(self.game.view_in(Phase::AiToMove))?;
        let commitment = B256::from(compiled.id());
        if view.model_commitment != commitment {
            bail!(
                "the game accepts proofs of model {} (commitment {}), but {} holds model {commitment}",
                view.model_id,
                view.model_commitment,
                dir.display()
            );
        }
        let position = position_of(&view)?;
        rep.note(format!("position on chain: {} (ply {})", position.fen(), view.ply));

        // The model's inputs are exactly what the game reads from its own storage.
        let input_path = dir.join(format!("ai-input-ply{}.json", view.ply));
        let input = serde_json::json!({ "input_data": [view.inputs] });
        std::fs::write(&input_path, input.to_string())
            .with_context(|| format!("writing {}", input_path.display()))?;
        let (srs, keys) = setup(&compiled, &self.srs, &self.layout, dir, rep)?;
        let start = Instant::now();
        let (proof, _) = prove(&compiled, &srs, &keys, &input_path, dir, rep)?;
        let prove_secs = start.elapsed().as_secs_f64();
        let [code] = proof.outputs[..] else {
            bail!("the chess model gave {} outputs, expected one move code", proof.outputs.len());
        };
        let chosen = ChessMove::from_code(code)?;
        if !position.legal_moves().contains(&chosen) {
            bail!("the model chose {} (code {code}), not a legal move in {}", chosen.uci(), position.fen());
        }
        let bytes = proof.proof_bytes()?;
        let submit = Instant::now();
        let tx = rt.block_on(chain.chess_submit_ai_move(game, view.ply, chosen.code(), &bytes))?;
        rep.record("submitAiMove", submit.elapsed().as_secs_f64(), true);
        rep.line(format!(
            "AI plays   {} at ply {}: witness + proof {prove_secs:.1} s ({} bytes), submitAiMove {} gas (tx {})",
            chosen.uci(),
            view.ply,
            bytes.len(),
            tx.gas_used,
            tx.hash
        ));
        rep.set("aiMove", chosen.uci());
        rep.set("proveSeconds", prove_secs);
        rep.set("aiMoveGas", tx.gas_used);
        let after = rt.block_on(chain.chess_view(game))?;
        show(&after, rep)
    }
}
