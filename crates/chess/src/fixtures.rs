//! The cross-check fixture: seeded random positions with their legal move codes, for
//! `tests/forge/chess/ChessMoveGenCrossCheck.t.sol`.

use crate::encoding::{encode_inputs, MOVES_OFFSET};
use crate::play::random_move;
use crate::position::Position;
use crate::{error, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::path::Path;

/// One position of the fixture.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FixturePosition {
    /// The position.
    pub fen: String,
    /// Its model inputs 0..72 (piece codes, side, castling, en passant, clocks); the rest of
    /// the 290 inputs are `moves` then zeros.
    pub inputs_head: Vec<i64>,
    /// Its legal move codes, ascending.
    pub moves: Vec<u16>,
}

/// The fixture file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Fixture {
    /// How it was made.
    pub generator: String,
    /// The seed.
    pub seed: u64,
    /// Number of positions.
    pub count: usize,
    /// The positions.
    pub positions: Vec<FixturePosition>,
}

/// Kinds of positions the fixture is made to contain, so that every special rule is
/// exercised: (kind, share of the positions in per cent).
const QUOTAS: [(Kind, usize); 5] = [
    (Kind::EnPassant, 15),
    (Kind::Promotion, 15),
    (Kind::Castling, 15),
    (Kind::Check, 15),
    (Kind::Other, 40),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An en-passant capture is legal.
    EnPassant,
    /// A promotion is legal.
    Promotion,
    /// Castling is legal.
    Castling,
    /// The side to move is in check.
    Check,
    /// None of the above.
    Other,
}

fn kind(position: &Position) -> Kind {
    let moves = position.legal_moves();
    let ep = position.ep_square();
    let pawn = |sq: u8| position.piece_code(sq) & 7 == crate::PAWN;
    let king = |sq: u8| position.piece_code(sq) & 7 == crate::KING;
    if moves.iter().any(|m| Some(m.to) == ep && pawn(m.from)) {
        Kind::EnPassant
    } else if moves.iter().any(|m| m.promotion != 0) {
        Kind::Promotion
    } else if moves.iter().any(|m| king(m.from) && m.from.abs_diff(m.to) == 2) {
        Kind::Castling
    } else if position.in_check() {
        Kind::Check
    } else {
        Kind::Other
    }
}

/// `count` positions, each after a seeded number (1..=max_plies) of random plies from the
/// start, chosen so that about 15% each have a legal en-passant capture, a legal promotion, a
/// legal castling move, or the side to move in check (the rest anything else); positions where
/// the game is over are skipped. Kinds that random play does not reach within 200,000 walks
/// are filled with other positions.
pub fn random_positions(seed: u64, count: usize, max_plies: u32) -> Result<Fixture> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut quota: Vec<(Kind, usize)> = QUOTAS.iter().map(|&(k, pct)| (k, count * pct / 100)).collect();
    let assigned: usize = quota.iter().map(|q| q.1).sum();
    if let Some(other) = quota.iter_mut().find(|q| q.0 == Kind::Other) {
        other.1 += count - assigned;
    }
    let mut positions = Vec::with_capacity(count);
    let mut walks = 0u32;
    while positions.len() < count {
        walks += 1;
        let plies = rng.gen_range(1..=max_plies.max(1));
        let mut position = Position::start();
        for _ in 0..plies {
            if position.ending().is_some() {
                break;
            }
            if let Some(m) = random_move(&position, &mut rng) {
                position.play(m)?;
            }
        }
        if position.ending().is_some() {
            continue;
        }
        let k = if walks > 200_000 { Kind::Other } else { kind(&position) };
        let Some(slot) = quota.iter_mut().find(|q| q.0 == k && q.1 > 0) else {
            if walks > 200_000 {
                // Give up on the rare kinds: take anything.
                positions.push(entry(&position)?);
            }
            continue;
        };
        slot.1 -= 1;
        positions.push(entry(&position)?);
    }
    Ok(Fixture {
        generator: format!(
            "cargo run -p zkinfer-chess --bin chess-data -- fixtures --seed {seed} --count {count} --max-plies {max_plies}"
        ),
        seed,
        count,
        positions,
    })
}

fn entry(position: &Position) -> Result<FixturePosition> {
    let mut inputs = encode_inputs(position)?;
    inputs.truncate(MOVES_OFFSET);
    Ok(FixturePosition { fen: position.fen(), inputs_head: inputs, moves: position.legal_codes() })
}

/// Writes the fixture as JSON, one position per line.
pub fn write_fixture(fixture: &Fixture, out: &Path) -> Result<()> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(error::io(dir))?;
    }
    let field = |v: &dyn erased::Json| v.json().map_err(error::json(out));
    let mut text = format!(
        "{{\n  \"generator\": {},\n  \"seed\": {},\n  \"count\": {},\n  \"positions\": [\n",
        field(&fixture.generator)?,
        fixture.seed,
        fixture.count
    );
    for (i, p) in fixture.positions.iter().enumerate() {
        let comma = if i + 1 < fixture.positions.len() { "," } else { "" };
        text.push_str(&format!("    {}{comma}\n", field(p)?));
    }
    text.push_str("  ]\n}\n");
    std::fs::write(out, text).map_err(error::io(out))
}

mod erased {
    /// Serializes to compact JSON (object-safe, for the writer above).
    pub(super) trait Json {
        fn json(&self) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Result<String> {
            serde_json::to_string(self)
        }
    }
}
