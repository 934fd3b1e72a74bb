//! Recursive aggregation end to end: demo-model proofs aggregated into one EVM proof (k=20,
//! dev SRS), its generated verifier in revm and behind the registry on anvil, a two-level
//! tree, and the tampered cases. One shared set-up (SRS, member proofs, leaf keys) serves every
//! test, so keygen runs once per circuit.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use zkinfer_aggregate::{aggregate, verify_file, AggregationProof, Error, Member, Transcript};
use zkinfer_chain::{BatchMember, LocalNode, ModelEntry, B256, U256};
use zkinfer_circuit::halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_evm::{
    aggregation_verifier_solidity, compile_universal_verifier, compile_verifier, constructor_args,
    evm_verify, reference_verify, LocalEvm, Solc, UniversalKeyArtifact, VerifyOutcome, VkData, EIP170_LIMIT,
};
use zkinfer_prover::{read_json, write_json, SnarkFile, Srs};
use zkinfer_tests::{aggregation_srs, chain_with_registry, demo_snarks, repo};

struct Setup {
    srs: Srs,
    snarks: Vec<SnarkFile>,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| Setup { srs: aggregation_srs(), snarks: demo_snarks(2) });

fn keys_dir(name: &str) -> PathBuf {
    repo().join("target/test-keys").join(name)
}

fn members() -> Vec<Member> {
    SETUP.snarks.iter().map(Member::inference).collect()
}

/// One aggregation at a time: the tests share key directories (keygen runs once, later
/// aggregations load the keys) and two provers would only fight over 2 cores.
static PROVER: Mutex<()> = Mutex::new(());

fn aggregate_one(keys: &str, members: &[Member], transcript: Transcript) -> zkinfer_aggregate::Aggregated {
    let _turn = PROVER.lock().unwrap_or_else(|e| e.into_inner());
    aggregate(&SETUP.srs, &keys_dir(keys), members, transcript).unwrap()
}

/// The leaf aggregation of both members with the EVM transcript (proven once).
static LEAF_EVM: LazyLock<AggregationProof> =
    LazyLock::new(|| aggregate_one("agg-leaf-2", &members(), Transcript::Evm).proof);

#[test]
fn tampered_member_is_refused_before_proving() {
    let mut bad = members();
    let mut proof = bad[1].snark.proof.clone();
    let at = proof.len() / 2;
    proof[at] ^= 1;
    bad[1].snark.proof = proof;
    let err = aggregate(&SETUP.srs, &keys_dir("agg-never"), &bad, Transcript::Evm).unwrap_err();
    assert!(matches!(err, Error::Member { index: 1, .. }), "{err}");
    assert!(err.to_string().contains("member 1"), "{err}");

    // A member claiming other outputs than its proof carries.
    let mut lying = members();
    lying[0].inferences[0].outputs[0] += 1;
    let err = aggregate(&SETUP.srs, &keys_dir("agg-never"), &lying, Transcript::Evm).unwrap_err();
    assert!(matches!(err, Error::Member { index: 0, .. }), "{err}");
    assert!(!keys_dir("agg-never").exists(), "nothing may be generated for a refused batch");
}

#[test]
fn batch_verifies_natively_and_in_revm() {
    let agg = &*LEAF_EVM;
    assert_eq!(agg.members.len(), 2);
    let (vk, settings) = zkinfer_aggregate::read_vk(&keys_dir("agg-leaf-2")).unwrap();
    verify_file(&SETUP.srs.params, &vk, agg).unwrap();
    let instances = agg.instance_values().unwrap();
    assert_eq!(instances.len(), settings.num_instances);

    // Natively: a flipped proof byte and a changed member value are rejected.
    let mut flipped = agg.clone();
    flipped.proof.replace_range(10..11, if &agg.proof[10..11] == "0" { "1" } else { "0" });
    assert!(verify_file(&SETUP.srs.params, &vk, &flipped).is_err());
    let mut changed = agg.clone();
    let last = changed.instances.len() - 1;
    changed.instances[last] = zkinfer_prover::fr_to_hex(&(instances[last] + Fr::from(1u64)));
    assert!(verify_file(&SETUP.srs.params, &vk, &changed).is_err());

    let solc = Solc::find().unwrap();
    let n = instances.len();
    let source = aggregation_verifier_solidity(&SETUP.srs.params, &vk, n, "AggregationVerifier");
    let verifier = compile_verifier(&solc, &source, "AggregationVerifier", n).unwrap();
    assert!(verifier.runtime_size > 0 && verifier.runtime_size <= EIP170_LIMIT, "{}", verifier.runtime_size);
    let check = evm_verify(&verifier.creation_code(), &instances, &agg.proof_bytes().unwrap()).unwrap();
    eprintln!("aggregation of 2: verifier {} bytes runtime, revm gas {}", verifier.runtime_size, check.gas);
    on_anvil(agg, &verifier.creation_code());
}

/// Our universal verifier (`ZkinferVerifier`, the key as data) verifies the root like
/// snark-verifier's generated contract: the key knows where the accumulator is, and the
/// verifier folds it into the proof's own pairing.
#[test]
fn universal_verifier_checks_aggregation_proofs_and_their_accumulator() {
    let agg = &*LEAF_EVM;
    let params = &SETUP.srs.params;
    let (vk, _) = zkinfer_aggregate::read_vk(&keys_dir("agg-leaf-2")).unwrap();
    let instances = agg.instance_values().unwrap();
    let proof = agg.proof_bytes().unwrap();
    let key = VkData::aggregation(params, &vk, instances.len()).unwrap();
    assert_eq!(key.accumulator, Some(0));
    assert_eq!(key.proof_len(), proof.len());
    reference_verify(&key, &instances, &proof, params.g2(), params.s_g2()).unwrap();

    let mut evm = LocalEvm::new();
    let mut code = compile_universal_verifier(&Solc::find().unwrap()).unwrap();
    code.extend(constructor_args(&params.g2(), &params.s_g2()));
    let (verifier, _) = evm.deploy(code).unwrap();
    let (address, key_gas) = evm.deploy(key.creation_code()).unwrap();
    let VerifyOutcome::Accepted(gas) = evm.verify(verifier, address, &instances, &proof).unwrap() else {
        panic!("the universal verifier refused the aggregation proof");
    };
    eprintln!(
        "aggregation of 2, universal verifier: key {} bytes ({key_gas} gas to deploy), verify {gas} gas",
        key.to_bytes().len()
    );
    // A flipped proof byte, a changed accumulator limb, a changed member value.
    let mut flipped = proof.clone();
    flipped[proof.len() / 3] ^= 1;
    let mut changed = Vec::new();
    for at in [0, 5, 11, instances.len() - 1] {
        let mut x = instances.clone();
        x[at] += Fr::from(1u64);
        changed.push(x);
    }
    let refused = |evm: &mut LocalEvm, instances: &[Fr], proof: &[u8]| {
        let outcome = evm.verify(verifier, address, instances, proof).unwrap();
        let reference = reference_verify(&key, instances, proof, params.g2(), params.s_g2());
        assert!(!matches!(outcome, VerifyOutcome::Accepted(_)), "accepted");
        assert!(reference.is_err(), "the reference accepted");
    };
    refused(&mut evm, &instances, &flipped);
    for x in &changed {
        refused(&mut evm, x, &proof);
    }

    // A batch that claims an output its member did not produce, proven without aggregate's
    // checks: the aggregation circuit is satisfied and the proof's own opening is valid; only
    // the accumulator it carries fails the pairing.
    let mut lying = members();
    let last = lying[1].snark.instances[0].len() - 1;
    lying[1].snark.instances[0][last] += Fr::from(1u64);
    let forged = {
        let _turn = PROVER.lock().unwrap_or_else(|e| e.into_inner());
        zkinfer_aggregate::aggregate_unchecked(&SETUP.srs, &keys_dir("agg-leaf-2"), &lying, Transcript::Evm)
            .unwrap()
            .proof
    };
    let forged_instances = forged.instance_values().unwrap();
    let forged_proof = forged.proof_bytes().unwrap();
    assert!(verify_file(params, &vk, &forged).is_err(), "natively accepted");
    refused(&mut evm, &forged_instances, &forged_proof);
    let n = forged_instances.len();
    let source = aggregation_verifier_solidity(params, &vk, n, "AggregationVerifier");
    let generated = compile_verifier(&Solc::find().unwrap(), &source, "AggregationVerifier", n).unwrap();
    assert!(evm_verify(&generated.creation_code(), &forged_instances, &forged_proof).is_err());
    // A key that does not know about the accumulator would take it: what the fold is for.
    let blind = VkData::new(params, &vk, n).unwrap();
    let (blind_address, _) = evm.deploy(blind.creation_code()).unwrap();
    let outcome = evm.verify(verifier, blind_address, &forged_instances, &forged_proof).unwrap();
    assert!(matches!(outcome, VerifyOutcome::Accepted(_)), "{outcome:?}");

    universal_root_on_anvil(agg, &key);
}

/// The root's key registered with the registry's universal verifier (`registerAggregationKey`),
/// and `verifyInferenceBatch` through it on a real chain.
fn universal_root_on_anvil(agg: &AggregationProof, key: &VkData) {
    let params = &SETUP.srs.params;
    let node = LocalNode::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (chain, registry) = chain_with_registry(&node).await;
        let mut code = compile_universal_verifier(&Solc::find().unwrap()).unwrap();
        code.extend(constructor_args(&params.g2(), &params.s_g2()));
        let universal = chain.deploy("ZkinferVerifier", code).await.unwrap().address;
        let (version, _) = chain.register_universal_verifier(registry, universal).await.unwrap();
        let key_address = chain.deploy("aggregation key", key.creation_code()).await.unwrap().address;
        let m = &agg.members[0];
        let digest: U256 = m.circuit_digest.parse().unwrap();
        let id = chain.register_model(registry, key_address, &entry_of(m).with_circuit_digest(digest)).await;
        let id = id.unwrap().model_id;
        let proof = agg.batch_proof_bytes().unwrap();
        for bad_version in [0, version + 1] {
            let err = chain
                .register_aggregation_key(registry, key_address, bad_version, &[digest, digest], proof.len())
                .await
                .unwrap_err();
            assert!(err.to_string().contains("UnknownVerifierVersion"), "{err}");
        }
        chain
            .register_aggregation_key(registry, key_address, version, &[digest, digest], proof.len())
            .await
            .unwrap();
        let members = batch_members(agg, &[id, id]);
        let tx = chain.verify_inference_batch_tx(registry, &members, &proof).await.unwrap();
        eprintln!("verifyInferenceBatch of 2 through the universal verifier: {} gas", tx.gas_used);
        for at in [0, 12 * 32 + 1, proof.len() - 1] {
            let mut b = proof.clone();
            b[at] ^= 1;
            assert!(!chain.verify_inference_batch(registry, &members, &b).await.unwrap(), "byte {at}");
        }
        let mut lying = members.clone();
        lying[1].outputs[2] -= 1;
        assert!(!chain.verify_inference_batch(registry, &lying, &proof).await.unwrap(), "a changed output");
    });
}

/// The forge fixture (`fixtures/aggregation/batch.json`, a batch of 2 demo-model inferences)
/// and the committed `contracts/generated/AggregationVerifier.sol` must belong to the current
/// circuits (the member circuit and the leaf aggregation circuit of 2 of them at k=20).
#[test]
fn aggregation_fixture_and_verifier_match_the_current_circuit() {
    const HINT: &str = "stale: run scripts/regen-fixtures.sh and commit the result";
    let current = &*LEAF_EVM; // this batch's keys are the fixture's
    let fixture: AggregationProof = read_json(&repo().join("fixtures/aggregation/batch.json")).unwrap();
    assert_eq!(fixture.members.len(), current.members.len(), "member count {HINT}");
    for (f, c) in fixture.members.iter().zip(&current.members) {
        assert_eq!(f.model_id, c.model_id, "model id {HINT}");
        assert_eq!(f.circuit_digest, c.circuit_digest, "circuit digest {HINT}");
    }
    // The members' values as listed are the ones the proof carries.
    let values: Vec<Fr> = fixture.members.iter().flat_map(|m| m.public_values().unwrap()).collect();
    let instances = fixture.instance_values().unwrap();
    assert_eq!(instances[zkinfer_aggregate::ACCUMULATOR_WORDS..], values[..], "member values {HINT}");
    let (vk, _) = zkinfer_aggregate::read_vk(&keys_dir("agg-leaf-2")).unwrap();
    verify_file(&SETUP.srs.params, &vk, &fixture).expect(HINT);

    let generated =
        aggregation_verifier_solidity(&SETUP.srs.params, &vk, instances.len(), "AggregationVerifier");
    let path = "contracts/generated/AggregationVerifier.sol";
    let committed = std::fs::read_to_string(repo().join(path)).unwrap();
    assert!(generated == committed, "{path} {HINT}");

    // The root's key for the universal verifier (tests/forge/AggregationProof.t.sol reads it),
    // deterministic like the circuit: `ZKINFER_BLESS=1` rewrites it (scripts/regen-fixtures.sh).
    let key = VkData::aggregation(&SETUP.srs.params, &vk, instances.len()).unwrap();
    let artifact = UniversalKeyArtifact::new(&SETUP.srs.params, &key);
    let path = repo().join("fixtures/aggregation/universal-key.json");
    if std::env::var_os("ZKINFER_BLESS").is_some() {
        write_json(&path, &artifact).unwrap();
    }
    let committed: Option<UniversalKeyArtifact> = read_json(&path).ok();
    assert!(committed.as_ref() == Some(&artifact), "{} {HINT}", path.display());
    let proof = fixture.proof_bytes().unwrap();
    reference_verify(&key, &instances, &proof, SETUP.srs.params.g2(), SETUP.srs.params.s_g2()).expect(HINT);
}

/// The batch behind the registry on a real chain, and every tampered submission rejected.
fn on_anvil(agg: &AggregationProof, creation_code: &[u8]) {
    let node = LocalNode::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (chain, registry) = chain_with_registry(&node).await;
        let verifier = chain.deploy("AggregationVerifier", creation_code.to_vec()).await.unwrap();
        assert!(verifier.code_size > 0);
        let m = &agg.members[0];
        let entry = entry_of(m);
        let digest: U256 = m.circuit_digest.parse().unwrap();
        let proof = agg.batch_proof_bytes().unwrap();
        // Without a circuit digest the model is another entry (another id), refused in batches.
        let plain = chain.register_model(registry, verifier.address, &entry).await.unwrap().model_id;
        let mut members = batch_members(agg, &[plain, plain]);
        let err = chain.verify_inference_batch(registry, &members, &proof).await.unwrap_err();
        assert!(err.to_string().contains("NoCircuitDigest"), "{err}");
        // The single-proof verifier is irrelevant to batches; any contract with code will do.
        let id = chain
            .register_model(registry, verifier.address, &entry.with_circuit_digest(digest))
            .await
            .unwrap()
            .model_id;
        members = batch_members(agg, &[id, id]);
        // No aggregation verifier for the members' digests yet.
        let err = chain.verify_inference_batch(registry, &members, &proof).await.unwrap_err();
        assert!(err.to_string().contains("NoAggregationVerifier"), "{err}");
        chain
            .register_aggregation_verifier(registry, verifier.address, &[digest, digest], proof.len())
            .await
            .unwrap();

        assert!(chain.verify_inference_batch(registry, &members, &proof).await.unwrap());
        let tx = chain.verify_inference_batch_tx(registry, &members, &proof).await.unwrap();
        eprintln!("verifyInferenceBatch of 2: {} gas", tx.gas_used);

        for at in [0, 12 * 32 + 1, proof.len() / 2, proof.len() - 1] {
            let mut b = proof.clone();
            b[at] ^= 1;
            assert!(!chain.verify_inference_batch(registry, &members, &b).await.unwrap(), "byte {at}");
        }
        // Trailing or missing bytes are refused.
        let longer = [proof.as_slice(), &[0]].concat();
        for p in [&longer[..], &proof[..proof.len() - 1]] {
            let err = chain.verify_inference_batch(registry, &members, p).await.unwrap_err();
            assert!(err.to_string().contains("ProofLengthMismatch"), "{err}");
        }
        for i in 0..members.len() {
            let mut x = members.clone();
            x[i].inputs[0] += 1;
            assert!(!chain.verify_inference_batch(registry, &x, &proof).await.unwrap(), "input of {i}");
            let mut y = members.clone();
            y[i].outputs[2] -= 1;
            assert!(!chain.verify_inference_batch(registry, &y, &proof).await.unwrap(), "output of {i}");
        }
        // A member model that is not registered.
        let mut unknown = members.clone();
        unknown[1].model_id = B256::repeat_byte(9);
        let err = chain.verify_inference_batch(registry, &unknown, &proof).await.unwrap_err();
        assert!(err.to_string().contains("UnknownModel"), "{err}");
        // Another registered model (another circuit digest) in place of the proven one: the
        // members' configuration then has no aggregation verifier.
        let other_entry = ModelEntry { commitment: B256::repeat_byte(0x42), ..entry }
            .with_circuit_digest(digest + U256::from(1));
        let other = chain.register_model(registry, verifier.address, &other_entry).await.unwrap().model_id;
        let mut swapped = members.clone();
        swapped[0].model_id = other;
        let err = chain.verify_inference_batch(registry, &swapped, &proof).await.unwrap_err();
        assert!(err.to_string().contains("NoAggregationVerifier"), "{err}");
        // Only the registry's owner registers aggregation verifiers.
        let outsider =
            zkinfer_chain::Chain::connect(&node.endpoint(), &node.dev_key(1).unwrap()).await.unwrap();
        let err = outsider
            .register_aggregation_verifier(registry, verifier.address, &[digest], proof.len())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("NotOwner"), "{err}");
    });
}

#[test]
fn two_level_tree_verifies() {
    // Level 1 with the Poseidon transcript (same keys as the EVM leaf), level 2 on top.
    let leaf =
        aggregate(&SETUP.srs, &keys_dir("agg-leaf-2"), &members(), Transcript::Poseidon).unwrap().proof;
    let node_members = vec![Member::aggregation(&leaf).unwrap()];
    let root = aggregate_one("agg-node-1", &node_members, Transcript::Evm);
    assert_eq!(root.proof.depth, 2);
    verify_file(&SETUP.srs.params, root.keys.vk(), &root.proof).unwrap();
    // The root exposes the same member values as a flat aggregation of the same members.
    assert_eq!(root.proof.members, leaf.members);
    assert_eq!(root.proof.instances[12..], leaf.instances[12..]);

    let instances = root.proof.instance_values().unwrap();
    let n = instances.len();
    let source = aggregation_verifier_solidity(&SETUP.srs.params, root.keys.vk(), n, "TreeVerifier");
    let verifier = compile_verifier(&Solc::find().unwrap(), &source, "TreeVerifier", n).unwrap();
    evm_verify(&verifier.creation_code(), &instances, &root.proof.proof_bytes().unwrap()).unwrap();

    // An EVM-transcript proof cannot be a tree member.
    assert!(Member::aggregation(&LEAF_EVM).is_err());
}

/// A conformance model (`1l_mlp`: Gemm 3 -> 4, Relu) cut between its two layers into two
/// segments, each proven on its own, aggregated with the cut's hashes constrained equal: the aggregation shows the model's
/// run from the inputs to the outputs, and its outputs are the unsplit proof's.
#[test]
fn split_model_aggregates_to_the_unsplit_output() {
    use zkinfer_aggregate::aggregate_segments;
    use zkinfer_model::execute;
    use zkinfer_prover::{prove, prove_snark};

    let (compiled, data) = conformance_1l_mlp();
    let model = &compiled.model;

    // The unsplit proof.
    let whole_trace = compiled.trace(&data).unwrap();
    let (srs, keys, id) = keyed(model, "split-whole");
    let whole = prove(&srs, &keys, model, id, &whole_trace).unwrap();

    // Two segments, cut between the layers, proven one after the other.
    let cut = 1;
    let segments = model.split(&[cut]).unwrap();
    let mut next: Vec<Vec<i64>> = model.inputs.iter().map(|&v| whole_trace.values[v].clone()).collect();
    let mut snarks = Vec::new();
    let mut segment_inputs = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        segment_inputs.push(next.clone());
        let trace = execute(segment, &next).unwrap();
        next = segment.outputs.iter().map(|&v| trace.values[v].clone()).collect();
        let (srs, keys, id) = keyed(segment, &format!("split-segment-{i}"));
        snarks.push(prove_snark(&srs, &keys, segment, id, &trace).unwrap());
    }
    assert_eq!(snarks[1].outputs, whole.outputs, "the segments compute the unsplit outputs");
    assert_eq!(snarks[0].inputs, whole.inputs);
    let members: Vec<Member> = snarks.iter().map(Member::inference).collect();

    // Segments that do not chain are refused before proving: the second segment on other inputs.
    let mut shifted = segment_inputs[1].clone();
    shifted[0][0] += 1;
    let trace = execute(&segments[1], &shifted).unwrap();
    let (srs1, keys1, id1) = keyed(&segments[1], "split-segment-1");
    let unchained = vec![
        members[0].clone(),
        Member::inference(&prove_snark(&srs1, &keys1, &segments[1], id1, &trace).unwrap()),
    ];
    let err =
        aggregate_segments(&SETUP.srs, &keys_dir("agg-never"), &unchained, Transcript::Evm).unwrap_err();
    assert!(err.to_string().contains("cut 0"), "{err}");

    let agg = {
        let _turn = PROVER.lock().unwrap_or_else(|e| e.into_inner());
        aggregate_segments(&SETUP.srs, &keys_dir("agg-split"), &members, Transcript::Evm).unwrap()
    };
    let proof = &agg.proof;
    assert_eq!(proof.links.len(), 1);
    assert_eq!(proof.members.last().unwrap().outputs, whole.outputs);
    verify_file(&SETUP.srs.params, agg.keys.vk(), proof).unwrap();

    // The Solidity verifier accepts it, and rejects a changed output or a changed cut hash.
    let instances = proof.instance_values().unwrap();
    let n = instances.len();
    let source = aggregation_verifier_solidity(&SETUP.srs.params, agg.keys.vk(), n, "SplitVerifier");
    let verifier = compile_verifier(&Solc::find().unwrap(), &source, "SplitVerifier", n).unwrap();
    let bytes = proof.proof_bytes().unwrap();
    let check = evm_verify(&verifier.creation_code(), &instances, &bytes).unwrap();
    eprintln!(
        "split model, 2 segments: {} public values, verifier {} bytes runtime, revm gas {}",
        n, verifier.runtime_size, check.gas
    );
    // Public values: accumulator, then segment 0 (digest, inputs, cut hash), segment 1
    // (digest, cut hash, outputs); the model ids (2 words each) are left out.
    let first_len = 1 + members[0].snark.instances[0].len() - 2;
    let cut_hash_at = [12 + first_len - 1, 12 + first_len + 1];
    assert_eq!(instances[cut_hash_at[0]], instances[cut_hash_at[1]], "both sides of the cut expose one hash");
    for at in [n - 1, cut_hash_at[0], cut_hash_at[1]] {
        let mut changed = instances.clone();
        changed[at] += Fr::from(1u64);
        assert!(evm_verify(&verifier.creation_code(), &changed, &bytes).is_err(), "public value {at}");
    }
}

/// Two different models in one batch (the demo model and the suite's `1l_mlp`): one leaf
/// aggregation, one `verifyInferenceBatch`, each member checked against its own registered
/// model and circuit digest; swapping the members' model ids is rejected.
#[test]
fn mixed_model_batch_verifies_on_chain() {
    let (compiled, data) = conformance_1l_mlp();
    let (srs, keys, id) = keyed(&compiled.model, "mixed-1l-mlp");
    let trace = compiled.trace(&data).unwrap();
    let mlp = zkinfer_prover::prove_snark(&srs, &keys, &compiled.model, id, &trace).unwrap();
    let members = vec![Member::inference(&SETUP.snarks[0]), Member::inference(&mlp)];
    let agg = aggregate_one("agg-mixed", &members, Transcript::Evm);
    verify_file(&SETUP.srs.params, agg.keys.vk(), &agg.proof).unwrap();
    assert_ne!(agg.proof.members[0].model_id, agg.proof.members[1].model_id);

    let instances = agg.proof.instance_values().unwrap();
    let n = instances.len();
    let source = aggregation_verifier_solidity(&SETUP.srs.params, agg.keys.vk(), n, "MixedVerifier");
    let verifier = compile_verifier(&Solc::find().unwrap(), &source, "MixedVerifier", n).unwrap();
    assert!(verifier.runtime_size <= EIP170_LIMIT, "{}", verifier.runtime_size);

    let node = LocalNode::start().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (chain, registry) = chain_with_registry(&node).await;
        let verifier = chain.deploy("MixedVerifier", verifier.creation_code()).await.unwrap().address;
        let mut ids = Vec::new();
        let mut digests = Vec::new();
        for m in &agg.proof.members {
            let digest: U256 = m.circuit_digest.parse().unwrap();
            let entry = entry_of(m).with_circuit_digest(digest);
            ids.push(chain.register_model(registry, verifier, &entry).await.unwrap().model_id);
            digests.push(digest);
        }
        let proof = agg.proof.batch_proof_bytes().unwrap();
        chain.register_aggregation_verifier(registry, verifier, &digests, proof.len()).await.unwrap();
        let batch = batch_members(&agg.proof, &ids);
        let tx = chain.verify_inference_batch_tx(registry, &batch, &proof).await.unwrap();
        eprintln!(
            "mixed batch (risk_mlp + 1l_mlp): {n} public values, verifyInferenceBatch {} gas",
            tx.gas_used
        );

        // The two members' model ids swapped: each member's values meet the other model's
        // entry (other counts, other digest), so the batch is refused.
        let swapped = [
            BatchMember { model_id: batch[1].model_id, ..batch[0].clone() },
            BatchMember { model_id: batch[0].model_id, ..batch[1].clone() },
        ];
        assert!(!matches!(chain.verify_inference_batch(registry, &swapped, &proof).await, Ok(true)));
    });
}

/// `../shared/conformance/onnx/1l_mlp` compiled at the default scales, and its sample input.
fn conformance_1l_mlp() -> (zkinfer_model::CompiledModel, zkinfer_model::InputData) {
    use zkinfer_model::{CompiledModel, InputData, Scales};
    let dir = repo().join("../shared/conformance/onnx/1l_mlp");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    (compiled, data)
}

/// A model's SRS (at its own k), its keys (cached in `target/test-keys/<name>`) and its id.
fn keyed(model: &zkinfer_model::QuantizedModel, name: &str) -> (Srs, zkinfer_prover::Keys, [u8; 32]) {
    let id = zkinfer_model::model_id(model);
    let layout = zkinfer_prover::layout(model, id).unwrap();
    let srs = zkinfer_prover::dev_srs(layout.k(), &repo().join("target/test-srs")).unwrap();
    let (keys, _) = zkinfer_prover::load_or_keygen(&keys_dir(name), &srs, model, id, &layout).unwrap();
    (srs, keys, id)
}

/// The registry entry of an aggregated member's model (without its circuit digest). Its
/// single-proof length is never checked here (only batches are verified): 1 byte.
fn entry_of(m: &zkinfer_aggregate::MemberInfo) -> ModelEntry {
    ModelEntry {
        commitment: m.model_id.parse().unwrap(),
        input_count: m.inputs.len() as u32,
        output_count: m.outputs.len() as u32,
        input_scale: m.input_scale as u8,
        output_scale: m.output_scale as u8,
        visibility: zkinfer_chain::OnchainVisibility::default(),
        circuit_digest: U256::ZERO,
        proof_length: 1,
    }
}

/// The members of an aggregation proof as `verifyInferenceBatch` takes them, under the
/// registry's ids `ids` (one per member).
fn batch_members(agg: &AggregationProof, ids: &[B256]) -> Vec<BatchMember> {
    agg.members
        .iter()
        .zip(ids)
        .map(|(m, &model_id)| BatchMember { model_id, inputs: m.inputs.clone(), outputs: m.outputs.clone() })
        .collect()
}
