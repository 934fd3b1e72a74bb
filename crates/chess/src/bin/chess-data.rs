//! Training data, the forge cross-check fixture, model inputs and strength matches.

use clap::{Parser, Subcommand, ValueEnum};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use zkinfer_chess::{
    encode_inputs, generate, play_game, random_opening, random_positions, write_fixture, DataConfig, Ending,
    Engine, GameResult, Player, Policy, Position, Result, Tally, INPUT_COUNT,
};

#[derive(Debug, Parser)]
#[command(about = "Chess data for zkinfer's policy model")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Opponent {
    Random,
    Engine,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Seeded games mixing engine and random moves; one line per position: the 290 model
    /// inputs, then the engine's move code.
    Positions {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        games: u32,
        #[arg(long, default_value_t = 3)]
        depth: u32,
        /// Each game starts with a uniform number of random plies in 0..=this.
        #[arg(long, default_value_t = 8)]
        opening_plies: u32,
        /// Later plies are random with this probability (per mille).
        #[arg(long, default_value_t = 200)]
        random_per_mille: u32,
        #[arg(long, default_value_t = 160)]
        max_plies: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Seeded random positions with their legal move codes (forge cross-check fixture).
    Fixtures {
        #[arg(long, default_value_t = 5)]
        seed: u64,
        #[arg(long, default_value_t = 50)]
        count: usize,
        #[arg(long, default_value_t = 120)]
        max_plies: u32,
        #[arg(long, default_value = "fixtures/chess/random-positions.json")]
        out: PathBuf,
    },
    /// The model inputs of a position as EZKL-style JSON: {"input_data": [[290 ints]]}.
    Encode {
        /// A FEN, or "startpos".
        #[arg(long, default_value = "startpos")]
        fen: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The policy against a random mover or the engine, both colours.
    Match {
        #[arg(long)]
        weights: PathBuf,
        #[arg(long, value_enum)]
        opponent: Opponent,
        /// Games in total (half with each colour).
        #[arg(long, default_value_t = 50)]
        games: u32,
        #[arg(long, default_value_t = 3)]
        depth: u32,
        #[arg(long, default_value_t = 1000)]
        seed: u64,
        /// Random plies before each game (so that games between deterministic players differ).
        #[arg(long, default_value_t = 0)]
        opening_plies: u32,
        /// Games still running after this many plies count as draws (the fifty-move rule
        /// usually ends them first).
        #[arg(long, default_value_t = 1000)]
        max_plies: u32,
    },
    /// Top-1 agreement of the policy with the labels of a `positions` file.
    Agree {
        #[arg(long)]
        weights: PathBuf,
        #[arg(long)]
        data: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Positions { seed, games, depth, opening_plies, random_per_mille, max_plies, out } => {
            let start = Instant::now();
            let config = DataConfig { seed, games, depth, opening_plies, random_per_mille, max_plies };
            let stats = generate(&config, &out)?;
            println!(
                "{}: {} games, {} positions, {} engine nodes, {:.1} s",
                out.display(),
                stats.games,
                stats.positions,
                stats.nodes,
                start.elapsed().as_secs_f64()
            );
        }
        Command::Fixtures { seed, count, max_plies, out } => {
            let fixture = random_positions(seed, count, max_plies)?;
            write_fixture(&fixture, &out)?;
            println!("{}: {} positions", out.display(), fixture.count);
        }
        Command::Encode { fen, out } => {
            let position = if fen == "startpos" { Position::start() } else { Position::from_fen(&fen)? };
            let inputs = encode_inputs(&position)?;
            let json = serde_json::json!({ "input_data": [inputs] });
            let text = format!("{json}\n");
            std::fs::write(&out, text)
                .map_err(|source| zkinfer_chess::Error::Io { path: out.clone(), source })?;
            println!("{}: {} inputs of {}", out.display(), INPUT_COUNT, position.fen());
        }
        Command::Match { weights, opponent, games, depth, seed, opening_plies, max_plies } => {
            let policy = Policy::load(&weights)?;
            let start = Instant::now();
            let mut tally = Tally::default();
            let mut plies = 0u64;
            let mut endings = std::collections::BTreeMap::<String, u32>::new();
            for game in 0..games {
                let game_seed = seed.wrapping_add(u64::from(game / 2));
                let mut rng = ChaCha8Rng::seed_from_u64(game_seed);
                // Games 2k and 2k+1 share the opening and the random mover's seed.
                let opening = random_opening(opening_plies, &mut rng)?;
                let colour = (game % 2) as u8;
                let mut us = Player::Policy(&policy);
                let mut them = match opponent {
                    Opponent::Random => Player::Random(Box::new(rng)),
                    Opponent::Engine => Player::Engine(Engine::new(depth)),
                };
                let (result, n) = if colour == 0 {
                    play_game(opening, &mut us, &mut them, max_plies)?
                } else {
                    play_game(opening, &mut them, &mut us, max_plies)?
                };
                plies += u64::from(n);
                tally.add(result, colour);
                let name = match result {
                    GameResult::Ended(Ending::Checkmate { winner }) if winner == colour => {
                        "policy mates".to_owned()
                    }
                    GameResult::Ended(Ending::Checkmate { .. }) => "policy mated".to_owned(),
                    other => format!("{other:?}"),
                };
                *endings.entry(name).or_default() += 1;
            }
            println!(
                "policy vs {opponent:?}: {games} games, +{} ={} -{} (W/D/L; {} draws at the {max_plies}-ply limit), {plies} plies, {:.1} s",
                tally.wins,
                tally.draws,
                tally.losses,
                tally.ply_limit,
                start.elapsed().as_secs_f64()
            );
            println!("endings: {endings:?}");
        }
        Command::Agree { weights, data } => {
            let policy = Policy::load(&weights)?;
            let text = std::fs::read_to_string(&data)
                .map_err(|source| zkinfer_chess::Error::Io { path: data.clone(), source })?;
            let (mut agree, mut total) = (0u64, 0u64);
            for (n, line) in text.lines().enumerate() {
                let values: Vec<i64> = line
                    .split_ascii_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .map_err(|e| zkinfer_chess::Error::Inputs(format!("line {}: {e}", n + 1)))?;
                if values.len() != INPUT_COUNT + 1 {
                    return Err(zkinfer_chess::Error::Inputs(format!(
                        "line {}: {} values, expected {}",
                        n + 1,
                        values.len(),
                        INPUT_COUNT + 1
                    )));
                }
                let chosen = policy.best_code_of_inputs(&values[..INPUT_COUNT])?;
                agree += u64::from(i64::from(chosen) == values[INPUT_COUNT]);
                total += 1;
            }
            println!(
                "top-1 agreement with the labels: {agree}/{total} = {:.1}%",
                100.0 * agree as f64 / total.max(1) as f64
            );
        }
    }
    Ok(())
}
