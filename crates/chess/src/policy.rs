//! The trained policy's float forward pass (the same network as `models/chess/policy.onnx`,
//! before the circuit's fixed-point rounding), for matches and agreement checks.

use crate::encoding::{decode_move_mask, BOARD_INPUTS, SIDE_INDEX};
use crate::moves::ChessMove;
use crate::position::Position;
use crate::{error, Error, Result};
use serde::Deserialize;
use std::path::Path;

/// Piece codes of the one-hot planes, in plane order.
pub const PLANE_CODES: [u8; 12] = [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14];

/// The policy's weights as `models/chess/train.py` writes them (row-major matrices).
#[derive(Clone, Debug, Deserialize)]
pub struct Policy {
    /// Hidden width.
    hidden: usize,
    /// `[768][hidden]`: feature `square * 12 + plane` to hidden unit.
    w1: Vec<f32>,
    /// `[hidden]`: side to move (0/1) to hidden unit.
    side: Vec<f32>,
    /// `[hidden]`.
    b1: Vec<f32>,
    /// `[hidden][128]`: hidden unit to the 64 origin then 64 target logits.
    w2: Vec<f32>,
    /// `[128]`.
    b2: Vec<f32>,
    /// Added per unit of the promotion piece type (queen highest).
    promotion_bonus: f32,
}

impl Policy {
    /// Reads and checks a weights file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(error::io(path))?;
        let policy: Self = serde_json::from_str(&text).map_err(error::json(path))?;
        policy.check()?;
        Ok(policy)
    }

    /// Parses and checks weights given as JSON text.
    pub fn from_json(text: &str) -> Result<Self> {
        let policy: Self =
            serde_json::from_str(text).map_err(|e| Error::Weights(format!("not a weights file: {e}")))?;
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<()> {
        let h = self.hidden;
        let shapes = [
            ("w1", self.w1.len(), 768 * h),
            ("side", self.side.len(), h),
            ("b1", self.b1.len(), h),
            ("w2", self.w2.len(), h * 128),
            ("b2", self.b2.len(), 128),
        ];
        for (name, got, want) in shapes {
            if got != want {
                return Err(Error::Weights(format!("{name} has {got} values, expected {want}")));
            }
        }
        Ok(())
    }

    /// The 64 origin logits then the 64 target logits of a position.
    pub fn logits(&self, position: &Position) -> Vec<f32> {
        let codes: Vec<u8> = (0..64u8).map(|sq| position.piece_code(sq)).collect();
        self.logits_of(&codes, position.side())
    }

    /// The logits from the 64 piece codes and the side to move (model inputs 0..=64).
    fn logits_of(&self, codes: &[u8], side: u8) -> Vec<f32> {
        let h = self.hidden;
        let side = f32::from(side);
        let mut hidden: Vec<f32> = (0..h).map(|j| self.b1[j] + side * self.side[j]).collect();
        for (sq, &code) in codes.iter().enumerate().take(64) {
            if let Some(plane) = PLANE_CODES.iter().position(|&c| c == code) {
                let row = (sq * 12 + plane) * h;
                for (acc, w) in hidden.iter_mut().zip(&self.w1[row..row + h]) {
                    *acc += w;
                }
            }
        }
        let mut out = self.b2.clone();
        for (j, &x) in hidden.iter().enumerate() {
            let x = x.max(0.0);
            if x != 0.0 {
                for (o, w) in out.iter_mut().zip(&self.w2[j * 128..(j + 1) * 128]) {
                    *o += x * w;
                }
            }
        }
        out
    }

    /// The model's output for raw inputs (290 values): the code of the best listed move, 0 if
    /// the mask is empty.
    pub fn best_code_of_inputs(&self, inputs: &[i64]) -> Result<u16> {
        let moves = decode_move_mask(inputs)?;
        let mut codes = Vec::with_capacity(64);
        for &v in &inputs[..BOARD_INPUTS] {
            match u8::try_from(v) {
                Ok(c) if c == 0 || PLANE_CODES.contains(&c) => codes.push(c),
                _ => return Err(Error::Inputs(format!("{v} is not a piece code"))),
            }
        }
        let side = match inputs[SIDE_INDEX] {
            0 => 0,
            1 => 1,
            v => return Err(Error::Inputs(format!("side to move {v}"))),
        };
        let logits = self.logits_of(&codes, side);
        Ok(self.argmax(&logits, moves).map_or(0, ChessMove::code))
    }

    fn argmax(&self, logits: &[f32], moves: Vec<ChessMove>) -> Option<ChessMove> {
        let mut best: Option<(ChessMove, f32)> = None;
        for m in moves {
            let s = self.score(logits, m);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((m, s));
            }
        }
        best.map(|(m, _)| m)
    }

    fn score(&self, logits: &[f32], m: ChessMove) -> f32 {
        logits[usize::from(m.from)]
            + logits[64 + usize::from(m.to)]
            + self.promotion_bonus * f32::from(m.promotion)
    }

    /// The score of each legal move (ascending codes), as the model's slots score them.
    pub fn scores(&self, position: &Position) -> Vec<(ChessMove, f32)> {
        let logits = self.logits(position);
        position.legal_moves().into_iter().map(|m| (m, self.score(&logits, m))).collect()
    }

    /// The argmax over the legal moves (the first of equal scores, as ONNX ArgMax), `None`
    /// without legal moves.
    pub fn best_move(&self, position: &Position) -> Option<ChessMove> {
        self.argmax(&self.logits(position), position.legal_moves())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::encode_inputs;

    fn zero_policy(hidden: usize, w1_len: usize) -> String {
        serde_json::json!({
            "hidden": hidden,
            "w1": vec![0.0; w1_len],
            "side": vec![0.0; hidden],
            "b1": vec![0.0; hidden],
            "w2": vec![0.0; hidden * 128],
            "b2": vec![0.0; 128],
            "promotion_bonus": 0.0625,
        })
        .to_string()
    }

    #[test]
    fn rejects_wrong_shapes_and_bad_inputs() {
        assert!(matches!(Policy::from_json(&zero_policy(4, 10)), Err(Error::Weights(_))));
        assert!(Policy::from_json("{}").is_err());
        let policy = Policy::from_json(&zero_policy(4, 768 * 4)).expect("valid");
        let mut inputs = encode_inputs(&Position::start()).expect("encodes");
        inputs[3] = 7; // not a piece code
        assert!(policy.best_code_of_inputs(&inputs).is_err());
        assert!(policy.best_code_of_inputs(&inputs[..10]).is_err());
    }

    #[test]
    fn equal_scores_pick_the_first_move_and_queen_promotions_win() {
        let policy = Policy::from_json(&zero_policy(4, 768 * 4)).expect("valid");
        let start = Position::start();
        let inputs = encode_inputs(&start).expect("encodes");
        // All scores 0: the first listed move, as ONNX ArgMax.
        assert_eq!(policy.best_code_of_inputs(&inputs).expect("ok"), 640);
        assert_eq!(policy.best_move(&start).map(ChessMove::code), Some(640));
        let promo = Position::from_fen("4k3/1P6/8/8/8/8/8/4K3 w - - 0 1").expect("fen");
        let best = policy.best_move(&promo).expect("a move");
        assert_eq!(best.uci(), "b7b8q");
    }
}
