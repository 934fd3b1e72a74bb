//! The committed forge cross-check fixture is what this crate generates, and agrees with it.

use zkinfer_chess::{encode_inputs, random_positions, Position, MOVES_OFFSET};

#[test]
fn committed_fixture_is_reproducible() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/chess/random-positions.json");
    let text = std::fs::read_to_string(path).expect("fixture committed");
    let committed: serde_json::Value = serde_json::from_str(&text).expect("json");
    let seed = committed["seed"].as_u64().expect("seed");
    let count = committed["count"].as_u64().expect("count") as usize;
    let fresh = random_positions(seed, count, 120).expect("generates");
    assert_eq!(
        committed,
        serde_json::to_value(&fresh).expect("serializes"),
        "regenerate with the command in the fixture's \"generator\" field"
    );
    for p in &fresh.positions {
        let position = Position::from_fen(&p.fen).expect("fen");
        assert_eq!(position.legal_codes(), p.moves);
        let inputs = encode_inputs(&position).expect("encodes");
        assert_eq!(&inputs[..MOVES_OFFSET], &p.inputs_head[..]);
    }
}
