//! Players and games under the on-chain rules, for data generation and strength tests.

use crate::moves::ChessMove;
use crate::policy::Policy;
use crate::position::{Ending, Position};
use crate::search::Engine;
use crate::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Something that picks a move.
#[derive(Debug)]
pub enum Player<'a> {
    /// A uniformly random legal move from a seeded generator.
    Random(Box<ChaCha8Rng>),
    /// The search engine.
    Engine(Engine),
    /// The trained policy's float forward pass.
    Policy(&'a Policy),
}

impl Player<'_> {
    /// The move this player makes, `None` if there is none.
    pub fn choose(&mut self, position: &Position) -> Option<ChessMove> {
        match self {
            Player::Random(rng) => random_move(position, rng),
            Player::Engine(engine) => engine.search(position).map(|r| r.best),
            Player::Policy(policy) => policy.best_move(position),
        }
    }
}

/// A uniformly random legal move.
pub fn random_move(position: &Position, rng: &mut ChaCha8Rng) -> Option<ChessMove> {
    let moves = position.legal_moves();
    if moves.is_empty() {
        return None;
    }
    moves.get(rng.gen_range(0..moves.len())).copied()
}

/// How a game ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameResult {
    /// Ended under the rules.
    Ended(Ending),
    /// Stopped at the ply limit and counted as a draw.
    PlyLimit,
}

impl GameResult {
    /// Points for White: 1, 0.5 or 0.
    pub fn white_points(self) -> f32 {
        match self {
            GameResult::Ended(Ending::Checkmate { winner: 0 }) => 1.0,
            GameResult::Ended(Ending::Checkmate { .. }) => 0.0,
            _ => 0.5,
        }
    }
}

/// Plays from `position` until the game ends or `max_plies` more plies are played.
pub fn play_game<'a>(
    mut position: Position,
    white: &mut Player<'a>,
    black: &mut Player<'a>,
    max_plies: u32,
) -> Result<(GameResult, u32)> {
    for ply in 0..max_plies {
        if let Some(ending) = position.ending() {
            return Ok((GameResult::Ended(ending), ply));
        }
        let player = if position.side() == 0 { &mut *white } else { &mut *black };
        // `ending` is None, so there is a legal move.
        let Some(m) = player.choose(&position) else {
            return Ok((GameResult::Ended(Ending::Stalemate), ply));
        };
        position.play(m)?;
    }
    Ok((position.ending().map_or(GameResult::PlyLimit, GameResult::Ended), max_plies))
}

/// Wins, draws and losses from one player's point of view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Games won.
    pub wins: u32,
    /// Games drawn (including games stopped at the ply limit).
    pub draws: u32,
    /// Of the draws, games stopped at the ply limit.
    pub ply_limit: u32,
    /// Games lost.
    pub losses: u32,
}

impl Tally {
    /// Adds a game in which the player had `colour` (0 white, 1 black).
    pub fn add(&mut self, result: GameResult, colour: u8) {
        let white = result.white_points();
        let points = if colour == 0 { white } else { 1.0 - white };
        if points > 0.75 {
            self.wins += 1;
        } else if points < 0.25 {
            self.losses += 1;
        } else {
            self.draws += 1;
            if result == GameResult::PlyLimit {
                self.ply_limit += 1;
            }
        }
    }
}

/// A position after `plies` uniformly random plies from the start (fewer if the game ends).
pub fn random_opening(plies: u32, rng: &mut ChaCha8Rng) -> Result<Position> {
    let mut position = Position::start();
    for _ in 0..plies {
        if position.ending().is_some() {
            break;
        }
        if let Some(m) = random_move(&position, rng) {
            position.play(m)?;
        }
    }
    Ok(position)
}
