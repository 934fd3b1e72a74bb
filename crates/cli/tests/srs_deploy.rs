//! `zkinfer deploy` of artifacts made with the insecure dev SRS: refused on a chain whose id is
//! not 31337 (an anvil started with `--chain-id 1337`), allowed there with
//! `--allow-insecure-srs` and a loud warning (`chess deploy` refuses the same way, before
//! keygen); `zkinfer srs --info` reports the file's hash.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{fails, s, zkinfer};

/// anvil's first dev account under its default mnemonic.
const ANVIL_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// An anvil with another chain id, killed (this process only) when dropped.
struct Anvil(Child);

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn anvil_with_chain_id(chain_id: u64) -> (Anvil, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(zkinfer_chain::find_anvil())
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--chain-id", &chain_id.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Anvil(child);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "anvil did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (node, format!("http://127.0.0.1:{port}"))
}

#[test]
fn dev_srs_artifacts_are_refused_on_another_chain_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("risk");
    let input = "models/risk_mlp/input.json";
    let ok = |args: &[&str]| {
        let o = zkinfer(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        o
    };
    ok(&["compile", "--model", "models/risk_mlp/network.onnx", "--input", input, "--dir", s(&out)]);
    ok(&["prove", "--input", input, "--dir", s(&out)]);
    ok(&["create-evm-verifier", "--dir", s(&out)]);
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("keys/settings.json")).unwrap()).unwrap();
    assert_eq!(settings["srs_insecure"], true);
    let hash = settings["srs_hash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64);

    // The artifacts record the SRS file they were made on; deploy refuses one from another SRS.
    let key_path = out.join("universal-key.json");
    let key_text = std::fs::read_to_string(&key_path).unwrap();
    let mut key: serde_json::Value = serde_json::from_str(&key_text).unwrap();
    assert_eq!(key["srsHash"], hash.as_str());
    let verifier: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("verifier.json")).unwrap()).unwrap();
    assert_eq!(verifier["srsHash"], hash.as_str());
    key["srsHash"] = "00".repeat(32).into();
    std::fs::write(&key_path, key.to_string()).unwrap();
    let local = zkinfer_chain::LocalNode::start().unwrap();
    let (endpoint, local_deployments) = (local.endpoint(), dir.path().join("local"));
    let err = fails(&[
        "deploy",
        "--rpc-url",
        &endpoint,
        "--private-key",
        ANVIL_KEY,
        "--deployments",
        s(&local_deployments),
        "--dir",
        s(&out),
    ]);
    assert!(err.contains("universal-key.json was made on the SRS file") && err.contains(&hash), "{err}");
    std::fs::write(&key_path, key_text).unwrap();
    drop(local);

    let (_node, url) = anvil_with_chain_id(1337);
    let deployments = dir.path().join("deployments");
    let flags =
        ["--rpc-url", &url, "--private-key", ANVIL_KEY, "--deployments", s(&deployments), "--dir", s(&out)];
    let err = fails(&[&["deploy"][..], &flags].concat());
    assert!(err.contains("INSECURE") && err.contains("chain id 1337"), "{err}");
    assert!(err.contains("settings.json") && err.contains("--allow-insecure-srs"), "{err}");
    assert!(!deployments.join("1337.json").exists(), "a refused deploy wrote addresses");
    // `chess deploy` refuses too, before any keygen when no --srs is given.
    let chess = dir.path().join("chess");
    let chess_flags =
        ["--rpc-url", &url, "--private-key", ANVIL_KEY, "--deployments", s(&deployments), "--dir", s(&chess)];
    let err = fails(&[&["chess", "deploy"][..], &chess_flags].concat());
    assert!(err.contains("INSECURE") && err.contains("chain id 1337"), "{err}");
    assert!(err.contains("--allow-insecure-srs"), "{err}");
    assert!(!chess.join("keys").exists(), "a refused chess deploy made keys");

    let o = ok(&[&["deploy", "--allow-insecure-srs", "--json"][..], &flags].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("--allow-insecure-srs") && stderr.contains("forge"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(summary["registry"].as_str().unwrap().starts_with("0x"), "{summary}");

    // `srs --info` on the dev SRS file the keys were made from: its hash, and INSECURE.
    let k = settings["layout"]["params"]["k"].as_u64().unwrap();
    let file = common::repo().join(format!("target/test-srs/kzg_bn254_{k}.dev.srs"));
    let o = ok(&["srs", "--info", s(&file), "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(info["fileKeccak256"], format!("0x{hash}"));
    assert_eq!(info["insecure"], true);
}
