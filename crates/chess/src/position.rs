//! A position of the on-chain game, on cozy-chess's board.

use crate::moves::{piece_letter, ChessMove, BISHOP, BLACK, KING, KNIGHT, PAWN, QUEEN, ROOK};
use crate::{Error, Result};
use cozy_chess::{Board, Color, File, Move, Piece, Square};

/// How a game ends under `ChessRules.sol` (no threefold repetition, no agreed draws).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The side to move is mated; the other side (0 white, 1 black) wins.
    Checkmate {
        /// The winner: 0 white, 1 black.
        winner: u8,
    },
    /// The side to move has no legal move and is not in check.
    Stalemate,
    /// 100 plies without a capture or pawn move.
    FiftyMoveRule,
    /// Neither side can mate (no pawns, rooks or queens; at most one minor piece, or bishops
    /// on one square colour only).
    InsufficientMaterial,
}

/// A chess position with the fields `ChessBoard.sol` keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    board: Board,
}

impl Default for Position {
    fn default() -> Self {
        Self::start()
    }
}

impl Position {
    /// The standard initial position.
    pub fn start() -> Self {
        Self { board: Board::default() }
    }

    /// Parses a FEN (six fields; an en-passant square is accepted only if a pawn just made the
    /// double push, as after every double push on chain; the move generator also rejects a
    /// halfmove clock above 100, where the on-chain game has already ended).
    pub fn from_fen(fen: &str) -> Result<Self> {
        Board::from_fen(fen, false)
            .map(|board| Self { board })
            .map_err(|e| Error::Fen { fen: fen.to_owned(), reason: format!("{e:?}") })
    }

    /// The position as FEN (six fields).
    pub fn fen(&self) -> String {
        self.board.to_string()
    }

    /// The move generator's board.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// The piece code on a square (0 empty, 1..6 white, 9..14 black); 0 off the board.
    pub fn piece_code(&self, sq: u8) -> u8 {
        let Some(&square) = Square::ALL.get(usize::from(sq)) else {
            return 0;
        };
        match (self.board.piece_on(square), self.board.color_on(square)) {
            (Some(piece), Some(colour)) => piece_type(piece) | if colour == Color::Black { BLACK } else { 0 },
            _ => 0,
        }
    }

    /// Side to move: 0 white, 1 black.
    pub fn side(&self) -> u8 {
        u8::from(self.board.side_to_move() == Color::Black)
    }

    /// Castling rights K, Q, k, q.
    pub fn castling(&self) -> [bool; 4] {
        let w = self.board.castle_rights(Color::White);
        let b = self.board.castle_rights(Color::Black);
        [w.short.is_some(), w.long.is_some(), b.short.is_some(), b.long.is_some()]
    }

    /// The en-passant target square (set after every double push, as in FEN and on chain).
    pub fn ep_square(&self) -> Option<u8> {
        let file = self.board.en_passant()? as u8;
        // The pawn that just moved belongs to the side not to move.
        let rank = if self.side() == 0 { 5 } else { 2 };
        Some(rank * 8 + file)
    }

    /// Plies since the last capture or pawn move.
    pub fn halfmove_clock(&self) -> u16 {
        u16::from(self.board.halfmove_clock())
    }

    /// `2 * (fullmove - 1) + side`, the game's position nonce.
    pub fn ply(&self) -> u32 {
        2 * u32::from(self.board.fullmove_number()).saturating_sub(1) + u32::from(self.side())
    }

    /// The legal moves, ascending by code (as `ChessMoveGen.legalMoves` lists them).
    pub fn legal_moves(&self) -> Vec<ChessMove> {
        let mut moves = Vec::with_capacity(64);
        self.board.generate_moves(|piece_moves| {
            for mv in piece_moves {
                moves.push(self.to_chess_move(mv));
            }
            false
        });
        moves.sort_unstable();
        moves
    }

    /// The legal move codes, ascending.
    pub fn legal_codes(&self) -> Vec<u16> {
        self.legal_moves().into_iter().map(ChessMove::code).collect()
    }

    /// Converts the generator's move (castling as king takes rook) to the game's move.
    pub fn to_chess_move(&self, mv: Move) -> ChessMove {
        let mut to = mv.to;
        if self.board.piece_on(mv.from) == Some(Piece::King)
            && self.board.color_on(mv.to) == Some(self.board.side_to_move())
        {
            let file = if mv.to.file() > mv.from.file() { File::G } else { File::C };
            to = Square::new(file, mv.from.rank());
        }
        ChessMove { from: mv.from as u8, to: to as u8, promotion: mv.promotion.map_or(0, piece_type) }
    }

    /// The generator's move for a legal move of the game; fails if it is not legal here.
    pub fn to_generator_move(&self, m: ChessMove) -> Result<Move> {
        let mut found = None;
        self.board.generate_moves(|piece_moves| {
            for mv in piece_moves {
                if self.to_chess_move(mv) == m {
                    found = Some(mv);
                    return true;
                }
            }
            false
        });
        found.ok_or_else(|| Error::IllegalMove { code: m.code(), fen: self.fen() })
    }

    /// Plays a legal move.
    pub fn play(&mut self, m: ChessMove) -> Result<()> {
        let mv = self.to_generator_move(m)?;
        self.board.play_unchecked(mv);
        Ok(())
    }

    /// Plays a legal move given by its code.
    pub fn play_code(&mut self, code: i64) -> Result<()> {
        self.play(ChessMove::from_code(code)?)
    }

    /// The legal move written `text` in long algebraic notation (`e2e4`, `e7e8q`, castling as
    /// the king's move `e1g1`); the error lists the legal moves.
    pub fn parse_move(&self, text: &str) -> Result<ChessMove> {
        let wanted = text.trim().to_ascii_lowercase();
        let legal = self.legal_moves();
        legal.iter().copied().find(|m| m.uci() == wanted).ok_or_else(|| Error::MoveText {
            text: text.to_owned(),
            fen: self.fen(),
            legal: legal.iter().map(|m| m.uci()).collect::<Vec<_>>().join(" "),
        })
    }

    /// The board as text, White at the bottom: upper case White, lower case Black, `.` empty.
    pub fn diagram(&self) -> String {
        let mut out = String::new();
        for rank in (0..8u8).rev() {
            out.push_str(&format!("{} ", rank + 1));
            for file in 0..8u8 {
                out.push(' ');
                out.push(piece_letter(self.piece_code(rank * 8 + file)).unwrap_or('.'));
            }
            out.push('\n');
        }
        out.push_str("   a b c d e f g h\n");
        out
    }

    /// Whether the side to move is in check.
    pub fn in_check(&self) -> bool {
        !self.board.checkers().is_empty()
    }

    /// Whether the game is over under the on-chain rules, checked in `ChessRules.sol`'s order.
    pub fn ending(&self) -> Option<Ending> {
        let has_move = self.board.generate_moves(|_| true);
        if !has_move {
            return Some(if self.board.checkers().is_empty() {
                Ending::Stalemate
            } else {
                Ending::Checkmate { winner: 1 - self.side() }
            });
        }
        if self.board.halfmove_clock() >= 100 {
            return Some(Ending::FiftyMoveRule);
        }
        if self.insufficient_material() {
            return Some(Ending::InsufficientMaterial);
        }
        None
    }

    fn insufficient_material(&self) -> bool {
        let b = &self.board;
        let heavy = b.pieces(Piece::Pawn) | b.pieces(Piece::Rook) | b.pieces(Piece::Queen);
        if !heavy.is_empty() {
            return false;
        }
        let knights = b.pieces(Piece::Knight).len();
        let bishops = b.pieces(Piece::Bishop);
        if knights + bishops.len() <= 1 {
            return true;
        }
        let mut colours = 0u8;
        for sq in bishops {
            let light = (sq.rank() as u8 ^ sq.file() as u8) & 1;
            colours |= 1 << light;
        }
        knights == 0 && colours != 3
    }
}

/// The game's piece type number of a generator piece.
pub(crate) fn piece_type(piece: Piece) -> u8 {
    match piece {
        Piece::Pawn => PAWN,
        Piece::Knight => KNIGHT,
        Piece::Bishop => BISHOP,
        Piece::Rook => ROOK,
        Piece::Queen => QUEEN,
        Piece::King => KING,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_parse_from_text_and_the_board_draws() {
        let start = Position::start();
        assert_eq!(start.parse_move("e2e4").expect("legal").code(), 12 << 9 | 28 << 3);
        assert_eq!(start.parse_move(" G1F3 ").expect("legal").uci(), "g1f3");
        let e = start.parse_move("e2e5").expect_err("illegal").to_string();
        assert!(e.contains("`e2e5` is not a legal move") && e.contains("e2e4"), "{e}");
        let diagram = start.diagram();
        assert!(diagram.starts_with("8  r n b q k b n r\n"), "{diagram}");
        assert!(diagram.contains("1  R N B Q K B N R\n"), "{diagram}");
    }
}
