use std::path::PathBuf;

/// Errors of the SRS, keygen, proving and verification stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An SRS file that cannot be used.
    #[error("SRS {path}: {reason}")]
    Srs {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Keys made with the insecure dev SRS, to be deployed to a chain other than the local
    /// development chain.
    #[error("{settings}: these keys were made with the INSECURE development SRS, whose secret is public: anyone can forge proofs its verifier accepts. Refusing to deploy to chain id {chain_id} (only the local development chain {local} takes dev-SRS artifacts). Make the keys with `zkinfer setup --srs <Perpetual Powers of Tau file>`, or pass --allow-insecure-srs if this chain is a throwaway test network")]
    InsecureSrs {
        /// The key settings that say so.
        settings: PathBuf,
        /// The chain deployed to.
        chain_id: u64,
        /// The chain id dev-SRS artifacts may go to.
        local: u64,
    },
    /// A JSON artifact that does not parse or does not fit.
    #[error("{path}: {reason}")]
    Artifact {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// halo2 rejected keygen or proving.
    #[error("halo2 {step} failed: {reason}")]
    Halo2 {
        /// keygen_vk, keygen_pk or create_proof.
        step: &'static str,
        /// halo2's error.
        reason: String,
    },
    /// The proof does not verify against the verifying key and public values.
    #[error("proof rejected: {0}")]
    Rejected(String),
    /// The cost model's estimate of a step's peak memory exceeds the memory budget.
    #[error("{what} of this circuit (k={k}) needs about {} at its peak (the cost model's estimate), more than the {} it may use ({budget_from}): refusing instead of running into the out-of-memory killer. Ways out: {ways_out}", gb(*.estimate), gb(*.budget))]
    OverMemoryBudget {
        /// The step refused (keygen and proving, MockProver, aggregation).
        what: String,
        /// What the user can do about it.
        ways_out: &'static str,
        /// log2 of the circuit's rows.
        k: u32,
        /// Estimated peak, bytes.
        estimate: u64,
        /// The budget, bytes.
        budget: u64,
        /// Where the budget came from.
        budget_from: String,
    },
    /// What any layout of the model must hold already needs more memory than the budget.
    #[error("{what} of this model needs at least {} at its peak (a floor before any layout: {cells} advice cells for its {macs} multiply-accumulates and {values} computed values), more than the {} it may use ({budget_from}): refusing before the circuit is built. Ways out: a smaller model or input, or `--memory-budget <GB>` on a machine with more memory (automatic splitting into segments is not available yet)", gb(*.floor), gb(*.budget))]
    OverMemoryFloor {
        /// The step refused (keygen and proving, MockProver, calibration).
        what: String,
        /// Advice cells every layout holds at least.
        cells: u64,
        /// Multiply-accumulates among them.
        macs: u64,
        /// Computed values among them.
        values: u64,
        /// The peak memory floor, bytes.
        floor: u64,
        /// The budget, bytes.
        budget: u64,
        /// Where the budget came from.
        budget_from: String,
    },
    /// The circuit stage failed.
    #[error(transparent)]
    Circuit(#[from] zkinfer_circuit::Error),
    /// The model stage failed.
    #[error(transparent)]
    Model(#[from] zkinfer_model::Error),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn gb(bytes: u64) -> String {
    if bytes < 1 << 30 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{:.1} GB", bytes as f64 / (1u64 << 30) as f64)
    }
}
