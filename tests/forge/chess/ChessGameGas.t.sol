// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessGameFixture} from "./utils/ChessGameFixture.sol";
import {ChessBoard} from "../../../contracts/chess/ChessBoard.sol";
import {ChessMoveGen} from "../../../contracts/chess/ChessMoveGen.sol";
import {ChessEncoding} from "../../../contracts/chess/ChessEncoding.sol";
import {ChessRules} from "../../../contracts/chess/ChessRules.sol";

/// @notice Gas of the game's transactions, measured with `gasleft()` around the call in a test
///         whose `setUp` prepared everything, so the game's storage is cold as in a real
///         transaction. Figures exclude the 21,000 base cost and calldata. The verifier is the
///         allowlist double (one keccak256 of the calldata and one storage read), not a real
///         halo2 verifier. Run with -vv to see the numbers (docs/chess.md records them).
abstract contract ChessGasFixture is ChessGameFixture {
    /// @dev Italian Game, Giuoco Pianissimo, up to 10. Nbd2: 20 legal moves for each side
    ///      early on, 37 for Black here.
    function playOpening() internal {
        playWorld("e2e4");
        playAi("e7e5");
        playWorld("g1f3");
        playAi("b8c6");
        playWorld("f1c4");
        playAi("f8c5");
        playWorld("c2c3");
        playAi("g8f6");
        playWorld("d2d3");
        playAi("d7d6");
        playWorld("e1g1");
        playAi("e8g8");
        playWorld("f1e1");
        playAi("a7a6");
        playWorld("c4b3");
        playAi("c5a7");
        playWorld("h2h3");
        playAi("h7h6");
        playWorld("b1d2");
    }

    function measure(uint256 before, string memory label) internal returns (uint256 used) {
        used = before - gasleft();
        emit log_named_uint(label, used);
        vm.snapshotValue("chess", label, used);
    }
}

/// @notice An AI move in the middlegame: legal-move generation, input encoding, the verifier
///         call and the move with its ending check, in one transaction.
contract ChessGasAiMoveTest is ChessGasFixture {
    uint256 internal aiMove;
    uint256 internal aiPly;

    function setUp() public {
        vm.warp(1_000_000);
        deployGame(0);
        playOpening();
        aiMove = move("f8e8");
        aiPly = game.ply();
        allowAiMove("f8e8");
    }

    function test_Gas_AiMove_Middlegame() public {
        uint256 before = gasleft();
        vm.prank(PROVER);
        game.submitAiMove(aiPly, aiMove, PROOF);
        uint256 used = measure(before, "submitAiMove gas (middlegame, 37 legal moves, verifier double)");
        assertEq(game.ply(), aiPly + 1, "played");
        assertTrue(used < 400_000, "AI move (without a real verifier) above 400k gas");
    }

    /// @dev The parts of the AI move, measured one by one on the same position.
    function test_Gas_AiMove_Breakdown() public {
        (uint256 board, uint256 state) = game.position();
        uint256 before = gasleft();
        uint256[] memory moves = ChessMoveGen.legalMoves(board, state);
        measure(before, "legalMoves (37 moves)");
        assertEq(moves.length, 37, "legal moves");

        before = gasleft();
        int256[] memory inputs = ChessEncoding.modelInputs(board, state, moves);
        measure(before, "modelInputs (290 values)");

        int256[] memory outputs = ChessEncoding.modelOutputs(aiMove);
        before = gasleft();
        bool verified = registry.verifyInference(modelId, inputs, outputs, PROOF);
        measure(before, "registry.verifyInference with the double (warm registry)");
        assertTrue(verified, "verified");

        before = gasleft();
        (board, state) = ChessBoard.makeMove(board, state, aiMove);
        ChessRules.ending(board, state);
        measure(before, "makeMove + ending");
    }
}

/// @notice The AI's first move when it plays White.
contract ChessGasAiOpeningMoveTest is ChessGasFixture {
    function setUp() public {
        vm.warp(1_000_000);
        deployGame(1);
        allowAiMove("e2e4");
    }

    function test_Gas_AiMove_StartPosition() public {
        uint256 before = gasleft();
        vm.prank(PROVER);
        game.submitAiMove(0, move("e2e4"), PROOF);
        uint256 used = measure(before, "submitAiMove gas (start position, 20 legal moves, verifier double)");
        assertTrue(used < 400_000, "AI move (without a real verifier) above 400k gas");
    }
}

/// @notice A World round in the middlegame: votes and the finalization that plays the move.
contract ChessGasWorldRoundTest is ChessGasFixture {
    uint256 internal round;

    function setUp() public {
        vm.warp(1_000_000);
        deployGame(0);
        playOpening();
        playAi("f8e8");
        round = game.currentRound();
    }

    function test_Gas_Vote_FirstVoteOfTheRound() public {
        uint256 knightMove = move("f3h2");
        uint256 before = gasleft();
        vm.prank(BOB);
        game.vote{value: 1 ether}(round, knightMove);
        uint256 used = measure(before, "vote gas (first vote of a round, knight move)");
        assertTrue(used < 150_000, "vote above 150k gas");
    }

    function test_Gas_Vote_SlidingPieceMove() public {
        uint256 queenMove = move("d1e2");
        uint256 before = gasleft();
        vm.prank(BOB);
        game.vote{value: 1 ether}(round, queenMove);
        measure(before, "vote gas (first vote of a round, queen move)");
    }

    function test_Gas_Vote_FurtherVoteOnTheSameMove() public {
        vm.prank(ALICE);
        game.vote{value: 1 ether}(round, move("d3d4"));
        uint256 before = gasleft();
        vm.prank(BOB);
        game.vote{value: 2 ether}(round, move("d3d4"));
        measure(before, "vote gas (another voter, same move, warm tally)");
    }

    function test_Gas_FinalizeRound() public {
        vm.prank(ALICE);
        game.vote{value: 1 ether}(round, move("d3d4"));
        vm.warp(game.deadline());
        uint256 before = gasleft();
        game.finalizeRound(round);
        measure(before, "finalizeRound gas (plays the move, checks the ending)");
    }
}
