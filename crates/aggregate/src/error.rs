/// Errors of aggregation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A member proof that does not verify or does not fit; nothing is aggregated.
    #[error("member {index} ({what}): {reason}")]
    Member {
        /// Position of the member in the batch (from 0).
        index: usize,
        /// What the member is (model id, or "aggregation proof").
        what: String,
        /// Why it was refused.
        reason: String,
    },
    /// The batch as a whole cannot be aggregated (empty, too large, mixed levels).
    #[error("batch: {0}")]
    Batch(String),
    /// halo2 rejected keygen or proving.
    #[error("halo2 {step} failed: {reason}")]
    Halo2 {
        /// keygen_vk, keygen_pk or create_proof.
        step: &'static str,
        /// halo2's error.
        reason: String,
    },
    /// The aggregation proof does not verify.
    #[error("aggregation proof rejected: {0}")]
    Rejected(String),
    /// The prover stage failed.
    #[error(transparent)]
    Prover(#[from] zkinfer_prover::Error),
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
