//! Training data: seeded games mixing engine and random moves; every position is written with
//! the engine's move for it.

use crate::encoding::encode_inputs;
use crate::play::random_move;
use crate::position::Position;
use crate::search::Engine;
use crate::{error, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::Path;

/// How the games are played.
#[derive(Clone, Copy, Debug)]
pub struct DataConfig {
    /// Seed of game `i` is `seed + i`.
    pub seed: u64,
    /// Number of games.
    pub games: u32,
    /// Engine search depth.
    pub depth: u32,
    /// Random plies at the start of every game: a uniform count in `0..=opening_plies`.
    pub opening_plies: u32,
    /// After the opening, the probability (per mille) that a random move is played instead of
    /// the engine's.
    pub random_per_mille: u32,
    /// Games stop after this many plies.
    pub max_plies: u32,
}

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DataStats {
    /// Games played.
    pub games: u32,
    /// Positions written (one line each).
    pub positions: u64,
    /// Positions the engine visited.
    pub nodes: u64,
}

/// Plays the games and writes one line per position: the 290 model inputs then the engine's
/// move code, space separated.
pub fn generate(config: &DataConfig, out: &Path) -> Result<DataStats> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(error::io(dir))?;
    }
    let file = std::fs::File::create(out).map_err(error::io(out))?;
    let mut w = std::io::BufWriter::new(file);
    let engine = Engine::new(config.depth);
    let mut stats = DataStats::default();
    for game in 0..config.games {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(u64::from(game)));
        let opening = rng.gen_range(0..=config.opening_plies);
        let mut position = Position::start();
        for ply in 0..config.max_plies {
            if position.ending().is_some() {
                break;
            }
            let Some(result) = engine.search(&position) else {
                break;
            };
            stats.nodes += result.nodes;
            let inputs = encode_inputs(&position)?;
            let mut line = String::with_capacity(1200);
            for v in &inputs {
                line.push_str(&v.to_string());
                line.push(' ');
            }
            line.push_str(&result.best.code().to_string());
            writeln!(w, "{line}").map_err(error::io(out))?;
            stats.positions += 1;
            let random = ply < opening || rng.gen_range(0..1000) < config.random_per_mille;
            let m =
                if random { random_move(&position, &mut rng).unwrap_or(result.best) } else { result.best };
            position.play(m)?;
        }
        stats.games += 1;
    }
    w.flush().map_err(error::io(out))?;
    Ok(stats)
}
