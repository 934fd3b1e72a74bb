use std::path::PathBuf;

/// Errors of verifier generation, compilation and the in-process EVM check.
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
    /// No usable Solidity compiler.
    #[error("solc: {0}")]
    SolcMissing(String),
    /// The compiler ran and reported errors.
    #[error("solc rejected {source_name}:\n{messages}")]
    Compile {
        /// The main source.
        source_name: String,
        /// solc's formatted messages.
        messages: String,
    },
    /// The compiler's output does not hold the expected contract.
    #[error("solc output has no contract `{0}`")]
    NoContract(String),
    /// The EVM rejected the call or deployment.
    #[error("EVM: {0}")]
    Evm(String),
    /// A circuit shape the universal verifier does not cover.
    #[error("the universal verifier does not support {0}")]
    Unsupported(String),
    /// An artifact file holds a malformed value.
    #[error("{artifact}: {reason}")]
    Artifact {
        /// The artifact (file and field).
        artifact: String,
        /// What is wrong.
        reason: String,
    },
    /// The prover stage failed.
    #[error(transparent)]
    Prover(#[from] zkinfer_prover::Error),
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
