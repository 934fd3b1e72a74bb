//! The way back from the chain: a position from the 290 model inputs that
//! `ChessGame.modelInputs()` returns, checked against the legal-move mask they carry.

use crate::encoding::{
    decode_move_mask, CASTLING_INDEX, EP_INDEX, HALFMOVE_INDEX, INPUT_COUNT, PLY_INDEX, SIDE_INDEX,
};
use crate::moves::{piece_letter, square_name};
use crate::position::Position;
use crate::{Error, Result};

/// The position the model inputs describe. Fails with the offending index and value when a
/// field is out of range, and when the legal-move mask is not exactly the legal moves of the
/// position (the on-chain and the Rust move generators would then disagree).
pub fn decode_position(inputs: &[i64]) -> Result<Position> {
    if inputs.len() != INPUT_COUNT {
        return Err(Error::Inputs(format!("{} values, expected {INPUT_COUNT}", inputs.len())));
    }
    let field = |index: usize, range: std::ops::RangeInclusive<i64>, what: &str| {
        let value = inputs[index];
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(Error::Inputs(format!("{what} (input {index}) is {value}, expected {range:?}")))
        }
    };
    let mut placement = String::new();
    for rank in (0..8).rev() {
        let mut empty = 0;
        for file in 0..8 {
            let sq = rank * 8 + file;
            let code = field(sq, 0..=14, &format!("square {}", square_name(sq as u8)))?;
            if code == 0 {
                empty += 1;
                continue;
            }
            // In 1..=14 (checked above), so the cast is exact.
            let letter = piece_letter(code as u8).ok_or_else(|| {
                Error::Inputs(format!("square {} holds piece code {code}", square_name(sq as u8)))
            })?;
            if empty > 0 {
                placement.push_str(&empty.to_string());
                empty = 0;
            }
            placement.push(letter);
        }
        if empty > 0 {
            placement.push_str(&empty.to_string());
        }
        if rank > 0 {
            placement.push('/');
        }
    }
    let side = if field(SIDE_INDEX, 0..=1, "side to move")? == 0 { "w" } else { "b" };
    let mut castling = String::new();
    for (i, letter) in ['K', 'Q', 'k', 'q'].into_iter().enumerate() {
        if field(CASTLING_INDEX + i, 0..=1, "castling flag")? == 1 {
            castling.push(letter);
        }
    }
    if castling.is_empty() {
        castling.push('-');
    }
    let ep = match field(EP_INDEX, -1..=63, "en-passant square")? {
        -1 => "-".to_owned(),
        sq => square_name(sq as u8),
    };
    let halfmove = field(HALFMOVE_INDEX, 0..=100, "halfmove clock")?;
    let ply = field(PLY_INDEX, 0..=i64::from(u16::MAX) * 2, "ply")?;
    let fen = format!("{placement} {side} {castling} {ep} {halfmove} {}", ply / 2 + 1);
    let position = Position::from_fen(&fen)?;
    if i64::from(position.ply()) != ply {
        return Err(Error::Inputs(format!("ply {ply} does not match the side to move ({side}) in {fen}")));
    }
    let mask = decode_move_mask(inputs)?;
    if mask != position.legal_moves() {
        return Err(Error::Inputs(format!(
            "the legal-move mask ({} moves) is not the legal moves of {fen} ({} moves)",
            mask.len(),
            position.legal_moves().len()
        )));
    }
    Ok(position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::encode_inputs;
    use crate::play::random_opening;
    use rand::SeedableRng;

    #[test]
    fn decoding_inverts_encoding() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for plies in [0, 1, 2, 9, 30] {
            let position = random_opening(plies, &mut rng).expect("opening");
            let inputs = encode_inputs(&position).expect("encodes");
            assert_eq!(decode_position(&inputs).expect("decodes").fen(), position.fen());
        }
    }

    #[test]
    fn inconsistent_inputs_are_refused() {
        let start = encode_inputs(&Position::start()).expect("encodes");
        let mut wrong_piece = start.clone();
        wrong_piece[0] = 7;
        let mut wrong_side = start.clone();
        wrong_side[SIDE_INDEX] = 1;
        let mut missing_move = start.clone();
        missing_move[crate::encoding::MOVES_OFFSET + 19] = 0;
        for (inputs, needle) in
            [(&wrong_piece, "square a1"), (&wrong_side, "ply 0"), (&missing_move, "legal-move mask")]
        {
            let e = decode_position(inputs).expect_err("refused").to_string();
            assert!(e.contains(needle), "{e}");
        }
        assert!(decode_position(&start[1..]).is_err());
    }
}
