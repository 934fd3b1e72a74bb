//! Models on the conformance allowlist (`tests/conformance-allowlist.txt`) must keep passing
//! all three checks: compiled, constraints satisfied (MockProver), within tolerance of the
//! float model. Entries marked `# slow` (minutes and many GB under MockProver) run only with
//! `ZKINFER_CONFORMANCE_FULL=1`. The full table over all models:
//! `zkinfer conformance --table docs/conformance.md`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::{Command, Output};

/// `zkinfer args` run from the repository root.
fn zk(args: &[&str]) -> Output {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new(env!("CARGO_BIN_EXE_zkinfer")).current_dir(&repo).args(args).output().unwrap()
}

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

/// The memory guard: with a budget below the cost model's estimate, `setup` refuses before any
/// SRS or key work with an error naming the estimate, the budget and the ways out, and
/// `conformance` marks each such model over budget and goes on to the next.
#[test]
fn circuits_over_the_memory_budget_are_refused_with_the_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let compile = zk(&["compile", "--model", "models/risk_mlp/network.onnx", "--dir", out]);
    assert!(compile.status.success(), "{}", String::from_utf8_lossy(&compile.stderr));

    let estimate = zk(&["setup", "--estimate", "--json", "--dir", out]);
    assert!(estimate.status.success(), "{}", String::from_utf8_lossy(&estimate.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&estimate.stdout).unwrap();
    let peak = summary["estimate"]["peakMemoryBytes"].as_u64().unwrap();
    assert!(peak > 1 << 20 && summary["estimate"]["verifyGas"].as_u64().unwrap() > 100_000, "{summary}");
    let floor = summary["floor"]["peakMemoryBytes"].as_u64().unwrap();
    let macs = summary["floor"]["multiplyAccumulates"].as_u64().unwrap();
    assert!(floor < peak && macs > 0, "{summary}");
    assert!(!dir.path().join("keys").exists(), "--estimate made keys");

    // Between the floor and the estimate: refused after the layout search, naming its k.
    let between = format!("{}", (floor + peak) as f64 / 2.0 / (1u64 << 30) as f64);
    let refused = zk(&["setup", "--memory-budget", &between, "--dir", out]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("k=12") && err.contains("--memory-budget") && err.contains("MB at its peak"),
        "{err}"
    );
    // Below the floor: refused before the layout search, naming the cells it counted.
    let refused = zk(&["setup", "--memory-budget", "0.01", "--dir", out]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("a floor before any layout") && err.contains(&format!("{macs} multiply-accumulates")),
        "{err}"
    );
    assert!(!dir.path().join("keys").exists(), "keys made over budget");

    let table = zk(&["conformance", "--json", "--memory-budget", "0.01", "--only", "1l_relu,1l_sigmoid"]);
    assert!(table.status.success(), "{}", String::from_utf8_lossy(&table.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&table.stdout).unwrap();
    let rows = summary["models"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{summary}");
    for row in rows {
        assert_eq!(row["satisfied"], false, "{row}");
        assert!(row["reason"].as_str().unwrap().contains("over budget"), "{row}");
    }
}

/// The memory guard on aggregation: once the aggregation circuit's columns are known and before
/// its proving key is made, an estimated peak over `--memory-budget` is refused with the
/// estimate and the ways out, and nothing is written.
#[test]
fn aggregation_over_the_memory_budget_is_refused_before_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let ok = |o: Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(zk(&["compile", "--model", "models/risk_mlp/network.onnx", "--dir", out]));
    ok(zk(&["prove", "--for-aggregation", "--input", "models/risk_mlp/input.json", "--dir", out]));
    let snark = dir.path().join("snark.json");
    assert!(snark.exists());

    let agg = dir.path().join("agg");
    let refused = zk(&[
        "aggregate",
        "--member",
        snark.to_str().unwrap(),
        "--k",
        "20",
        "--memory-budget",
        "1",
        "--out",
        agg.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "aggregated over budget");
    assert!(
        err.contains("aggregation keygen and proving of this circuit (k=20)")
            && err.contains("GB at its peak")
            && err.contains("fewer members per aggregation"),
        "{err}"
    );
    assert!(!agg.join("aggregation.json").exists() && !agg.join("keys/pk.bin").exists());
}
