// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {ChessMoveGen} from "../../../contracts/chess/ChessMoveGen.sol";
import {ChessEncoding} from "../../../contracts/chess/ChessEncoding.sol";
import {ChessFen} from "../../../contracts/chess/ChessFen.sol";

/// @notice Legal-move generation and the model inputs against the Rust crate `zkinfer-chess`
///         (cozy-chess's move generator) on seeded random positions. The fixture holds, per
///         position, the FEN, the Rust side's model inputs 0..71 and its sorted legal move
///         codes; regenerate it with the command in its "generator" field.
contract ChessMoveGenCrossCheckTest is Test {
    string internal constant FIXTURE = "fixtures/chess/random-positions.json";

    function test_RandomPositions_SameLegalMovesAndInputs() public view {
        string memory json = vm.readFile(string.concat(vm.projectRoot(), "/", FIXTURE));
        uint256 count = vm.parseJsonUint(json, ".count");
        vm.assertGt(count, 0, "empty fixture");
        uint256 totalMoves = 0;
        for (uint256 i = 0; i < count; ++i) {
            string memory key = string.concat(".positions[", vm.toString(i), "]");
            string memory fen = vm.parseJsonString(json, string.concat(key, ".fen"));
            uint256[] memory expected = vm.parseJsonUintArray(json, string.concat(key, ".moves"));
            int256[] memory head = vm.parseJsonIntArray(json, string.concat(key, ".inputs_head"));

            (uint256 board, uint256 state) = ChessFen.parse(fen);
            uint256[] memory moves = ChessMoveGen.legalMoves(board, state);
            assertEq(moves, expected, fen);
            assertEq(ChessMoveGen.countLegalMoves(board, state), expected.length, fen);
            assertTrue(ChessMoveGen.hasLegalMove(board, state), fen);
            for (uint256 m = 0; m < expected.length; ++m) {
                assertTrue(ChessMoveGen.isLegalMove(board, state, expected[m]), fen);
            }
            totalMoves += expected.length;

            int256[] memory inputs = ChessEncoding.modelInputs(board, state, moves);
            assertEq(head.length, ChessEncoding.MOVES_OFFSET, "fixture head length");
            for (uint256 j = 0; j < ChessEncoding.INPUT_COUNT; ++j) {
                int256 want;
                if (j < ChessEncoding.MOVES_OFFSET) {
                    want = head[j];
                } else if (j - ChessEncoding.MOVES_OFFSET < expected.length) {
                    // forge-lint: disable-next-line(unsafe-typecast)
                    want = int256(expected[j - ChessEncoding.MOVES_OFFSET]);
                }
                assertEq(inputs[j], want, string.concat(fen, " input ", vm.toString(j)));
            }
        }
        vm.assertGt(totalMoves, count, "too few moves to mean anything");
    }
}
