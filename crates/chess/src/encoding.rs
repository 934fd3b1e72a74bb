//! The model inputs, exactly as `ChessEncoding.modelInputs` builds them on chain.

use crate::moves::ChessMove;
use crate::position::Position;
use crate::{Error, Result};

/// Inputs describing the squares (indices 0..64).
pub const BOARD_INPUTS: usize = 64;
/// Index of the side to move.
pub const SIDE_INDEX: usize = 64;
/// Index of the first castling flag (K, Q, k, q follow).
pub const CASTLING_INDEX: usize = 65;
/// Index of the en-passant target square (-1 if none).
pub const EP_INDEX: usize = 69;
/// Index of the halfmove clock.
pub const HALFMOVE_INDEX: usize = 70;
/// Index of the ply.
pub const PLY_INDEX: usize = 71;
/// Index of the first move of the legal-move mask.
pub const MOVES_OFFSET: usize = 72;
/// Length of the legal-move mask: the most legal moves any chess position has.
pub const MAX_LEGAL_MOVES: usize = 218;
/// Number of model inputs.
pub const INPUT_COUNT: usize = MOVES_OFFSET + MAX_LEGAL_MOVES;

/// The 290 model inputs of a position: 64 piece codes (a1..h8), side to move, castling K Q k
/// q, en-passant target square or -1, halfmove clock, ply, then the legal move codes
/// ascending and zeros up to 218 moves.
pub fn encode_inputs(position: &Position) -> Result<Vec<i64>> {
    let moves = position.legal_codes();
    if moves.len() > MAX_LEGAL_MOVES {
        return Err(Error::TooManyMoves(moves.len()));
    }
    let mut inputs = Vec::with_capacity(INPUT_COUNT);
    inputs.extend((0..BOARD_INPUTS as u8).map(|sq| i64::from(position.piece_code(sq))));
    inputs.push(i64::from(position.side()));
    inputs.extend(position.castling().map(i64::from));
    inputs.push(position.ep_square().map_or(-1, i64::from));
    inputs.push(i64::from(position.halfmove_clock()));
    inputs.push(i64::from(position.ply()));
    inputs.extend(moves.iter().map(|&m| i64::from(m)));
    inputs.resize(INPUT_COUNT, 0);
    Ok(inputs)
}

/// The legal moves listed in model inputs (the non-zero entries of the mask), checked to be
/// move codes in ascending order.
pub fn decode_move_mask(inputs: &[i64]) -> Result<Vec<ChessMove>> {
    if inputs.len() != INPUT_COUNT {
        return Err(Error::Inputs(format!("{} values, expected {INPUT_COUNT}", inputs.len())));
    }
    let mask = &inputs[MOVES_OFFSET..];
    let count = mask.iter().take_while(|&&c| c != 0).count();
    if mask[count..].iter().any(|&c| c != 0) {
        return Err(Error::Inputs("a move code after the first 0".into()));
    }
    if mask[..count].windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::Inputs("move codes not strictly ascending".into()));
    }
    mask[..count].iter().map(|&c| ChessMove::from_code(c)).collect()
}
