//! Move codes as `ChessBoard.sol` defines them.

use crate::{Error, Result};

/// Piece type numbers of `ChessBoard.sol` (the colour adds [`BLACK`]).
pub const PAWN: u8 = 1;
/// Knight.
pub const KNIGHT: u8 = 2;
/// Bishop.
pub const BISHOP: u8 = 3;
/// Rook.
pub const ROOK: u8 = 4;
/// Queen.
pub const QUEEN: u8 = 5;
/// King.
pub const KING: u8 = 6;
/// Colour bit of a piece code: set for black pieces.
pub const BLACK: u8 = 8;

/// A move in the on-chain game's terms: squares `8 * rank + file` (0 = a1, 63 = h8), the
/// promotion piece type (0 or [`KNIGHT`]..=[`QUEEN`]); castling is the king's two-square move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChessMove {
    /// Origin square.
    pub from: u8,
    /// Target square.
    pub to: u8,
    /// Promotion piece type, 0 if none.
    pub promotion: u8,
}

impl ChessMove {
    /// The 15-bit code `from << 9 | to << 3 | promotion`.
    pub fn code(self) -> u16 {
        (u16::from(self.from) << 9) | (u16::from(self.to) << 3) | u16::from(self.promotion)
    }

    /// The move of a code; fails unless the code has 15 bits, distinct squares and a promotion
    /// of 0 or 2..=5. Legality in a position is [`crate::Position::move_of_code`]'s business.
    pub fn from_code(code: i64) -> Result<Self> {
        if !(0..1 << 15).contains(&code) {
            return Err(Error::MoveCode(code));
        }
        let from = ((code >> 9) & 63) as u8;
        let to = ((code >> 3) & 63) as u8;
        let promotion = (code & 7) as u8;
        if from == to || !(promotion == 0 || (KNIGHT..=QUEEN).contains(&promotion)) {
            return Err(Error::MoveCode(code));
        }
        Ok(Self { from, to, promotion })
    }

    /// Long algebraic notation, e.g. `e2e4`, `e7e8q`.
    pub fn uci(self) -> String {
        let mut s = format!("{}{}", square_name(self.from), square_name(self.to));
        if let Some(c) = [b'n', b'b', b'r', b'q'].get(usize::from(self.promotion).wrapping_sub(2)).copied() {
            s.push(char::from(c));
        }
        s
    }
}

/// The FEN letter of a piece code: upper case White, lower case Black; `None` for an empty
/// square or a code that is no piece.
pub(crate) fn piece_letter(code: u8) -> Option<char> {
    let letter = *b"PNBRQK".get(usize::from(code & !BLACK).checked_sub(1)?)?;
    let letter = char::from(letter);
    Some(if code & BLACK != 0 { letter.to_ascii_lowercase() } else { letter })
}

/// The name of a square, e.g. `e4`.
pub fn square_name(sq: u8) -> String {
    let file = char::from(b'a' + (sq & 7));
    let rank = char::from(b'1' + ((sq >> 3) & 7));
    format!("{file}{rank}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_valid_code_round_trips() {
        let mut valid = 0;
        for code in 0..1i64 << 15 {
            if let Ok(m) = ChessMove::from_code(code) {
                assert_eq!(i64::from(m.code()), code);
                valid += 1;
            }
        }
        // 64 * 63 square pairs, 5 promotion values each.
        assert_eq!(valid, 64 * 63 * 5);
    }

    #[test]
    fn examples_and_rejections() {
        let e2e4 = ChessMove { from: 12, to: 28, promotion: 0 };
        assert_eq!(e2e4.code(), 12 << 9 | 28 << 3);
        assert_eq!(e2e4.uci(), "e2e4");
        let promo = ChessMove::from_code(52 << 9 | 60 << 3 | 5).expect("valid");
        assert_eq!(promo.uci(), "e7e8q");
        for bad in [-1, 0, 1 << 15, 12 << 9 | 28 << 3 | 1, 12 << 9 | 28 << 3 | 6] {
            assert!(ChessMove::from_code(bad).is_err(), "{bad}");
        }
    }
}
