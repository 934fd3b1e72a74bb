// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {ChessBoard} from "../../../contracts/chess/ChessBoard.sol";
import {ChessMoveGen} from "../../../contracts/chess/ChessMoveGen.sol";
import {ChessFen} from "../../../contracts/chess/ChessFen.sol";

/// @notice Move generation against the published perft counts of standard test positions
///         (chessprogramming.org "Perft Results"): the number of legal move sequences of a given
///         length, so every rule (castling, en passant, promotion, pins, checks) must be right.
contract ChessPerftTest is Test {
    string internal constant START = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1";
    string internal constant KIWIPETE = "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1";
    string internal constant POSITION_3 = "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1";
    string internal constant POSITION_4 = "r3k2r/Pppp1ppp/1b3nbN/nP6/BBP1P3/q4N2/Pp1P2PP/R2Q1RK1 w kq - 0 1";
    string internal constant POSITION_4_MIRRORED = "r2q1rk1/pP1p2pp/Q4n2/bbp1p3/Np6/1B3NBn/pPPP1PPP/R3K2R b KQ - 0 1";
    string internal constant POSITION_5 = "rnbq1k1r/pp1Pbppp/2p5/8/2B5/8/PPP1NnPP/RNBQK2R w KQ - 1 8";
    string internal constant POSITION_6 = "r4rk1/1pp1qppp/p1np1n2/2b1p1B1/2B1P1b1/P1NP1N2/1PP1QPPP/R4RK1 w - - 0 10";

    /// @dev Leaf-counting perft: the last ply only counts moves. Each node gives its move list's
    ///      memory back, so the depth-3 runs do not pay for megabytes of memory.
    function perft(uint256 board, uint256 state, uint256 depth) internal pure returns (uint256 nodes) {
        if (depth == 1) return ChessMoveGen.countLegalMoves(board, state);
        uint256 freeMemory;
        assembly ("memory-safe") {
            freeMemory := mload(0x40)
        }
        uint256[] memory moves = ChessMoveGen.legalMoves(board, state);
        for (uint256 i = 0; i < moves.length; ++i) {
            (uint256 b, uint256 s) = ChessBoard.makeMove(board, state, moves[i]);
            nodes += perft(b, s, depth - 1);
        }
        assembly ("memory-safe") {
            mstore(0x40, freeMemory)
        }
    }

    function perftOf(string memory fen, uint256 depth) internal pure returns (uint256) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        return perft(board, state, depth);
    }

    function test_StartPosition_Depth1() public pure {
        assertEq(perftOf(START, 1), 20, "perft 1");
    }

    function test_StartPosition_Depth2() public pure {
        assertEq(perftOf(START, 2), 400, "perft 2");
    }

    function test_StartPosition_Depth3() public pure {
        assertEq(perftOf(START, 3), 8902, "perft 3");
    }

    function test_Kiwipete_Depth1() public pure {
        assertEq(perftOf(KIWIPETE, 1), 48, "perft 1");
    }

    function test_Kiwipete_Depth2() public pure {
        assertEq(perftOf(KIWIPETE, 2), 2039, "perft 2");
    }

    function test_Kiwipete_Depth3() public pure {
        assertEq(perftOf(KIWIPETE, 3), 97862, "perft 3");
    }

    function test_Position3_Depth1To3() public pure {
        assertEq(perftOf(POSITION_3, 1), 14, "perft 1");
        assertEq(perftOf(POSITION_3, 2), 191, "perft 2");
        assertEq(perftOf(POSITION_3, 3), 2812, "perft 3");
    }

    function test_Position4_Depth1To2() public pure {
        assertEq(perftOf(POSITION_4, 1), 6, "perft 1");
        assertEq(perftOf(POSITION_4, 2), 264, "perft 2");
        assertEq(perftOf(POSITION_4_MIRRORED, 1), 6, "mirrored perft 1");
        assertEq(perftOf(POSITION_4_MIRRORED, 2), 264, "mirrored perft 2");
    }

    function test_Position4_Depth3() public pure {
        assertEq(perftOf(POSITION_4, 3), 9467, "perft 3");
        assertEq(perftOf(POSITION_4_MIRRORED, 3), 9467, "mirrored perft 3");
    }

    function test_Position5_Depth1To2() public pure {
        assertEq(perftOf(POSITION_5, 1), 44, "perft 1");
        assertEq(perftOf(POSITION_5, 2), 1486, "perft 2");
    }

    function test_Position5_Depth3() public pure {
        assertEq(perftOf(POSITION_5, 3), 62379, "perft 3");
    }

    function test_Position6_Depth1To2() public pure {
        assertEq(perftOf(POSITION_6, 1), 46, "perft 1");
        assertEq(perftOf(POSITION_6, 2), 2079, "perft 2");
    }

    function test_Position6_Depth3() public pure {
        assertEq(perftOf(POSITION_6, 3), 89890, "perft 3");
    }
}
