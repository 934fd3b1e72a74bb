// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {ChessNotation} from "./utils/ChessNotation.sol";
import {ChessEncoding} from "../../../contracts/chess/ChessEncoding.sol";
import {ChessMoveGen} from "../../../contracts/chess/ChessMoveGen.sol";
import {ChessFen} from "../../../contracts/chess/ChessFen.sol";
import {IChessErrors} from "../../../contracts/chess/interfaces/IChessErrors.sol";
import {InstanceEncoding} from "../../../contracts/libraries/InstanceEncoding.sol";

/// @dev External entry so that `expectRevert` can catch a library revert.
contract EncodingCaller {
    function modelInputs(uint256 board, uint256 state, uint256[] calldata moves)
        external
        pure
        returns (int256[] memory)
    {
        return ChessEncoding.modelInputs(board, state, moves);
    }
}

/// @notice The model input layout, value by value, as documented in `ChessEncoding` (the
///         circuit relies on it).
contract ChessEncodingTest is Test {
    function inputsOf(string memory fen) internal pure returns (int256[] memory, uint256[] memory moves) {
        (uint256 board, uint256 state) = ChessFen.parse(fen);
        moves = ChessMoveGen.legalMoves(board, state);
        return (ChessEncoding.modelInputs(board, state, moves), moves);
    }

    function test_Layout_StartPosition() public pure {
        (int256[] memory inputs, uint256[] memory moves) =
            inputsOf("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1");
        assertEq(inputs.length, 290, "input count");
        int8[8] memory backRank = [int8(4), 2, 3, 5, 6, 3, 2, 4];
        for (uint256 file = 0; file < 8; ++file) {
            assertEq(inputs[file], backRank[file], "white back rank");
            assertEq(inputs[8 + file], 1, "white pawns");
            assertEq(inputs[48 + file], 9, "black pawns");
            assertEq(inputs[56 + file], backRank[file] + 8, "black back rank");
        }
        for (uint256 sq = 16; sq < 48; ++sq) {
            assertEq(inputs[sq], 0, "empty middle");
        }
        assertEq(inputs[64], 0, "white to move");
        for (uint256 i = 65; i <= 68; ++i) {
            assertEq(inputs[i], 1, "all castling rights");
        }
        assertEq(inputs[69], -1, "no en passant");
        assertEq(inputs[70], 0, "halfmove clock");
        assertEq(inputs[71], 0, "ply");
        assertEq(moves.length, 20, "20 moves");
        // b1a3 (1 << 9 | 16 << 3) is the lowest code, h2h4 (15 << 9 | 31 << 3) the highest.
        assertEq(inputs[72], int256(ChessNotation.uci("b1a3")), "first move");
        assertEq(inputs[72 + 19], int256(ChessNotation.uci("h2h4")), "last move");
        for (uint256 i = 0; i < 20; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast)
            assertEq(inputs[72 + i], int256(moves[i]), "move list");
        }
        for (uint256 i = 72 + 20; i < 290; ++i) {
            assertEq(inputs[i], 0, "zero padding");
        }
    }

    function test_Layout_FeaturesOfAPositionInPlay() public pure {
        (int256[] memory inputs,) = inputsOf("r3k2r/8/8/3pP3/8/8/8/R3K2R w Kq d6 7 31");
        assertEq(inputs[64], 0, "side");
        assertEq(inputs[65], 1, "K");
        assertEq(inputs[66], 0, "Q");
        assertEq(inputs[67], 0, "k");
        assertEq(inputs[68], 1, "q");
        assertEq(inputs[69], 43, "en passant d6");
        assertEq(inputs[70], 7, "halfmove clock");
        assertEq(inputs[71], 60, "ply = 2 * (31 - 1) + 0");
        (inputs,) = inputsOf("r3k2r/8/8/3pP3/8/8/8/R3K2R b - - 0 31");
        assertEq(inputs[64], 1, "black to move");
        assertEq(inputs[71], 61, "ply for black");
    }

    function test_Layout_FitsInFortyTwoWords() public pure {
        // 290 values at 7 per word, plus the model id's two words and one output word.
        assertEq(InstanceEncoding.instanceCount(ChessEncoding.INPUT_COUNT, ChessEncoding.OUTPUT_COUNT), 45, "words");
    }

    function test_Layout_TheRecordPositionFillsTheMask() public pure {
        (int256[] memory inputs, uint256[] memory moves) =
            inputsOf("R6R/3Q4/1Q4Q1/4Q3/2Q4Q/Q4Q2/pp1Q4/kBNN1KB1 w - - 0 1");
        assertEq(moves.length, 218, "218 moves");
        assertTrue(inputs[289] > inputs[288] && inputs[288] > 0, "no padding left");
    }

    function test_RevertWhen_TheMoveListDoesNotFit() public {
        EncodingCaller caller = new EncodingCaller();
        (uint256 board, uint256 state) = ChessFen.parse("4k3/8/8/8/8/8/8/4K3 w - - 0 1");
        vm.expectRevert(abi.encodeWithSelector(IChessErrors.TooManyLegalMoves.selector, 219, 218));
        caller.modelInputs(board, state, new uint256[](219));
    }

    function test_ModelOutputs_IsTheMoveCode() public pure {
        int256[] memory outputs = ChessEncoding.modelOutputs(ChessNotation.uci("e7e8q"));
        assertEq(outputs.length, 1, "one output");
        assertEq(outputs[0], int256((52 << 9) | (60 << 3) | 5), "e7e8q");
    }
}
