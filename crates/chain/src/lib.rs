#![doc = include_str!("../README.md")]

mod batch;
mod chess;
mod client;
mod contracts;
mod deployments;
mod error;
mod node;
mod registration;

pub use alloy::primitives::{Address, B256, I256, U256};
pub use batch::BatchMember;
pub use chess::{
    chess_sources, compile_chess_game, ChessGame, GameSettings, GameView, Phase, AI_MOVE_GAS_LIMIT, RESIGN,
};
pub use client::{Chain, Deployed, Registered, SideValues, TxInfo, VERIFY_GAS_LIMIT};
pub use contracts::{
    compile, describe_revert, sources, ContractSet, ModelRegistry, RiskOracle, OPTIMIZER_RUNS,
};
pub use deployments::{Deployments, ModelDeployment};
pub use error::{Error, Result};
pub use node::{find_anvil, LocalNode};
pub use registration::{
    proof_side_args, side_args, ModelEntry, ModelVerifier, OnchainVisibility, MODEL_ID_DOMAIN,
};
