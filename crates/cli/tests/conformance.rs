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

/// `calibrate` on a model too coarse at the default scale: scale 2^8 is measured outside the
/// tolerance, and the chosen scale is finer, within it, and written to `compiled.json`.
#[test]
fn calibrate_picks_a_finer_scale_when_the_default_is_too_coarse() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model = repo.join("../shared/conformance/onnx/1l_instance_norm");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zkinfer"))
        .args(["calibrate", "--json", "--scales", "8,10,12", "--target", "resources", "--model"])
        .arg(model.join("network.onnx"))
        .arg("--input")
        .arg(model.join("input.json"))
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let candidates = summary["candidates"].as_array().unwrap();
    let at = |s: u64| candidates.iter().find(|c| c["scale"].as_u64() == Some(s)).unwrap();
    assert_eq!(at(8)["withinTolerance"], false, "{summary}");
    let chosen = summary["scale"].as_u64().unwrap();
    assert!(chosen > 8, "{summary}");
    assert_eq!(at(chosen)["withinTolerance"], true, "{summary}");
    let compiled: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("compiled.json")).unwrap()).unwrap();
    assert_eq!(compiled["model"]["scales"]["input"].as_u64(), Some(chosen));
}
