// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {ChessNotation} from "./utils/ChessNotation.sol";
import {ChessBoard} from "../../../contracts/chess/ChessBoard.sol";
import {ChessMoveGen} from "../../../contracts/chess/ChessMoveGen.sol";
import {ChessFen} from "../../../contracts/chess/ChessFen.sol";
import {ChessRules, GameEnding} from "../../../contracts/chess/ChessRules.sol";
import {IChessErrors} from "../../../contracts/chess/interfaces/IChessErrors.sol";

/// @dev External entry so that `expectRevert` can catch a library revert.
contract FenReader {
    function parse(string calldata fen) external pure returns (uint256, uint256) {
        return ChessFen.parse(fen);
    }
}

/// @notice The individual rules: castling, en passant, promotion, make-move bookkeeping,
///         the endings, the single-move legality check and the FEN reader.
contract ChessRulesTest is Test {
    using ChessNotation for string;

    string internal constant KIWIPETE = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";
    string internal constant POSITION_4 = "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1";
    string internal constant POSITION_5 = "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8";

    function legal(string memory fen) internal pure returns (uint256[] memory) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        return ChessMoveGen.legalMoves(board, state);
    }

    function isLegal(string memory fen, string memory move) internal pure returns (bool) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        bool listed = ChessNotation.contains(ChessMoveGen.legalMoves(board, state), move.uci());
        vm.assertEq(ChessMoveGen.isLegalMove(board, state, move.uci()), listed, "isLegalMove disagrees");
        return listed;
    }

    function play(string memory fen, string memory move) internal pure returns (uint256, uint256) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        return ChessBoard.makeMove(board, state, move.uci());
    }

    function endingOf(string memory fen) internal pure returns (GameEnding) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        return ChessRules.ending(board, state);
    }

    function at(uint256 board, string memory square) internal pure returns (uint256) {
        return ChessBoard.pieceAt(board, ChessNotation.square(square));
    }

    // ---------------------------------------------------------------- board and FEN

    function test_StartConstants_AreTheStartFen() public pure {
        (uint256 board, uint256 state) = ChessFen.parse("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
        assertEq(board, ChessBoard.START_BOARD, "board");
        assertEq(state, ChessBoard.START_STATE, "state");
        assertEq(ChessBoard.kingSquare(state, 0), 4, "white king e1");
        assertEq(ChessBoard.kingSquare(state, 1), 60, "black king e8");
        assertEq(ChessBoard.ply(state), 0, "ply");
    }

    function test_Fen_ReadsEverySubfield() public pure {
        (uint256 board, uint256 state) = ChessFen.parse("4k3/8/8/3pP3/8/8/8/4K2R w Kq d6 17 42");
        assertEq(ChessBoard.sideToMove(state), 0, "side");
        assertEq(ChessBoard.castlingRights(state), 1 | 8, "rights");
        assertEq(ChessBoard.epSquare(state), ChessNotation.square("d6"), "ep");
        assertEq(ChessBoard.halfmoveClock(state), 17, "halfmove");
        assertEq(ChessBoard.fullmoveNumber(state), 42, "fullmove");
        assertEq(ChessBoard.ply(state), 82, "ply");
        assertEq(at(board, "d5"), 9, "black pawn");
        assertEq(at(board, "h1"), 4, "white rook");
        // Clocks may be left out.
        (, state) = ChessFen.parse("4k3/8/8/8/8/8/8/4K3 b - -");
        assertEq(ChessBoard.fullmoveNumber(state), 1, "default fullmove");
        assertEq(ChessBoard.ply(state), 1, "ply black");
    }

    function test_RevertWhen_FenIsMalformed() public {
        FenReader reader = new FenReader();
        // No kings.
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.InvalidFen.selector, 15));
        reader.parse("8/8/8/8/8/8/8/8 w - - 0 1");
        // A rank of nine squares.
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.InvalidFen.selector, 2));
        reader.parse("4k4/8/8/8/8/8/8/4K3 w - - 0 1");
        // Bad side to move.
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.InvalidFen.selector, 20));
        reader.parse("4k3/8/8/8/8/8/8/4K3 x - - 0 1");
        // En-passant square on a wrong rank.
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.InvalidFen.selector, 25));
        reader.parse("4k3/8/8/8/8/8/8/4K3 w - e4 0 1");
        // Castling letters out of order.
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.InvalidFen.selector, 23));
        reader.parse("4k3/8/8/8/8/8/8/4K3 w QK - 0 1");
    }

    // ---------------------------------------------------------------- castling

    function test_Castling_BothSidesWhenPathFreeAndSafe() public pure {
        string memory fen = "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1";
        assertTrue(isLegal(fen, "e1g1"), "O-O");
        assertTrue(isLegal(fen, "e1c1"), "O-O-O");
        fen = "r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1";
        assertTrue(isLegal(fen, "e8g8"), "black O-O");
        assertTrue(isLegal(fen, "e8c8"), "black O-O-O");
    }

    function test_Castling_NeedsTheRight() public pure {
        string memory fen = "r3k2r/8/8/8/8/8/8/R3K2R w Qk - 0 1";
        assertFalse(isLegal(fen, "e1g1"), "no K right");
        assertTrue(isLegal(fen, "e1c1"), "Q right");
    }

    function test_Castling_NotOutOfCheck() public pure {
        string memory fen = "4k3/4r3/8/8/8/8/8/R3K2R w KQ - 0 1";
        assertFalse(isLegal(fen, "e1g1"), "O-O in check");
        assertFalse(isLegal(fen, "e1c1"), "O-O-O in check");
    }

    function test_Castling_NotThroughAnAttackedSquare() public pure {
        assertFalse(isLegal("4k3/5r2/8/8/8/8/8/R3K2R w KQ - 0 1", "e1g1"), "f1 attacked");
        assertTrue(isLegal("4k3/5r2/8/8/8/8/8/R3K2R w KQ - 0 1", "e1c1"), "queen side unaffected");
        assertFalse(isLegal("4k3/3r4/8/8/8/8/8/R3K2R w KQ - 0 1", "e1c1"), "d1 attacked");
        // b1 is crossed by the rook only: an attack on it does not matter.
        assertTrue(isLegal("4k3/1r6/8/8/8/8/8/R3K2R w KQ - 0 1", "e1c1"), "b1 attacked");
    }

    function test_Castling_NotIntoCheck() public pure {
        assertFalse(isLegal("4k3/6r1/8/8/8/8/8/R3K2R w KQ - 0 1", "e1g1"), "g1 attacked");
        assertFalse(isLegal("4k3/2r5/8/8/8/8/8/R3K2R w KQ - 0 1", "e1c1"), "c1 attacked");
    }

    function test_Castling_NotThroughPieces() public pure {
        string memory fen = "4k3/8/8/8/8/8/8/RN2K1NR w KQ - 0 1";
        assertFalse(isLegal(fen, "e1g1"), "g1 occupied");
        assertFalse(isLegal(fen, "e1c1"), "b1 occupied");
    }

    function test_Castling_MovesTheRook() public pure {
        (uint256 board, uint256 state) = play("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "e1g1");
        assertEq(at(board, "g1"), ChessBoard.KING, "king g1");
        assertEq(at(board, "f1"), ChessBoard.ROOK, "rook f1");
        assertEq(at(board, "h1") | at(board, "e1"), 0, "e1 and h1 empty");
        assertEq(ChessBoard.castlingRights(state), 4 | 8, "white rights gone");
        assertEq(ChessBoard.kingSquare(state, 0), 6, "king square");
        (board, state) = play("r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1", "e8c8");
        assertEq(at(board, "c8"), ChessBoard.BLACK | ChessBoard.KING, "king c8");
        assertEq(at(board, "d8"), ChessBoard.BLACK | ChessBoard.ROOK, "rook d8");
        assertEq(at(board, "a8") | at(board, "e8"), 0, "a8 and e8 empty");
        assertEq(ChessBoard.castlingRights(state), 1 | 2, "black rights gone");
        assertEq(ChessBoard.kingSquare(state, 1), 58, "black king square");
    }

    function test_CastlingRights_LostByRookMovesAndCaptures() public pure {
        (, uint256 state) = play("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "h1h5");
        assertEq(ChessBoard.castlingRights(state), 2 | 4 | 8, "h1 rook moved");
        (, state) = play("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "a1a8");
        assertEq(ChessBoard.castlingRights(state), 1 | 4, "a1 rook moved and took a8");
        (, state) = play("r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1", "e1d1");
        assertEq(ChessBoard.castlingRights(state), 4 | 8, "king moved");
    }

    // ---------------------------------------------------------------- en passant

    function test_EnPassant_RightAfterTheDoublePush() public pure {
        (uint256 board, uint256 state) = play("4k3/3p4/8/4P3/8/8/8/4K3 b - - 0 1", "d7d5");
        assertEq(ChessBoard.epSquare(state), ChessNotation.square("d6"), "target set");
        assertTrue(ChessNotation.contains(ChessMoveGen.legalMoves(board, state), ChessNotation.uci("e5d6")), "ep");
        (board, state) = ChessBoard.makeMove(board, state, ChessNotation.uci("e5d6"));
        assertEq(at(board, "d6"), ChessBoard.PAWN, "pawn on d6");
        assertEq(at(board, "d5") | at(board, "e5"), 0, "captured pawn removed");
        assertEq(ChessBoard.epSquare(state), 0, "target cleared");
        assertEq(ChessBoard.halfmoveClock(state), 0, "capture resets the clock");
    }

    function test_EnPassant_OnlyOnTheNextMove() public pure {
        assertFalse(isLegal("4k3/8/8/3pP3/8/8/8/4K3 w - - 0 1", "e5d6"), "no target square");
    }

    function test_EnPassant_NotWhenItUncoversCheckAlongTheRank() public pure {
        // bxc6 would empty b5 and c5, opening the fifth rank between the rook and the king.
        string memory fen = "8/8/8/KPp4r/8/8/8/7k w - c6 0 1";
        assertFalse(isLegal(fen, "b5c6"), "discovered check");
        assertTrue(isLegal(fen, "b5b6"), "the push stays legal");
    }

    function test_EnPassant_CapturingTheCheckingPawn() public pure {
        // The d4 pawn gives check; taking it en passant is the answer.
        assertTrue(isLegal("8/8/8/2k5/3Pp3/8/8/4K3 b - d3 0 1", "e4d3"), "ep evades check");
    }

    // ---------------------------------------------------------------- promotion

    function test_Promotion_FourPiecesAndNoPlainPush() public pure {
        string memory fen = "1r5k/P7/8/8/8/8/8/7K w - - 0 1";
        assertTrue(isLegal(fen, "a7a8n"), "knight");
        assertTrue(isLegal(fen, "a7a8b"), "bishop");
        assertTrue(isLegal(fen, "a7a8r"), "rook");
        assertTrue(isLegal(fen, "a7a8q"), "queen");
        assertTrue(isLegal(fen, "a7b8q"), "capturing promotion");
        assertFalse(isLegal(fen, "a7a8"), "plain push to the last rank");
        assertEq(legal(fen).length, 8 + 3, "8 promotions and 3 king moves");
        (uint256 board, uint256 state) = play(fen, "a7b8n");
        assertEq(at(board, "b8"), ChessBoard.KNIGHT, "knight on b8");
        assertEq(at(board, "a7"), 0, "a7 empty");
        assertFalse(ChessMoveGen.inCheck(board, state), "the knight does not check h8");
    }

    function test_Promotion_ByBlack() public pure {
        (uint256 board,) = play("7k/8/8/8/8/8/p7/7K b - - 0 1", "a2a1q");
        assertEq(at(board, "a1"), ChessBoard.BLACK | ChessBoard.QUEEN, "black queen");
    }

    // ---------------------------------------------------------------- make-move bookkeeping

    function test_MakeMove_Clocks() public pure {
        (uint256 board, uint256 state) = ChessFen.parse("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
        (board, state) = ChessBoard.makeMove(board, state, ChessNotation.uci("g1f3"));
        assertEq(ChessBoard.halfmoveClock(state), 1, "knight move counts");
        assertEq(ChessBoard.fullmoveNumber(state), 1, "fullmove after white");
        assertEq(ChessBoard.sideToMove(state), 1, "black to move");
        (board, state) = ChessBoard.makeMove(board, state, ChessNotation.uci("g8f6"));
        assertEq(ChessBoard.halfmoveClock(state), 2, "second quiet move");
        assertEq(ChessBoard.fullmoveNumber(state), 2, "fullmove after black");
        assertEq(ChessBoard.ply(state), 2, "ply");
        (board, state) = ChessBoard.makeMove(board, state, ChessNotation.uci("e2e4"));
        assertEq(ChessBoard.halfmoveClock(state), 0, "pawn move resets");
        assertEq(ChessBoard.epSquare(state), ChessNotation.square("e3"), "ep after double push");
        (board, state) = ChessBoard.makeMove(board, state, ChessNotation.uci("f6e4"));
        assertEq(ChessBoard.halfmoveClock(state), 0, "capture resets");
        assertEq(ChessBoard.epSquare(state), 0, "ep cleared");
    }

    // ---------------------------------------------------------------- endings

    function test_Ending_Checkmate() public pure {
        // Fool's mate.
        assertEq(
            uint256(endingOf("rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3")),
            uint256(GameEnding.Checkmate),
            "fool's mate"
        );
        // Back-rank mate.
        assertEq(uint256(endingOf("3R2k1/5ppp/8/8/8/8/8/6K1 b - - 0 1")), uint256(GameEnding.Checkmate), "back rank");
    }

    function test_Ending_Stalemate() public pure {
        assertEq(uint256(endingOf("7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")), uint256(GameEnding.Stalemate), "stalemate");
        // The king's only squares are guarded by the pawn it cannot take and by the other king.
        assertEq(uint256(endingOf("k7/P7/K7/8/8/8/8/8 b - - 0 1")), uint256(GameEnding.Stalemate), "king and pawn");
        // The pinned-looking pawn can still move: no stalemate.
        assertEq(uint256(endingOf("7k/8/8/8/8/1q6/2P5/K7 w - - 0 1")), uint256(GameEnding.None), "pawn moves");
    }

    function test_Ending_FiftyMoveRule() public pure {
        assertEq(uint256(endingOf("4k3/8/8/8/8/8/8/R3K3 w - - 99 80")), uint256(GameEnding.None), "99 plies");
        assertEq(uint256(endingOf("4k3/8/8/8/8/8/8/R3K3 w - - 100 80")), uint256(GameEnding.FiftyMoveRule), "100 plies");
        // Mate on the hundredth ply is still mate.
        assertEq(uint256(endingOf("6k1/6Q1/6K1/8/8/8/8/8 b - - 100 80")), uint256(GameEnding.Checkmate), "mate first");
    }

    function test_Ending_InsufficientMaterial() public pure {
        uint256 insufficient = uint256(GameEnding.InsufficientMaterial);
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/8/4K3 w - - 0 1")), insufficient, "K v K");
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/8/4KN2 w - - 0 1")), insufficient, "KN v K");
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/8/2B1K3 w - - 0 1")), insufficient, "KB v K");
        // c1 and f8 are both dark squares.
        assertEq(uint256(endingOf("5b2/8/8/4k3/8/8/8/2B1K3 w - - 0 1")), insufficient, "KB v KB same colour");
        uint256 none = uint256(GameEnding.None);
        assertEq(uint256(endingOf("2b5/8/8/4k3/8/8/8/2B1K3 w - - 0 1")), none, "KB v KB opposite colours");
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/8/1NN1K3 w - - 0 1")), none, "KNN v K");
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/4P3/4K3 w - - 0 1")), none, "K+P v K");
        assertEq(uint256(endingOf("8/8/8/4k3/8/8/8/4K2R w - - 0 1")), none, "K+R v K");
    }

    // ---------------------------------------------------------------- single-move legality

    /// @dev `isLegalMove` agrees with the generated list on every origin/target/promotion of
    ///      every piece of the side to move, and rejects codes that are no moves at all.
    function assertSingleMoveCheckAgrees(string memory fen) internal pure {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        uint256[] memory moves = ChessMoveGen.legalMoves(board, state);
        uint256 found = 0;
        for (uint256 from = 0; from < 64; ++from) {
            uint256 piece = ChessBoard.pieceAt(board, from);
            if (piece == 0 || piece >> 3 != ChessBoard.sideToMove(state)) continue;
            for (uint256 to = 0; to < 64; ++to) {
                for (uint256 promotion = 0; promotion < 7; ++promotion) {
                    uint256 move = ChessBoard.encodeMove(from, to, promotion);
                    bool listed = ChessNotation.contains(moves, move);
                    vm.assertEq(ChessMoveGen.isLegalMove(board, state, move), listed, "isLegalMove disagrees");
                    if (listed) ++found;
                }
            }
        }
        vm.assertEq(found, moves.length, "every listed move found");
        vm.assertFalse(ChessMoveGen.isLegalMove(board, state, 0xFFFF), "resign code");
        vm.assertFalse(ChessMoveGen.isLegalMove(board, state, moves[0] | (1 << 15)), "16-bit code");
    }

    function test_IsLegalMove_AgreesWithGeneration() public pure {
        assertSingleMoveCheckAgrees(KIWIPETE);
        assertSingleMoveCheckAgrees(POSITION_4);
        assertSingleMoveCheckAgrees(POSITION_5);
        assertSingleMoveCheckAgrees("8/8/8/KPp4r/8/8/8/7k w - c6 0 1");
        assertSingleMoveCheckAgrees("r3k2r/8/8/8/8/8/8/R3K2R b KQkq - 0 1");
    }

    function test_LegalMoves_AreSortedAndUnique() public pure {
        uint256[] memory moves = legal(KIWIPETE);
        for (uint256 i = 1; i < moves.length; ++i) {
            assertTrue(moves[i - 1] < moves[i], "strictly ascending");
        }
    }

    function test_LegalMoves_TheRecordPositionHas218() public pure {
        // The position with the most legal moves known (Petrovic, 1964).
        assertEq(legal("R6R/3Q4/1Q4Q1/4Q3/2Q4Q/Q4Q2/pp1Q4/kBNN1KB1 w - - 0 1").length, 218, "218 moves");
    }
}
