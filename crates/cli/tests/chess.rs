//! `zkinfer chess` end to end on a local anvil: deploy the game (real verifier, registry and
//! model registration), a World move by vote and finalization, an AI move with a fresh proof
//! verified on chain, the board updated; then the refusals a player meets (illegal move, round
//! still open, not the AI's turn, a tampered proof, a replayed one).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{chain_flags, fails, zkinfer};
use serde_json::Value;
use zkinfer_chain::{Chain, LocalNode};
use zkinfer_chess::Position;
use zkinfer_prover::{read_json, ProofFile};

/// Runs a `zkinfer chess` command with `--json` and returns its summary.
fn chess(args: &[&str]) -> Value {
    let mut all = vec!["--json", "chess"];
    all.extend_from_slice(args);
    let out = zkinfer(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs a `zkinfer chess` command that must fail, and returns its stderr.
fn chess_fails(args: &[&str]) -> String {
    fails(&[&["chess"], args].concat())
}

#[test]
fn world_move_then_proven_ai_move_on_anvil() {
    let node = LocalNode::start().unwrap();
    let endpoint = node.endpoint();
    let key = node.dev_key(0).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("chess");
    let deployments = tmp.path().join("deployments");
    let flags = chain_flags(&node, &deployments, &dir);
    let chain_args = |verb| [verb].into_iter().chain(flags.iter().map(String::as_str)).collect::<Vec<_>>();

    let deployed = chess(&chain_args("deploy"));
    assert_eq!(deployed["fen"], Position::start().fen());
    assert_eq!(deployed["phase"], "WorldToMove");
    let verifier_size = deployed["verifierRuntimeBytes"].as_u64().unwrap();
    assert!(verifier_size > 0 && verifier_size <= 24_576, "{verifier_size}");
    let game = deployed["game"].as_str().unwrap().to_owned();
    let recorded = std::fs::read_to_string(deployments.join(format!("{}.json", node.chain_id()))).unwrap();
    assert!(recorded.contains(&game), "{recorded}");

    let err = chess_fails(&[&chain_args("vote")[..], &["--move", "e2e5"]].concat());
    assert!(err.contains("`e2e5` is not a legal move") && err.contains("e2e4"), "{err}");
    let voted = chess(&[&chain_args("vote")[..], &["--move", "e2e4"]].concat());
    assert!(voted["voteGas"].as_u64().unwrap() > 21_000);
    let err = chess_fails(&chain_args("finalize"));
    assert!(err.contains("round 1 is open for another") && err.contains("--warp"), "{err}");
    let err = chess_fails(&chain_args("ai-move"));
    assert!(err.contains("is not in the AI's turn"), "{err}");

    let finalized = chess(&[&chain_args("finalize")[..], &["--warp"]].concat());
    let mut expected = Position::start();
    expected.play(expected.parse_move("e2e4").unwrap()).unwrap();
    assert_eq!(finalized["fen"], expected.fen());
    assert_eq!(finalized["phase"], "AiToMove");

    let played = chess(&chain_args("ai-move"));
    let ai_move = played["aiMove"].as_str().unwrap();
    let gas = played["aiMoveGas"].as_u64().unwrap();
    assert!(gas < 1_000_000, "AI move took {gas} gas");
    expected.play(expected.parse_move(ai_move).unwrap()).unwrap();
    assert_eq!(played["fen"], expected.fen(), "the board after the AI's {ai_move}");
    assert_eq!(played["ply"], 2);
    assert_eq!(played["phase"], "WorldToMove");
    let board = chess(&chain_args("board"));
    assert_eq!(board["fen"], expected.fen());
    assert_eq!(board["round"], 2);

    // The proof just accepted, replayed, and a tampered copy at the AI's next turn: refused.
    let proof: ProofFile = read_json(&dir.join("proof.json")).unwrap();
    let proof_bytes = proof.proof_bytes().unwrap();
    let code = u16::try_from(proof.outputs[0]).unwrap();
    let game_address = game.parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let chain = Chain::connect(&endpoint, &key).await.unwrap();
        let replay =
            chain.chess_submit_ai_move(game_address, 1, code, &proof_bytes).await.unwrap_err().to_string();
        assert!(replay.contains("WrongPhase"), "{replay}");

        let world = Position::from_fen(&expected.fen()).unwrap();
        let reply = world.legal_moves()[0];
        let view = chain.chess_view(game_address).await.unwrap();
        chain.chess_vote(game_address, view.round, reply.code(), view.minimum_stake).await.unwrap();
        chain.increase_time(view.deadline - view.now).await.unwrap();
        chain.chess_finalize(game_address, view.round).await.unwrap();
        let mut position = world.clone();
        position.play(reply).unwrap();
        let legal = position.legal_moves()[0];
        let mut tampered = proof_bytes.clone();
        tampered[100] ^= 1;
        for (bytes, what) in [(&proof_bytes, "the old position's proof"), (&tampered, "a tampered proof")] {
            let err = chain
                .chess_submit_ai_move(game_address, 3, legal.code(), bytes)
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains("AiMoveNotVerified"), "{what}: {err}");
        }
        assert_eq!(chain.chess_view(game_address).await.unwrap().ply, 3, "nothing was played");
    });
}
