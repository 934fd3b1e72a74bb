#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

/// The repo root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/conformance/onnx/<name>` beside the repo.
pub fn conformance(name: &str) -> PathBuf {
    repo().join("../shared/conformance/onnx").join(name)
}
