//! The Rust mirror of `ChessEncoding.sol`: perft through the encoded move lists, the initial
//! position value by value, state fields, move-code round trips.

use zkinfer_chess::{decode_move_mask, encode_inputs, ChessMove, Position, INPUT_COUNT, MOVES_OFFSET};

const KIWIPETE: &str = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";

/// Leaf count of every legal sequence, walking the move codes of the model inputs.
fn perft(position: &Position, depth: u32) -> u64 {
    let inputs = encode_inputs(position).expect("encodes");
    let moves = decode_move_mask(&inputs).expect("valid mask");
    if depth == 1 {
        return moves.len() as u64;
    }
    moves
        .into_iter()
        .map(|m| {
            let mut next = position.clone();
            next.play_code(i64::from(m.code())).expect("listed move is legal");
            perft(&next, depth - 1)
        })
        .sum()
}

#[test]
fn perft_of_the_start_position_through_the_encoding() {
    let start = Position::start();
    assert_eq!(perft(&start, 1), 20);
    assert_eq!(perft(&start, 2), 400);
    assert_eq!(perft(&start, 3), 8_902);
}

#[test]
fn perft_of_kiwipete_castling_en_passant_promotion() {
    let p = Position::from_fen(KIWIPETE).expect("fen");
    assert_eq!(perft(&p, 1), 48);
    assert_eq!(perft(&p, 2), 2_039);
}

#[test]
fn start_position_value_by_value() {
    let inputs = encode_inputs(&Position::start()).expect("encodes");
    assert_eq!(inputs.len(), INPUT_COUNT);
    // Rank 1: R N B Q K B N R, rank 2 white pawns, ranks 3..6 empty, black mirrored (+8).
    let back = [4, 2, 3, 5, 6, 3, 2, 4];
    let mut board = vec![0i64; 64];
    for f in 0..8 {
        board[f] = back[f];
        board[8 + f] = 1;
        board[48 + f] = 9;
        board[56 + f] = back[f] + 8;
    }
    assert_eq!(&inputs[..64], &board[..]);
    assert_eq!(inputs[64], 0, "side");
    assert_eq!(&inputs[65..69], &[1, 1, 1, 1], "castling KQkq");
    assert_eq!(inputs[69], -1, "no en-passant square");
    assert_eq!(inputs[70], 0, "halfmove clock");
    assert_eq!(inputs[71], 0, "ply");
    // Knights b1 (1) and g1 (6) first by origin, then pawns a2..h2 single and double pushes.
    let mut moves = vec![1 << 9 | 16 << 3, 1 << 9 | 18 << 3, 6 << 9 | 21 << 3, 6 << 9 | 23 << 3];
    for f in 8..16 {
        moves.push(f << 9 | (f + 8) << 3);
        moves.push(f << 9 | (f + 16) << 3);
    }
    moves.sort_unstable();
    assert_eq!(&inputs[MOVES_OFFSET..MOVES_OFFSET + 20], &moves[..]);
    assert!(inputs[MOVES_OFFSET + 20..].iter().all(|&v| v == 0));
    assert_eq!(inputs[MOVES_OFFSET], 640, "b1a3");
}

#[test]
fn state_fields_after_moves() {
    let mut p = Position::start();
    for uci in ["e2e4", "g8f6", "e4e5", "d7d5"] {
        let m = p.legal_moves().into_iter().find(|m| m.uci() == uci).expect("legal");
        p.play(m).expect("plays");
    }
    let inputs = encode_inputs(&p).expect("encodes");
    assert_eq!(inputs[64], 0, "white to move");
    assert_eq!(inputs[69], 43, "d6 en-passant target");
    assert_eq!(inputs[70], 0);
    assert_eq!(inputs[71], 4, "ply");
    // e5xd6 en passant is listed: 36 -> 43.
    assert!(inputs[MOVES_OFFSET..].contains(&(36 << 9 | 43 << 3)));
    let p = Position::from_fen("r3k2r/8/8/8/8/8/8/R3K2R b Kq - 7 30").expect("fen");
    let inputs = encode_inputs(&p).expect("encodes");
    assert_eq!(&inputs[64..72], &[1, 1, 0, 0, 1, -1, 7, 59]);
    // Black castles queen side as e8c8 (60 -> 58), not as the king taking the rook.
    assert!(inputs[MOVES_OFFSET..].contains(&(60 << 9 | 58 << 3)));
    assert!(!inputs[MOVES_OFFSET..].contains(&(60 << 9 | 56 << 3)));
}

#[test]
fn move_codes_round_trip_through_positions() {
    let promo = Position::from_fen("4k3/1P6/8/8/8/8/8/4K3 w - - 0 1").expect("fen");
    let codes = promo.legal_codes();
    // b7b8 with N, B, R, Q in ascending order.
    let b7b8 = 49 << 9 | 57 << 3;
    for piece in 2..=5 {
        assert!(codes.contains(&(b7b8 | piece)));
    }
    for p in [Position::start(), promo, Position::from_fen(KIWIPETE).expect("fen")] {
        for m in p.legal_moves() {
            let code = m.code();
            assert_eq!(ChessMove::from_code(i64::from(code)).expect("code"), m);
            let mv = p.to_generator_move(m).expect("legal");
            assert_eq!(p.to_chess_move(mv), m);
        }
    }
    // Not legal here: a code for a move of an empty square.
    assert!(Position::start().play_code(20 << 9 | 28 << 3).is_err());
}

#[test]
fn mask_decoding_rejects_bad_inputs() {
    let mut inputs = encode_inputs(&Position::start()).expect("encodes");
    assert!(decode_move_mask(&inputs[1..]).is_err(), "length");
    inputs[MOVES_OFFSET + 30] = 640;
    assert!(decode_move_mask(&inputs).is_err(), "code after the zeros");
    inputs[MOVES_OFFSET + 30] = 0;
    inputs.swap(MOVES_OFFSET, MOVES_OFFSET + 1);
    assert!(decode_move_mask(&inputs).is_err(), "not ascending");
    assert!(Position::from_fen("not a fen").is_err());
}
