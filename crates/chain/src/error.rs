use std::path::PathBuf;

/// Errors of talking to a chain.
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
    /// The local node could not be started.
    #[error("anvil: {0}")]
    Node(String),
    /// An RPC call or transaction failed.
    #[error("{action}: {reason}")]
    Rpc {
        /// What was being done.
        action: String,
        /// The node's or the contract's answer.
        reason: String,
    },
    /// A deployment left no code at the address.
    #[error("{0}: deployment left no code at {1}")]
    NoCode(String, String),
    /// Invalid user input (key, address, id).
    #[error("{0}")]
    Input(String),
    /// Compiling the contracts failed.
    #[error(transparent)]
    Evm(#[from] zkinfer_evm::Error),
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn rpc(action: impl Into<String>) -> impl FnOnce(alloy::contract::Error) -> Error {
    let action = action.into();
    move |e| Error::Rpc { action, reason: crate::contracts::describe_revert(&e) }
}
