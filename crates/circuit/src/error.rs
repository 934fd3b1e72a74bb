/// Errors of circuit construction.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The execution trace does not belong to this model.
    #[error("trace does not fit the model: {0}")]
    TraceMismatch(String),
    /// No circuit size up to the maximum fits the model.
    #[error("the model needs more than 2^{max_k} rows even with {max_advice} advice columns ({advice_cells} advice cells)")]
    TooLarge {
        /// The largest k tried.
        max_k: u32,
        /// The column budget.
        max_advice: usize,
        /// Advice cells the model needs at that size.
        advice_cells: usize,
    },
    /// The model stage rejected the model.
    #[error(transparent)]
    Model(#[from] zkinfer_model::Error),
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
