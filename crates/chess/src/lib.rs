#![doc = include_str!("../README.md")]

mod datagen;
mod decode;
mod encoding;
mod error;
mod eval;
mod fixtures;
mod moves;
mod play;
mod policy;
mod position;
mod search;

pub use datagen::{generate, DataConfig, DataStats};
pub use decode::decode_position;
pub use encoding::{
    decode_move_mask, encode_inputs, BOARD_INPUTS, CASTLING_INDEX, EP_INDEX, HALFMOVE_INDEX, INPUT_COUNT,
    MAX_LEGAL_MOVES, MOVES_OFFSET, PLY_INDEX, SIDE_INDEX,
};
pub use error::{Error, Result};
pub use fixtures::{random_positions, write_fixture, Fixture, FixturePosition};
pub use moves::{square_name, ChessMove, BISHOP, BLACK, KING, KNIGHT, PAWN, QUEEN, ROOK};
pub use play::{play_game, random_move, random_opening, GameResult, Player, Tally};
pub use policy::{Policy, PLANE_CODES};
pub use position::{Ending, Position};
pub use search::{Engine, SearchResult};
