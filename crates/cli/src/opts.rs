use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use zkinfer_circuit::{DenseGate, GAS_PER_PROVE_SECOND};
use zkinfer_prover::MemoryBudget;

/// log2 of an aggregation circuit's rows: at least one verified proof must fit, and BN254's
/// FFT domain stops at 2^28 (the dev SRS and keys at 2^26 already need far more than 24 GB).
fn aggregation_k() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(12..=26)
}

/// Prove an ML model's inference with halo2 and verify it on-chain.
///
/// The pipeline, one subcommand per stage: compile -> setup -> prove -> verify ->
/// create-evm-verifier -> deploy -> verify-onchain. `demo` runs all of them on the bundled model
/// against a local anvil chain it starts itself.
#[derive(Debug, Parser)]
#[command(name = "zkinfer", version)]
pub(crate) struct Opts {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Print a JSON summary on stdout instead of the human one (progress still goes to stderr).
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import an ONNX model, quantize it and write `compiled.json` (with the model id).
    Compile(CompileArgs),
    /// Try several fixed-point scales on sample inputs and compile at the best one for the
    /// target: fewest rows within tolerance (`resources`) or the smallest error (`accuracy`).
    Calibrate(CalibrateArgs),
    /// Load or generate the SRS and the proving/verifying keys (cached).
    Setup(SetupArgs),
    /// Prove one inference: `proof.json` and `fidelity.json`.
    Prove(ProveArgs),
    /// Verify `proof.json` natively.
    Verify(VerifyArgs),
    /// Generate and compile the Solidity verifier, and check the proof with it in revm.
    CreateEvmVerifier(EvmArgs),
    /// Deploy the verifier, the registry (or reuse it) and a consumer; register the model.
    Deploy(DeployArgs),
    /// Verify `proof.json` through the deployed registry and let the consumer act on it.
    VerifyOnchain(VerifyOnchainArgs),
    /// Aggregate inference proofs (`prove --for-aggregation`) or aggregation proofs into one
    /// proof; with the EVM transcript also generate and check its Solidity verifier.
    Aggregate(AggregateArgs),
    /// Run the whole pipeline on the bundled model against a local chain.
    Demo(DemoArgs),
    /// Make the insecure dev SRS for k, or inspect an SRS file.
    Srs(SrsArgs),
    /// Run a folder of ONNX models (EZKL's example layout) through compile, the integer
    /// executor, the circuit (MockProver) and the float reference; write a table.
    Conformance(ConformanceArgs),
    /// Leela vs the World: deploy the chess game, show the board, vote, finalize rounds and
    /// play the AI's proven moves.
    #[command(subcommand)]
    Chess(ChessCommand),
}

/// Where a model's artifacts live.
#[derive(Debug, Args, Clone)]
pub(crate) struct DirArgs {
    /// Artifact directory (compiled.json, keys, proof.json, the verifier).
    #[arg(long, default_value = "zkinfer-out")]
    pub(crate) dir: PathBuf,
}

/// SRS selection.
#[derive(Debug, Args, Clone)]
pub(crate) struct SrsSelect {
    /// A ceremony SRS (Perpetual Powers of Tau, halo2 raw format). Without it the INSECURE dev
    /// SRS is generated and cached.
    #[arg(long, env = "ZKINFER_SRS")]
    pub(crate) srs: Option<PathBuf>,
    /// Cache directory for the dev SRS.
    #[arg(long, env = "ZKINFER_CACHE_DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

/// The memory guard's budget.
#[derive(Debug, Args, Clone)]
pub(crate) struct MemoryArgs {
    /// Memory a circuit may take at its peak, in GB (default: what this machine has available,
    /// from MemAvailable and the cgroup's limit). A circuit whose estimated peak exceeds it is
    /// refused before any heavy work.
    #[arg(long, env = "ZKINFER_MEMORY_BUDGET", value_name = "GB")]
    pub(crate) memory_budget: Option<f64>,
}

impl MemoryArgs {
    /// The budget the guard checks against (`None` where the machine's memory cannot be read).
    pub(crate) fn budget(&self) -> Option<MemoryBudget> {
        MemoryBudget::resolve(self.memory_budget.map(|gb| (gb * (1u64 << 30) as f64) as u64))
    }
}

/// Circuit layout choices made at key generation.
#[derive(Debug, Args, Clone)]
pub(crate) struct LayoutArgs {
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
    /// Constant-weight dense and convolution layers in the dense-layer gate (`on`), in
    /// halo2-base's inner product (`off`), or whichever layout costs less (`auto`).
    #[arg(long, env = "ZKINFER_DENSE_GATE", default_value = "auto")]
    pub(crate) dense_gate: DenseGate,
    /// Verifier gas one second of proving is worth when layouts are compared (a layout may
    /// cost this much more gas per verification for each second it saves): a smaller value
    /// favours cheap verification (1: gas alone decides), a larger one or 0 the fastest proof.
    #[arg(long, env = "ZKINFER_GAS_PER_PROVE_SECOND", default_value_t = GAS_PER_PROVE_SECOND)]
    pub(crate) gas_per_prove_second: f64,
}

#[derive(Debug, Args)]
pub(crate) struct CompileArgs {
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// Sample input (EZKL format) used to fix input shapes and report fidelity.
    #[arg(long)]
    pub(crate) input: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) scales: ScaleArgs,
    #[command(flatten)]
    pub(crate) visibility: VisibilityArgs,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
}

/// What a proof reveals; part of the model, so of its id (docs/visibility.md).
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct VisibilityArgs {
    /// Inputs: `public` (values in the public inputs), `hashed` (one Poseidon hash of them) or
    /// `private` (nothing).
    #[arg(long, default_value = "public", value_parser = clap::value_parser!(zkinfer_model::Visibility))]
    pub(crate) input_visibility: zkinfer_model::Visibility,
    /// Outputs: `public`, `hashed` or `private`, as for inputs.
    #[arg(long, default_value = "public", value_parser = clap::value_parser!(zkinfer_model::Visibility))]
    pub(crate) output_visibility: zkinfer_model::Visibility,
    /// Weights, biases and constants: `fixed` (constants in the verifying key), `hashed`
    /// (witnesses whose Poseidon hash is a public value, recorded with the model) or `private`
    /// (witnesses bound by NOTHING: any weights prove).
    #[arg(long, default_value = "fixed", value_parser = clap::value_parser!(zkinfer_model::ParamVisibility))]
    pub(crate) param_visibility: zkinfer_model::ParamVisibility,
}

impl VisibilityArgs {
    pub(crate) fn visibilities(self) -> zkinfer_model::Visibilities {
        zkinfer_model::Visibilities {
            input: self.input_visibility,
            output: self.output_visibility,
            params: self.param_visibility,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// Sample input (EZKL format): fixes input shapes, calibrates lookup ranges, and is what
    /// the error is measured on.
    #[arg(long)]
    pub(crate) input: PathBuf,
    /// What to optimise.
    #[arg(long, value_enum, default_value_t = CalibrationTarget::Resources)]
    pub(crate) target: CalibrationTarget,
    /// Scales to try (inputs and weights alike), in bits.
    #[arg(long, value_delimiter = ',', default_value = "6,7,8,9,10,11,12",
          value_parser = clap::value_parser!(u32).range(0..=16))]
    pub(crate) scales: Vec<u32>,
    /// Largest tolerated |float - proven| relative to max(1, max |float|).
    #[arg(long, default_value_t = 0.05)]
    pub(crate) tolerance: f64,
    #[command(flatten)]
    pub(crate) visibility: VisibilityArgs,
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
}

/// What `calibrate` optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CalibrationTarget {
    /// The smallest circuit whose error is within tolerance.
    Resources,
    /// The smallest error within tolerance.
    Accuracy,
}

#[derive(Debug, Args)]
pub(crate) struct SetupArgs {
    #[command(flatten)]
    pub(crate) dir: DirArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    /// Only lay the circuit out and print the cost model's estimate (rows, columns, time,
    /// peak memory, proving-key size, verifier gas): no SRS, no keys.
    #[arg(long)]
    pub(crate) estimate: bool,
    #[command(flatten)]
    pub(crate) layout: LayoutArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ProveArgs {
    /// Input data (EZKL format).
    #[arg(long)]
    pub(crate) input: PathBuf,
    /// Also write `snark.json`: the proof with the Poseidon transcript, for `zkinfer aggregate`.
    #[arg(long)]
    pub(crate) for_aggregation: bool,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    #[command(flatten)]
    pub(crate) layout: LayoutArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The proof (default: `<dir>/proof.json`).
    #[arg(long)]
    pub(crate) proof: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
}

#[derive(Debug, Args)]
pub(crate) struct EvmArgs {
    #[command(flatten)]
    pub(crate) dir: DirArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
}

/// A chain to talk to.
#[derive(Debug, Args, Clone)]
pub(crate) struct ChainArgs {
    /// JSON-RPC endpoint.
    #[arg(long, env = "ZKINFER_RPC_URL")]
    pub(crate) rpc_url: String,
    /// Signing key, 0x-hex.
    #[arg(long, env = "ZKINFER_PRIVATE_KEY", hide_env_values = true)]
    pub(crate) private_key: String,
    /// Where `<chainId>.json` with the addresses is kept.
    #[arg(long, default_value = "deployments")]
    pub(crate) deployments: PathBuf,
}

/// Whether keys made on the dev SRS may leave the local chain.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct SrsGate {
    /// Deploy keys made with the INSECURE dev SRS to a chain other than the local 31337:
    /// anyone can then forge proofs its verifier accepts (throwaway test networks only).
    #[arg(long)]
    pub(crate) allow_insecure_srs: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
    #[command(flatten)]
    pub(crate) srs_gate: SrsGate,
    /// Deploy snark-verifier's per-model verifier (`verifier.json`) instead of the model's key
    /// for the registry's universal verifier (for comparison; fails for a verifier over EIP-170).
    #[arg(long)]
    pub(crate) snark_verifier: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyOnchainArgs {
    /// The proof (default: `<dir>/proof.json`).
    #[arg(long)]
    pub(crate) proof: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) dir: DirArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The ONNX model.
    #[arg(long, default_value = "models/risk_mlp/network.onnx")]
    pub(crate) model: PathBuf,
    /// Its input.
    #[arg(long, default_value = "models/risk_mlp/input.json")]
    pub(crate) input: PathBuf,
    /// Artifact directory.
    #[arg(long, default_value = "zkinfer-out/demo")]
    pub(crate) dir: PathBuf,
    #[command(flatten)]
    pub(crate) scales: ScaleArgs,
    #[command(flatten)]
    pub(crate) visibility: VisibilityArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    #[command(flatten)]
    pub(crate) layout: LayoutArgs,
    /// Also aggregate N inferences (1 to 16; member i proves the sample input with its first
    /// value + 0.05 i) into one proof and verify them with one `verifyInferenceBatch` call.
    #[arg(long, value_name = "N")]
    pub(crate) aggregate: Option<usize>,
    /// log2 of the aggregation circuit's rows (with `--aggregate`; 12 to 26).
    #[arg(long, default_value_t = 20, requires = "aggregate", value_parser = aggregation_k())]
    pub(crate) aggregate_k: u32,
    /// Aggregate in two levels: the N proofs at `--aggregate-k` (Poseidon transcript), then that
    /// proof alone at this log2 of rows (Keccak transcript, verified on-chain). A root with few
    /// columns keeps the on-chain verifier small and cheap for large N.
    #[arg(long, value_name = "K", requires = "aggregate", value_parser = aggregation_k())]
    pub(crate) aggregate_root_k: Option<u32>,
    /// Verify the batch's root on-chain with the universal verifier (its key registered by
    /// `registerAggregationKey`) even when snark-verifier's generated verifier fits EIP-170;
    /// without it the universal verifier is used only when that one does not fit.
    #[arg(long, requires = "aggregate")]
    pub(crate) universal_root: bool,
}

/// Fixed-point scales.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct ScaleArgs {
    /// Fixed-point scale of inputs and activations, in bits.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=16))]
    pub(crate) input_scale: u32,
    /// Fixed-point scale of weights, in bits.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=16))]
    pub(crate) param_scale: u32,
}

impl ScaleArgs {
    pub(crate) fn scales(self) -> zkinfer_model::Scales {
        zkinfer_model::Scales { input: self.input_scale, param: self.param_scale }
    }
}

#[derive(Debug, Args)]
pub(crate) struct SrsArgs {
    /// Generate (or find cached) the dev SRS with 2^k points.
    #[arg(long, conflicts_with = "info")]
    pub(crate) k: Option<u32>,
    /// Describe an SRS file: its size and whether it is the insecure dev SRS.
    #[arg(long)]
    pub(crate) info: Option<PathBuf>,
    /// Cache directory for the dev SRS.
    #[arg(long, env = "ZKINFER_CACHE_DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ConformanceArgs {
    /// Folder with one `<name>/network.onnx` + `<name>/input.json` per model.
    #[arg(long, default_value = "../shared/conformance/onnx")]
    pub(crate) models: PathBuf,
    /// Only these models (default: every folder).
    #[arg(long, value_delimiter = ',')]
    pub(crate) only: Vec<String>,
    /// Write the table (Markdown) here.
    #[arg(long)]
    pub(crate) table: Option<PathBuf>,
    /// Allowlist of models that must pass all three checks (`tests/conformance-allowlist.txt`):
    /// fail when one of them does not.
    #[arg(long)]
    pub(crate) allowlist: Option<PathBuf>,
    /// Largest tolerated |float - proven| relative to max(1, max |float|).
    #[arg(long, default_value_t = 0.05)]
    pub(crate) tolerance: f64,
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
    #[command(flatten)]
    pub(crate) scales: ScaleArgs,
}

#[derive(Debug, Args)]
pub(crate) struct AggregateArgs {
    /// Member proofs: `snark.json` files (`prove --for-aggregation`) or, for a tree level,
    /// `aggregation.json` files made with `--transcript poseidon`. In order.
    #[arg(long = "member", required = true, num_args = 1..)]
    pub(crate) members: Vec<PathBuf>,
    /// Output directory: `aggregation.json`, `keys/` (reused when the batch shape matches),
    /// and with the EVM transcript `universal-key.json` (the root's key for the registry's
    /// universal verifier), `AggregationVerifier.sol` and `verifier.json` (snark-verifier's).
    #[arg(long, default_value = "zkinfer-agg")]
    pub(crate) out: PathBuf,
    /// log2 of the aggregation circuit's rows (12 to 26); columns are chosen to fit.
    #[arg(long, default_value_t = 20, value_parser = aggregation_k())]
    pub(crate) k: u32,
    /// `evm` (Keccak, for the chain) or `poseidon` (to be aggregated again).
    #[arg(long, default_value = "evm", value_parser = ["evm", "poseidon"])]
    pub(crate) transcript: String,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    #[command(flatten)]
    pub(crate) memory: MemoryArgs,
}

/// `zkinfer chess <verb>`.
#[derive(Debug, Subcommand)]
pub(crate) enum ChessCommand {
    /// Compile the chess model, make its keys and verifier, deploy the verifier (and the
    /// registry unless one is recorded), register the model and deploy a `ChessGame`.
    Deploy(ChessDeployArgs),
    /// Show the board, whose turn it is, the round's tally and the deadline.
    Board(ChessGameArgs),
    /// Stake on a move (or `resign`) in the open World round.
    Vote(ChessVoteArgs),
    /// Close the World round after its deadline: the most-supported move is played.
    Finalize(ChessFinalizeArgs),
    /// Prove the AI's move for the position on chain and submit it (prints proof time and gas).
    AiMove(ChessAiMoveArgs),
}

/// Which game, on which chain.
#[derive(Debug, Args)]
pub(crate) struct ChessGameArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    /// The `ChessGame` (default: the one recorded in `<deployments>/<chainId>.json` for the
    /// model compiled in `--dir`).
    #[arg(long)]
    pub(crate) game: Option<String>,
    /// The chess model's artifact directory.
    #[arg(long, default_value = "zkinfer-out/chess")]
    pub(crate) dir: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ChessDeployArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    #[command(flatten)]
    pub(crate) srs_gate: SrsGate,
    /// The chess model's artifact directory.
    #[arg(long, default_value = "zkinfer-out/chess")]
    pub(crate) dir: PathBuf,
    /// The policy model.
    #[arg(long, default_value = "models/chess/policy.onnx")]
    pub(crate) model: PathBuf,
    /// A sample input of the model (the initial position's 290 inputs).
    #[arg(long, default_value = "models/chess/input.json")]
    pub(crate) input: PathBuf,
    /// The side the World plays (the AI plays the other).
    #[arg(long, value_enum, default_value_t = Side::White)]
    pub(crate) world: Side,
    /// Seconds each World voting round lasts.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=1 << 32))]
    pub(crate) round_seconds: u64,
    /// Seconds the AI has for each move.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=1 << 32))]
    pub(crate) ai_seconds: u64,
    /// Smallest stake of one vote, in wei (at least 1).
    #[arg(long, default_value_t = 1_000_000_000_000_000)]
    pub(crate) min_stake: u128,
    /// The AI side's account, paid the World's whole pot when the AI wins (default: the
    /// deploying account).
    #[arg(long)]
    pub(crate) beneficiary: Option<zkinfer_chain::Address>,
    #[command(flatten)]
    pub(crate) scales: ScaleArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    #[command(flatten)]
    pub(crate) layout: LayoutArgs,
}

/// A side of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Side {
    /// White moves first.
    White,
    /// Black.
    Black,
}

#[derive(Debug, Args)]
pub(crate) struct ChessVoteArgs {
    #[command(flatten)]
    pub(crate) game: ChessGameArgs,
    /// The move in long algebraic notation (`e2e4`, `e7e8q`, castling `e1g1`), or `resign`.
    #[arg(long = "move")]
    pub(crate) mv: String,
    /// Stake in wei (default: the game's minimum).
    #[arg(long)]
    pub(crate) stake: Option<u128>,
}

#[derive(Debug, Args)]
pub(crate) struct ChessFinalizeArgs {
    #[command(flatten)]
    pub(crate) game: ChessGameArgs,
    /// On a development chain (anvil), move the clock to the round's deadline instead of
    /// failing while the round is still open.
    #[arg(long)]
    pub(crate) warp: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChessAiMoveArgs {
    #[command(flatten)]
    pub(crate) game: ChessGameArgs,
    #[command(flatten)]
    pub(crate) srs: SrsSelect,
    #[command(flatten)]
    pub(crate) layout: LayoutArgs,
}
