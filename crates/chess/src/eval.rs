//! Static evaluation: material plus piece-square terms written for this crate (simple
//! formulas: centralisation, pawn advance, rooks on the seventh, king shelter then activity).

use cozy_chess::{Board, Color, Piece, Square};

/// Material values in centipawns, indexed by `Piece as usize`.
pub(crate) const VALUES: [i32; 6] = [100, 320, 330, 500, 900, 0];

/// 0..=6, higher nearer the centre (3 per axis).
fn centrality(file: i32, rank: i32) -> i32 {
    (7 - (2 * file - 7).abs()) / 2 + (7 - (2 * rank - 7).abs()) / 2
}

/// Piece-square bonus for a piece of White on (file, rank); Black's mirror the rank.
/// `endgame` is 0..=24 (24 = no pieces left besides kings and pawns).
fn square_bonus(piece: Piece, file: i32, rank: i32, endgame: i32) -> i32 {
    let c = centrality(file, rank);
    match piece {
        Piece::Pawn => {
            let centre = if (3..=4).contains(&file) && rank >= 3 { 12 } else { 0 };
            // Advanced pawns matter more once pieces are off.
            (rank - 1) * (4 + endgame / 3) + centre
        }
        Piece::Knight => 8 * c - 24,
        Piece::Bishop => 4 * c - 10,
        Piece::Rook => {
            if rank == 6 {
                15
            } else {
                i32::from((2..=5).contains(&file)) * 4
            }
        }
        Piece::Queen => 2 * c - 6,
        Piece::King => {
            let shelter = if rank == 0 && !(3..=4).contains(&file) { 20 } else { -12 * rank };
            (shelter * (24 - endgame) + 6 * c * endgame) / 24
        }
    }
}

/// The evaluation in centipawns from the side to move's point of view.
pub(crate) fn evaluate(board: &Board) -> i32 {
    // Phase: knights and bishops 1, rooks 2, queens 4; 24 in the initial position.
    let phase = (board.pieces(Piece::Knight).len() + board.pieces(Piece::Bishop).len()) as i32
        + 2 * board.pieces(Piece::Rook).len() as i32
        + 4 * board.pieces(Piece::Queen).len() as i32;
    let endgame = 24 - phase.min(24);
    let mut score = 0;
    for piece in Piece::ALL {
        for colour in Color::ALL {
            for sq in board.colored_pieces(colour, piece) {
                let v = VALUES[piece as usize] + bonus(piece, colour, sq, endgame);
                score += if colour == Color::White { v } else { -v };
            }
        }
    }
    if board.side_to_move() == Color::White {
        score
    } else {
        -score
    }
}

fn bonus(piece: Piece, colour: Color, sq: Square, endgame: i32) -> i32 {
    let file = sq.file() as i32;
    let rank = sq.rank() as i32;
    let rank = if colour == Color::White { rank } else { 7 - rank };
    square_bonus(piece, file, rank, endgame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_position_is_balanced_and_symmetric() {
        assert_eq!(evaluate(&Board::default()), 0);
        let b: Board = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1".parse().expect("fen");
        // White's centre pawn is good for White, so bad for Black to move.
        assert!(evaluate(&b) < 0);
    }
}
