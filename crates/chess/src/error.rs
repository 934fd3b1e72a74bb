use std::path::PathBuf;

/// Errors of the chess crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A FEN string the move generator does not accept.
    #[error("invalid FEN {fen:?}: {reason}")]
    Fen {
        /// The string.
        fen: String,
        /// What the parser said.
        reason: String,
    },
    /// A value that is not a move code (15 bits: `from << 9 | to << 3 | promotion`).
    #[error("{0} is not a move code")]
    MoveCode(i64),
    /// A move code that is not legal in the position.
    #[error("move code {code} is not legal in {fen}")]
    IllegalMove {
        /// The code.
        code: u16,
        /// The position.
        fen: String,
    },
    /// A move that is not written as a legal move of the position.
    #[error("`{text}` is not a legal move in {fen}; legal: {legal}")]
    MoveText {
        /// What was given.
        text: String,
        /// The position.
        fen: String,
        /// The legal moves, in long algebraic notation.
        legal: String,
    },
    /// More legal moves than the model's mask holds (cannot happen in chess).
    #[error("{0} legal moves do not fit the 218-move mask")]
    TooManyMoves(usize),
    /// Model inputs of the wrong shape or with values out of range.
    #[error("model inputs: {0}")]
    Inputs(String),
    /// Policy weights of the wrong shape.
    #[error("policy weights: {0}")]
    Weights(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file could not be read or written.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// Result alias with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}

pub(crate) fn json(path: impl Into<PathBuf>) -> impl FnOnce(serde_json::Error) -> Error {
    let path = path.into();
    move |source| Error::Json { path, source }
}
