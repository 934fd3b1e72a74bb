//! Models on the conformance allowlist (`tests/conformance-allowlist.txt`) must keep passing
//! all three checks: compiled, constraints satisfied (MockProver), within tolerance of the
//! float model. Entries marked `# slow` (minutes and many GB under MockProver) run only with
//! `ZKINFER_CONFORMANCE_FULL=1`. The full table over all models:
//! `zkinfer conformance --table docs/conformance.md`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::Command;

#[test]
fn allowlisted_models_still_pass() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let allowlist = repo.join("tests/conformance-allowlist.txt");
    let full = std::env::var_os("ZKINFER_CONFORMANCE_FULL").is_some();
    let names: Vec<String> = std::fs::read_to_string(&allowlist)
        .unwrap()
        .lines()
        .filter(|l| full || !l.contains("# slow"))
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!names.is_empty(), "the allowlist is empty");
    let out = Command::new(env!("CARGO_BIN_EXE_zkinfer"))
        .current_dir(&repo)
        .args([
            "conformance",
            "--json",
            "--allowlist",
            allowlist.to_str().unwrap(),
            "--only",
            &names.join(","),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["passed"].as_u64().unwrap() as usize, names.len(), "{stderr}");
}
