//! Running the `zkinfer` binary from integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn zkinfer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkinfer"))
        .args(args)
        .current_dir(repo())
        .env("ZKINFER_CACHE_DIR", repo().join("target/test-srs"))
        .output()
        .unwrap()
}

/// Runs a command that must fail, and returns its stderr.
pub(crate) fn fails(args: &[&str]) -> String {
    let out = zkinfer(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(stderr.contains("error: "), "{args:?}: {stderr}");
    stderr
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The flags that point a chain verb at `node` (signing with its dev account 0), a deployments
/// folder and an artifact directory.
pub(crate) fn chain_flags(node: &zkinfer_chain::LocalNode, deployments: &Path, dir: &Path) -> Vec<String> {
    let key = node.dev_key(0).unwrap();
    let endpoint = node.endpoint();
    ["--rpc-url", &endpoint, "--private-key", &key, "--deployments", s(deployments), "--dir", s(dir)]
        .map(str::to_owned)
        .to_vec()
}
