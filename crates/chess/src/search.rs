//! A small deterministic alpha-beta engine: fixed depth, captures searched to quiet positions,
//! captures ordered most valuable victim first. It labels the training positions.

use crate::eval::{evaluate, VALUES};
use crate::moves::ChessMove;
use crate::position::Position;
use cozy_chess::{Board, Move, Piece};

const MATE: i32 = 30_000;
const INFINITY: i32 = 32_000;
/// Captures are searched at most this many plies beyond the fixed depth.
const QUIESCENCE_PLIES: u32 = 8;

/// The engine: negamax alpha-beta to a fixed depth. Same position, same move, always.
#[derive(Clone, Copy, Debug)]
pub struct Engine {
    depth: u32,
}

/// The engine's answer for a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchResult {
    /// The chosen move.
    pub best: ChessMove,
    /// Its score in centipawns for the side to move (mates near +-30000).
    pub score: i32,
    /// Positions visited.
    pub nodes: u64,
}

impl Engine {
    /// An engine searching `depth` plies (at least 1) plus captures.
    pub fn new(depth: u32) -> Self {
        Self { depth: depth.max(1) }
    }

    /// The fixed depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The best move, `None` if the side to move has none. Ties go to the move searched first
    /// (captures by value, then ascending move code).
    pub fn search(&self, position: &Position) -> Option<SearchResult> {
        let board = position.board();
        let mut nodes = 0;
        let moves = ordered_moves(board, position, false);
        let mut alpha = -INFINITY;
        let mut best = None;
        for (_, mv) in moves {
            let mut child = board.clone();
            child.play_unchecked(mv);
            let score = -negamax(&child, self.depth - 1, 1, -INFINITY, -alpha, &mut nodes);
            if best.is_none() || score > alpha {
                alpha = score;
                best = Some(position.to_chess_move(mv));
            }
        }
        best.map(|best| SearchResult { best, score: alpha, nodes })
    }
}

fn negamax(board: &Board, depth: u32, ply: i32, mut alpha: i32, beta: i32, nodes: &mut u64) -> i32 {
    *nodes += 1;
    if !board.generate_moves(|_| true) {
        return if board.checkers().is_empty() { 0 } else { -(MATE - ply) };
    }
    if board.halfmove_clock() >= 100 {
        return 0;
    }
    if depth == 0 {
        return quiesce(board, QUIESCENCE_PLIES, alpha, beta, nodes);
    }
    for (_, mv) in ordered_board_moves(board, false) {
        let mut child = board.clone();
        child.play_unchecked(mv);
        let score = -negamax(&child, depth - 1, ply + 1, -beta, -alpha, nodes);
        if score >= beta {
            return score;
        }
        alpha = alpha.max(score);
    }
    alpha
}

fn quiesce(board: &Board, left: u32, mut alpha: i32, beta: i32, nodes: &mut u64) -> i32 {
    *nodes += 1;
    let stand = evaluate(board);
    if stand >= beta || left == 0 {
        return stand;
    }
    alpha = alpha.max(stand);
    for (_, mv) in ordered_board_moves(board, true) {
        let mut child = board.clone();
        child.play_unchecked(mv);
        let score = -quiesce(&child, left - 1, -beta, -alpha, nodes);
        if score >= beta {
            return score;
        }
        alpha = alpha.max(score);
    }
    alpha
}

/// Root moves in search order, using the game's move codes for the tie order.
fn ordered_moves(board: &Board, position: &Position, captures_only: bool) -> Vec<(i32, Move)> {
    let mut moves = collect(board, captures_only);
    moves.sort_by_key(|&(key, mv)| (-key, position.to_chess_move(mv).code()));
    moves
}

fn ordered_board_moves(board: &Board, captures_only: bool) -> Vec<(i32, Move)> {
    let mut moves = collect(board, captures_only);
    moves.sort_by_key(|&(key, mv)| (-key, mv.from as u8, mv.to as u8));
    moves
}

/// Legal moves with an ordering key: captures and promotions by victim value minus a tenth of
/// the attacker's, quiet moves 0.
fn collect(board: &Board, captures_only: bool) -> Vec<(i32, Move)> {
    let us = board.side_to_move();
    let them = board.colors(!us);
    let mut out = Vec::with_capacity(48);
    board.generate_moves(|piece_moves| {
        let attacker = VALUES[piece_moves.piece as usize];
        for mv in piece_moves {
            let victim = if them.has(mv.to) {
                board.piece_on(mv.to).map(|p| VALUES[p as usize])
            } else if piece_moves.piece == Piece::Pawn && mv.from.file() != mv.to.file() {
                Some(VALUES[Piece::Pawn as usize]) // en passant
            } else {
                None
            };
            let promotion = mv.promotion.map_or(0, |p| VALUES[p as usize]);
            if victim.is_none() && promotion == 0 {
                if !captures_only {
                    out.push((0, mv));
                }
                continue;
            }
            let key = 1 + victim.unwrap_or(0) + promotion - attacker / 10 + 100;
            out.push((key, mv));
        }
        false
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(fen: &str, depth: u32) -> String {
        let p = Position::from_fen(fen).expect("fen");
        Engine::new(depth).search(&p).expect("a move").best.uci()
    }

    #[test]
    fn finds_mate_in_one_and_wins_material() {
        // Back-rank mate.
        assert_eq!(best("6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", 2), "a1a8");
        // A free queen.
        assert_eq!(best("4k3/8/8/3q4/8/8/3R4/4K3 w - - 0 1", 2), "d2d5");
    }

    #[test]
    fn deterministic_and_none_without_moves() {
        let p = Position::start();
        let e = Engine::new(3);
        assert_eq!(e.search(&p), e.search(&p));
        let mated = Position::from_fen("R5k1/5ppp/8/8/8/8/8/6K1 b - - 1 1").expect("fen");
        assert!(e.search(&mated).is_none());
    }
}
