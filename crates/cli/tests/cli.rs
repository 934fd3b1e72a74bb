//! The `zkinfer` binary as a user meets it: clear errors (never a panic) on bad input, the
//! pipeline step by step with `--json` output, and a tampered proof rejected by `verify`.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{chain_flags, fails, repo, s, zkinfer};

#[test]
fn bad_models_and_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let broken = dir.path().join("broken.onnx");
    std::fs::write(&broken, b"\x08\x07garbage that is not a model").unwrap();
    let err = fails(&["compile", "--model", s(&broken), "--dir", s(&out)]);
    assert!(err.contains("broken.onnx") && err.contains("malformed ONNX"), "{err}");

    // 1l_sigmoid with its op type renamed in place (same length: the protobuf stays valid).
    let sigmoid = std::fs::read(repo().join("../shared/conformance/onnx/1l_sigmoid/network.onnx")).unwrap();
    let mut unknown = sigmoid.clone();
    for (i, _) in sigmoid.windows(7).enumerate().filter(|(_, w)| *w == b"Sigmoid") {
        unknown[i + 6] = b'x';
    }
    let unknown_path = dir.path().join("unknown_op.onnx");
    std::fs::write(&unknown_path, unknown).unwrap();
    let err = fails(&["compile", "--model", s(&unknown_path), "--dir", s(&out)]);
    assert!(err.contains("unsupported ONNX op `Sigmoix`") && err.contains("node"), "{err}");

    let err = fails(&["compile", "--model", "no/such/model.onnx", "--dir", s(&out)]);
    assert!(err.contains("no/such/model.onnx") && err.contains("No such file"), "{err}");

    let bad_input = dir.path().join("bad.json");
    std::fs::write(&bad_input, r#"{"input_data": [[1.0, 2.0]]}"#).unwrap();
    let err = fails(&[
        "compile",
        "--model",
        "models/risk_mlp/network.onnx",
        "--input",
        s(&bad_input),
        "--dir",
        s(&out),
    ]);
    assert!(err.contains("bad.json") && err.contains("2 values") && err.contains("[1, 8]"), "{err}");

    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "[1, 2").unwrap();
    let err = fails(&[
        "compile",
        "--model",
        "models/risk_mlp/network.onnx",
        "--input",
        s(&not_json),
        "--dir",
        s(&out),
    ]);
    assert!(err.contains("not.json") && err.contains("input_data"), "{err}");

    let err = fails(&["setup", "--dir", s(&dir.path().join("empty"))]);
    assert!(err.contains("compiled.json"), "{err}");
}

#[test]
fn pipeline_steps_and_tampered_proof() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("risk");
    let input = "models/risk_mlp/input.json";
    let ok = |args: &[&str]| {
        let o = zkinfer(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let compiled = ok(&[
        "compile",
        "--model",
        "models/risk_mlp/network.onnx",
        "--input",
        input,
        "--dir",
        s(&out),
        "--json",
    ]);
    assert!(compiled["modelId"].as_str().unwrap().starts_with("0x"));
    assert_eq!(compiled["fidelity"]["argmaxAgrees"], true);
    let proved = ok(&["prove", "--input", input, "--dir", s(&out), "--json"]);
    assert_eq!(proved["srsInsecure"], true);
    assert!(proved["proofBytes"].as_u64().unwrap() > 500);
    assert_eq!(ok(&["verify", "--dir", s(&out), "--json"])["verified"], true);

    // The chain verbs against a running anvil.
    let evm = ok(&["create-evm-verifier", "--dir", s(&out), "--json"]);
    assert!(evm["revmGas"].as_u64().unwrap() > 200_000);
    // The universal verifier with this model's key, checked in revm (a tampered proof refused).
    assert!(evm["universalVerifyGas"].as_u64().unwrap() > 200_000);
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("universal-key.json")).unwrap()).unwrap();
    assert_eq!(key["keyBytes"], evm["universalKeyBytes"]);
    assert_eq!(key["proofLen"], proved["proofBytes"]);
    let node = zkinfer_chain::LocalNode::start().unwrap();
    let flags = chain_flags(&node, &dir.path().join("deployments"), &out);
    let chain: Vec<&str> = flags.iter().map(String::as_str).chain(["--json"]).collect();
    // The default: the universal verifier, registered as the registry's version 1, and the
    // model's key contract.
    let deployed = ok(&[&["deploy"][..], &chain].concat());
    assert!(deployed["registry"].as_str().unwrap().starts_with("0x"));
    assert_eq!(deployed["verifierVersion"], 1);
    // Consumers are the application's: deploy records none, and verify-onchain checks the
    // registry alone (tampered cases included).
    assert!(deployed.get("consumer").is_none(), "{deployed}");
    let onchain = ok(&[&["verify-onchain"][..], &chain].concat());
    assert!(onchain["verifyInferenceGas"].as_u64().unwrap() > 200_000);
    assert!(onchain.get("postAssessmentGas").is_none(), "{onchain}");
    // Deploying again into the recorded registry reuses it and its universal verifier (same
    // SRS); the new key contract makes a new registry id (ids are content-addressed).
    let again = ok(&[&["deploy"][..], &chain].concat());
    assert_eq!(again["registry"], deployed["registry"]);
    assert_eq!(again["verifierVersion"], 1);
    assert_ne!(again["registryModelId"], deployed["registryModelId"]);
    // snark-verifier's per-model contract, for comparison: version 0.
    let snark = ok(&[&["deploy", "--snark-verifier"][..], &chain].concat());
    assert!(snark.get("verifierVersion").is_none(), "{snark}");
    ok(&[&["verify-onchain"][..], &chain].concat());
    drop(node);

    // Another output in proof.json: the public values no longer match.
    let path = out.join("proof.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut proof: serde_json::Value = serde_json::from_str(&original).unwrap();
    let first = proof["outputs"][0].as_i64().unwrap();
    proof["outputs"][0] = (first + 1).into();
    std::fs::write(&path, proof.to_string()).unwrap();
    let err = fails(&["verify", "--dir", s(&out)]);
    assert!(err.contains("do not encode"), "{err}");

    // A flipped proof byte: halo2 rejects it.
    let mut proof: serde_json::Value = serde_json::from_str(&original).unwrap();
    let hex = proof["proof"].as_str().unwrap().to_owned();
    let flipped = if hex.ends_with('0') { "1" } else { "0" };
    proof["proof"] = format!("{}{flipped}", &hex[..hex.len() - 1]).into();
    std::fs::write(&path, proof.to_string()).unwrap();
    let err = fails(&["verify", "--dir", s(&out)]);
    assert!(err.contains("proof rejected"), "{err}");
}

#[test]
fn hashed_inputs_and_weights_prove_and_verify_natively_and_in_revm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("risk-hashed");
    let input = "models/risk_mlp/input.json";
    let ok = |args: &[&str]| {
        let o = zkinfer(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let model = "models/risk_mlp/network.onnx";
    let compile = |extra: &[&str]| {
        let args = [&["compile", "--model", model, "--input", input, "--dir", s(&out), "--json"][..], extra]
            .concat();
        ok(&args)
    };
    let public = compile(&[])["modelId"].as_str().unwrap().to_owned();
    let hashed = compile(&["--input-visibility", "hashed", "--param-visibility", "hashed"]);
    assert_ne!(hashed["modelId"].as_str().unwrap(), public, "the visibility is part of the id");
    assert_eq!(hashed["visibility"]["input"], "hashed");
    assert_eq!(hashed["visibility"]["params"], "hashed");

    let proved = ok(&["prove", "--input", input, "--dir", s(&out), "--json"]);
    assert!(proved["proofBytes"].as_u64().unwrap() > 500);
    let path = out.join("proof.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let proof: serde_json::Value = serde_json::from_str(&original).unwrap();
    assert_eq!(proof["inputs"].as_array().unwrap().len(), 0, "hashed inputs are not revealed");
    assert_eq!(proof["outputs"].as_array().unwrap().len(), 3);
    assert!(proof["inputHash"].as_str().unwrap().starts_with("0x"));
    assert!(proof["weightsHash"].as_str().unwrap().starts_with("0x"));
    // id (2 words) + input hash + packed outputs (1 word) + weights hash.
    assert_eq!(proof["instances"].as_array().unwrap().len(), 5);
    assert_eq!(ok(&["verify", "--dir", s(&out), "--json"])["verified"], true);

    // The generated Solidity verifier accepts the real proof in revm (and rejects a flipped byte).
    let evm = ok(&["create-evm-verifier", "--dir", s(&out), "--json"]);
    assert!(evm["revmGas"].as_u64().unwrap() > 200_000);
    eprintln!("hashed inputs + weights: revm gas {}, proof {} bytes", evm["revmGas"], proved["proofBytes"]);

    // Another input hash, another weights hash, or the inputs themselves: rejected.
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut proof: serde_json::Value = serde_json::from_str(&original).unwrap();
        f(&mut proof);
        std::fs::write(&path, proof.to_string()).unwrap();
        fails(&["verify", "--dir", s(&out)])
    };
    let bump = |h: &str| format!("{}{}", &h[..h.len() - 1], if h.ends_with('0') { "1" } else { "0" });
    let err = tamper(&|p| p["inputHash"] = bump(p["inputHash"].as_str().unwrap()).into());
    assert!(err.contains("do not encode"), "{err}");
    let err = tamper(&|p| p["weightsHash"] = bump(p["weightsHash"].as_str().unwrap()).into());
    assert!(err.contains("is not the hash of the model's weights"), "{err}");
    let err = tamper(&|p| p["inputs"] = serde_json::json!([1, 2, 3, 4, 5, 6, 7, 8]));
    assert!(err.contains("must not list them"), "{err}");
    let err = tamper(&|p| {
        p.as_object_mut().unwrap().remove("inputHash");
    });
    assert!(err.contains("inputHash is missing"), "{err}");
    std::fs::write(&path, &original).unwrap();

    // Through the registry on anvil: registered with its visibility and weights hash, the
    // proof verifies with the input hash in place of the inputs; tampered hashes are rejected
    // (verify-onchain checks them).
    let node = zkinfer_chain::LocalNode::start().unwrap();
    let flags = chain_flags(&node, &dir.path().join("deployments"), &out);
    let chain: Vec<&str> = flags.iter().map(String::as_str).chain(["--json"]).collect();
    ok(&[&["deploy"][..], &chain].concat());
    let onchain = ok(&[&["verify-onchain"][..], &chain].concat());
    let gas = onchain["verifyInferenceGas"].as_u64().unwrap();
    assert!(gas > 200_000);
    eprintln!("hashed inputs + weights: verifyInference {gas} gas through the registry");
    drop(node);

    let err = fails(&["compile", "--model", model, "--input-visibility", "fixed", "--dir", s(&out)]);
    assert!(err.contains("public, private or hashed"), "{err}");

    // Private weights compile with a loud warning.
    let o = zkinfer(&["compile", "--model", model, "--param-visibility", "private", "--dir", s(&out)]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("PRIVATE WEIGHTS ARE NOT BOUND"));
}

/// `zkinfer demo --aggregate 1`: the whole demo on its own anvil, then an aggregation proof
/// (k=20) checked by one `verifyInferenceBatch` transaction through the universal verifier; the
/// demo itself fails if a tampered batch is accepted.
#[test]
fn demo_with_two_level_aggregation_verifies_the_batch_on_chain() {
    let dir = tempfile::tempdir().unwrap();
    // Two levels (the flat batch is the root step alone): the leaf aggregates the inference
    // with the Poseidon transcript, the root aggregates the leaf proof for the chain.
    // The root goes through the universal verifier (snark-verifier's would fit EIP-170 here; it
    // is then measured in revm only).
    let out = zkinfer(&[
        "demo",
        "--aggregate",
        "1",
        "--aggregate-root-k",
        "20",
        "--universal-root",
        "--dir",
        s(dir.path()),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["members"], 1);
    assert_eq!(summary["depth"], 2);
    assert_eq!(summary["aggregationLeaf"]["k"], 20);
    assert!(dir.path().join("aggregation/leaf/aggregation.json").exists());
    assert_eq!(summary["aggregationVerifierDeployable"], true);
    assert_eq!(summary["aggregationRootVerifier"], "universal", "{summary}");
    assert!(summary["aggregationUniversalKeyBytes"].as_u64().unwrap() > 1_000);
    // Checked in revm when the root was made (a tampered proof refused), before any chain.
    assert!(summary["aggregationUniversalRevmGas"].as_u64().unwrap() > 400_000, "{summary}");
    let key: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("aggregation/universal-key.json")).unwrap())
            .unwrap();
    assert_eq!(key["keyBytes"], summary["aggregationUniversalKeyBytes"]);
    assert!(key["srsHash"].as_str().is_some(), "{key}");
    assert!(summary["verifyInferenceGas"].as_u64().unwrap() > 200_000);
    assert!(summary["verifyInferenceBatchGas"].as_u64().unwrap() > 300_000);
    // The demo deploys its own consumer and lets it act on the verified output.
    assert!(summary["consumer"].as_str().unwrap().starts_with("0x"), "{summary}");
    assert!(summary["postAssessmentGas"].as_u64().unwrap() > 200_000);
    for rejected in
        ["flipped proof byte", "flipped accumulator byte", "changed member input", "changed member output"]
    {
        assert!(stderr.contains(&format!("rejected on-chain (batch): {rejected}")), "{rejected}: {stderr}");
    }
    assert!(dir.path().join("aggregation/aggregation.json").exists());

    // More members than an aggregation proof carries: refused before any work.
    let err = fails(&["demo", "--aggregate", "17", "--dir", s(dir.path())]);
    assert!(err.contains("1 to 16"), "{err}");
    // An aggregation size no machine can build (or below one proof): refused by the parser.
    for k in ["0", "40"] {
        let err = fails(&["demo", "--aggregate", "1", "--aggregate-root-k", k, "--dir", s(dir.path())]);
        assert!(err.contains("--aggregate-root-k") && err.contains("12..=26"), "{k}: {err}");
    }
}
