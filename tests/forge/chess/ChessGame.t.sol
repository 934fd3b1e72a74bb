// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessGameFixture} from "./utils/ChessGameFixture.sol";
import {ChessGame} from "../../../contracts/chess/ChessGame.sol";
import {ChessBoard} from "../../../contracts/chess/ChessBoard.sol";
import {GameEnding} from "../../../contracts/chess/ChessRules.sol";
import {IChessGameErrors} from "../../../contracts/chess/interfaces/IChessGameErrors.sol";
import {IChessGameEvents, GamePhase, GameResult} from "../../../contracts/chess/interfaces/IChessGameEvents.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../../contracts/interfaces/IModelRegistry.sol";

/// @dev Refuses refunds, to test the failed-refund path.
contract RefundRefuser {
    function voteOn(ChessGame game, uint256 round, uint256 move) external payable {
        game.vote{value: msg.value}(round, move);
    }

    function claim(ChessGame game, uint256 round) external {
        game.claimStake(round);
    }
}

/// @notice The World's rounds (votes, deadlines, finalization, stakes), the AI's proven moves
///         and their rejections, and whole games to their endings. The World plays White
///         unless a test says otherwise.
contract ChessGameTest is ChessGameFixture, IChessGameEvents {
    function setUp() public {
        vm.warp(1_000_000);
        deployGame(0);
    }

    // ---------------------------------------------------------------- creation

    function test_Create_WorldWhiteOpensTheFirstRound() public view {
        (uint256 board, uint256 state) = game.position();
        assertEq(board, ChessBoard.START_BOARD, "board");
        assertEq(state, ChessBoard.START_STATE, "state");
        assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "phase");
        assertEq(game.currentRound(), 1, "round");
        assertEq(game.deadline(), 1_000_000 + ROUND, "deadline");
        assertEq(game.ply(), 0, "ply");
        assertEq(game.legalMoves().length, 20, "moves");
    }

    function test_Create_WorldBlackStartsWithTheAi() public {
        deployGame(1);
        assertEq(uint256(game.phase()), uint256(GamePhase.AiToMove), "phase");
        assertEq(game.currentRound(), 0, "no round yet");
        assertEq(game.deadline(), block.timestamp + AI_TIME, "AI deadline");
        playAi("e2e4");
        assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "phase after the AI");
        assertEq(game.currentRound(), 1, "first round");
    }

    function test_RevertWhen_ConfigurationIsInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.InvalidSide.selector, 2));
        new ChessGame(registry, modelId, 2, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.InvalidDuration.selector, 0));
        new ChessGame(registry, modelId, 0, 0, AI_TIME, MIN_STAKE, AI_SIDE);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.InvalidDuration.selector, 2 ** 32 + 1));
        new ChessGame(registry, modelId, 0, ROUND, 2 ** 32 + 1, MIN_STAKE, AI_SIDE);
        vm.expectRevert(IChessGameErrors.ZeroMinimumStake.selector);
        new ChessGame(registry, modelId, 0, ROUND, AI_TIME, 0, AI_SIDE);
    }

    // ---------------------------------------------------------------- votes

    function test_Vote_RecordsSupportStakeAndLeader() public {
        vm.expectEmit(true, true, true, true, address(game));
        emit Voted(1, ALICE, move("e2e4"), 1 ether, 1 ether);
        vm.prank(ALICE);
        game.vote{value: 1 ether}(1, move("e2e4"));
        vm.prank(BOB);
        game.vote{value: 2 ether}(1, move("d2d4"));
        vm.prank(ALICE);
        game.vote{value: 0.5 ether}(1, move("d2d4"));

        assertEq(game.support(1, move("e2e4")), 1 ether, "e4 support");
        assertEq(game.support(1, move("d2d4")), 2.5 ether, "d4 support");
        assertEq(game.stakeOf(1, ALICE), 1.5 ether, "alice stake");
        assertEq(game.stakeOf(1, BOB), 2 ether, "bob stake");
        (uint256 total, uint256 leading, uint256 leadingSupport, bool finalized) = game.roundTally(1);
        assertEq(total, 3.5 ether, "total");
        assertEq(leading, move("d2d4"), "leader");
        assertEq(leadingSupport, 2.5 ether, "leader support");
        assertFalse(finalized, "finalized");
        assertEq(address(game).balance, 3.5 ether, "escrow");
    }

    function test_Vote_TieGoesToTheLowestMoveCode() public {
        // g1f3 (6 << 9 | ...) is below g2g3 (14 << 9 | ...), whatever the voting order.
        vm.prank(ALICE);
        game.vote{value: 1 ether}(1, move("g2g3"));
        vm.prank(BOB);
        game.vote{value: 1 ether}(1, move("g1f3"));
        (, uint256 leading,,) = game.roundTally(1);
        assertEq(leading, move("g1f3"), "lower code wins the tie");
        // Resignation never wins a tie.
        uint256 resign = game.RESIGN();
        vm.prank(CAROL);
        game.vote{value: 1 ether}(1, resign);
        (, leading,,) = game.roundTally(1);
        assertEq(leading, move("g1f3"), "resign loses the tie");
    }

    function test_RevertWhen_VotingForAnIllegalMove() public {
        uint256[4] memory illegal = [move("e2e5"), move("e7e5"), move("e1e2"), uint256(0)];
        for (uint256 i = 0; i < illegal.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.IllegalMove.selector, illegal[i]));
            vm.prank(ALICE);
            game.vote{value: MIN_STAKE}(1, illegal[i]);
        }
    }

    function test_RevertWhen_VotingAtOrAfterTheDeadline() public {
        vm.warp(game.deadline() - 1);
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(1, move("e2e4"));
        vm.warp(game.deadline());
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.VotingClosed.selector, 1, game.deadline()));
        vm.prank(BOB);
        game.vote{value: MIN_STAKE}(1, move("e2e4"));
    }

    function test_RevertWhen_VotingInAnotherRound() public {
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongRound.selector, 2, 1));
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(2, move("e2e4"));
    }

    function test_RevertWhen_StakeIsBelowTheMinimum() public {
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.StakeTooLow.selector, MIN_STAKE - 1, MIN_STAKE));
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE - 1}(1, move("e2e4"));
    }

    function test_RevertWhen_VotingOnTheAisTurn() public {
        playWorld("e2e4");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongPhase.selector, GamePhase.AiToMove));
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(1, move("d2d4"));
    }

    // ---------------------------------------------------------------- finalization

    function test_Finalize_PlaysTheMostSupportedMove() public {
        vm.prank(ALICE);
        game.vote{value: 1 ether}(1, move("e2e4"));
        vm.prank(BOB);
        game.vote{value: 3 ether}(1, move("d2d4"));
        vm.warp(game.deadline());

        vm.expectEmit(true, true, true, true, address(game));
        emit RoundFinalized(1, move("d2d4"), 3 ether, 4 ether);
        vm.prank(CAROL);
        game.finalizeRound(1);

        (uint256 board, uint256 state) = game.position();
        assertEq(ChessBoard.pieceAt(board, 27), ChessBoard.PAWN, "pawn on d4");
        assertEq(ChessBoard.pieceAt(board, 11), 0, "d2 empty");
        assertEq(ChessBoard.sideToMove(state), 1, "black to move");
        assertEq(game.ply(), 1, "ply");
        assertEq(uint256(game.phase()), uint256(GamePhase.AiToMove), "AI to move");
        assertEq(game.deadline(), block.timestamp + AI_TIME, "AI deadline");
        (,,, bool finalized) = game.roundTally(1);
        assertTrue(finalized, "finalized");
    }

    function test_RevertWhen_FinalizingBeforeTheDeadline() public {
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(1, move("e2e4"));
        vm.warp(game.deadline() - 1);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.RoundStillOpen.selector, 1, game.deadline()));
        game.finalizeRound(1);
    }

    function test_RevertWhen_FinalizingTwice() public {
        playWorld("e2e4");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.RoundAlreadyFinalized.selector, 1));
        game.finalizeRound(1);
    }

    function test_RevertWhen_FinalizingAnotherRound() public {
        vm.warp(game.deadline());
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongRound.selector, 2, 1));
        game.finalizeRound(2);
    }

    function test_Finalize_WithoutVotesExtendsTheRound() public {
        vm.warp(game.deadline() + 5);
        vm.expectEmit(true, true, true, true, address(game));
        emit RoundExtended(1, block.timestamp + ROUND);
        game.finalizeRound(1);
        assertEq(game.currentRound(), 1, "same round");
        assertEq(game.deadline(), block.timestamp + ROUND, "new deadline");
        assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "still the World's turn");
        playWorld("e2e4");
        assertEq(game.ply(), 1, "then played");
    }

    /// @dev Round 1: ALICE stakes 2 ether on RESIGN, BOB 1 ether on e2e4; then the deadline.
    function voteToResign() internal {
        uint256 resign = game.RESIGN();
        vm.prank(ALICE);
        game.vote{value: 2 ether}(1, resign);
        vm.prank(BOB);
        game.vote{value: 1 ether}(1, move("e2e4"));
        vm.warp(game.deadline());
    }

    function test_Finalize_ResignationEndsTheGame() public {
        voteToResign();
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.Resignation, GameResult.AiWon);
        game.finalizeRound(1);
        assertEq(uint256(game.phase()), uint256(GamePhase.Over), "over");
        (GameEnding ending, GameResult result) = game.outcome();
        assertEq(uint256(ending), uint256(GameEnding.Resignation), "ending");
        assertEq(uint256(result), uint256(GameResult.AiWon), "result");
        assertEq(game.ply(), 0, "no move played");
        // The World resigned: its stakes are the AI side's.
        assertEq(game.claimable(1, BOB), 0, "nothing for bob");
        game.claimPot();
        assertEq(AI_SIDE.balance, 3 ether, "the pot went to the AI side");
    }

    function test_Finalize_ResignationWithoutAMajorityPlaysTheLeadingMove() public {
        uint256 resign = game.RESIGN();
        // A whale's last-second plurality for RESIGN: 3 of 7 ether, not a majority.
        vm.prank(BOB);
        game.vote{value: 2 ether}(1, move("e2e4"));
        vm.prank(CAROL);
        game.vote{value: 2 ether}(1, move("d2d4"));
        vm.warp(game.deadline() - 1);
        vm.prank(ALICE);
        game.vote{value: 3 ether}(1, resign);
        (, uint256 leading, uint256 leadingSupport,) = game.roundTally(1);
        assertEq(leading, move("d2d4"), "the leader is a move (tie: lowest code)");
        assertEq(leadingSupport, 2 ether, "its support");
        vm.warp(game.deadline());
        vm.expectEmit(true, true, true, true, address(game));
        emit RoundFinalized(1, move("d2d4"), 2 ether, 7 ether);
        game.finalizeRound(1);
        assertEq(uint256(game.phase()), uint256(GamePhase.AiToMove), "play goes on");
        assertEq(game.ply(), 1, "d2d4 played");

        // Half the stake is not a majority either; more than half is.
        playAi("d7d5");
        vm.prank(ALICE);
        game.vote{value: 2 ether}(2, resign);
        vm.prank(BOB);
        game.vote{value: 2 ether}(2, move("c2c4"));
        vm.warp(game.deadline());
        game.finalizeRound(2);
        assertEq(game.ply(), 3, "c2c4 played at exactly half for RESIGN");
        playAi("e7e6");
        vm.prank(ALICE);
        game.vote{value: 2 ether + 1}(3, resign);
        vm.prank(BOB);
        game.vote{value: 2 ether}(3, move("b1c3"));
        vm.warp(game.deadline());
        vm.expectEmit(true, true, true, true, address(game));
        emit RoundFinalized(3, resign, 2 ether + 1, 4 ether + 1);
        game.finalizeRound(3);
        (GameEnding ending, GameResult result) = game.outcome();
        assertEq(uint256(ending), uint256(GameEnding.Resignation), "resigned by majority");
        assertEq(uint256(result), uint256(GameResult.AiWon), "result");
    }

    // ---------------------------------------------------------------- stakes

    function test_ClaimStake_WorldWinSharesThePotAmongThePlayedMoves() public {
        vm.prank(ALICE);
        game.vote{value: 1 ether}(1, move("e2e4"));
        vm.prank(BOB);
        game.vote{value: 2 ether}(1, move("d2d4"));
        uint256 resign = game.RESIGN();
        vm.prank(CAROL);
        game.vote{value: 1 ether}(1, resign);
        vm.warp(game.deadline());
        game.finalizeRound(1);
        // Locked while the game goes on, finalized round or not.
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.StakeLocked.selector, 1));
        vm.prank(BOB);
        game.claimStake(1);
        assertEq(game.claimable(1, BOB), 0, "nothing claimable during the game");
        playAi("d7d5");
        vm.prank(ALICE);
        game.vote{value: 1 ether}(2, move("c2c4"));
        vm.warp(game.deadline());
        game.finalizeRound(2);
        vm.warp(game.deadline());
        game.claimAiTimeout();
        assertEq(game.owed(), 5 ether, "the pot");

        // The line: BOB's 2 ether on d2d4 (round 1), ALICE's 1 ether on c2c4 (round 2).
        uint256 bobShare = uint256(2 ether) * 5 ether / 3 ether;
        assertEq(game.claimable(1, BOB), bobShare, "bob's share");
        assertEq(game.claimable(1, ALICE), 0, "alice's e2e4 was not played");
        assertEq(game.claimable(1, CAROL), 0, "carol's resignation was not played");
        vm.expectEmit(true, true, true, true, address(game));
        emit StakeClaimed(1, BOB, bobShare);
        vm.prank(BOB);
        game.claimStake(1);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.NothingToClaim.selector, 1, ALICE));
        vm.prank(ALICE);
        game.claimStake(1);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.NothingToClaim.selector, 1, CAROL));
        vm.prank(CAROL);
        game.claimStake(1);
        // The last claimant of the line gets exactly the rest of the pot.
        assertEq(game.claimable(2, ALICE), 5 ether - bobShare, "alice's share");
        vm.prank(ALICE);
        game.claimStake(2);
        assertEq(address(game).balance, 0, "the whole pot paid out");
        assertEq(game.owed(), 0, "nothing owed");
        assertEq(BOB.balance, 98 ether + bobShare, "bob won more than his stake");
        assertEq(ALICE.balance, 98 ether + 5 ether - bobShare, "alice");
        assertEq(CAROL.balance, 99 ether, "carol lost her stake");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.NothingToClaim.selector, 1, BOB));
        vm.prank(BOB);
        game.claimStake(1);
        vm.expectRevert(IChessGameErrors.PotNotClaimable.selector);
        game.claimPot();
    }

    function test_ClaimPot_AiWinGivesThePotToTheAiSide() public {
        vm.expectRevert(IChessGameErrors.PotNotClaimable.selector);
        game.claimPot();
        voteToResign();
        game.finalizeRound(1);
        assertEq(game.claimable(1, BOB), 0, "the World lost");
        assertEq(game.claimable(1, ALICE), 0, "resigning did not pay either");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.NothingToClaim.selector, 1, BOB));
        vm.prank(BOB);
        game.claimStake(1);
        vm.expectEmit(true, true, true, true, address(game));
        emit PotClaimed(AI_SIDE, 3 ether);
        game.claimPot();
        assertEq(AI_SIDE.balance, 3 ether, "the AI side has the pot");
        assertEq(address(game).balance, 0, "nothing left");
        vm.expectRevert(IChessGameErrors.PotNotClaimable.selector);
        game.claimPot();
    }

    function test_RevertWhen_RefundIsRefused() public {
        RefundRefuser refuser = new RefundRefuser();
        refuser.voteOn{value: 1 ether}(game, 1, move("e2e4"));
        vm.warp(game.deadline());
        game.finalizeRound(1);
        vm.warp(game.deadline());
        game.claimAiTimeout();
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.RefundFailed.selector, address(refuser), 1 ether));
        refuser.claim(game, 1);
        assertEq(game.stakeOf(1, address(refuser)), 1 ether, "still claimable");
        assertEq(game.claimable(1, address(refuser)), 1 ether, "the whole pot");
    }

    function test_RevertWhen_BeneficiaryIsZero() public {
        vm.expectRevert(IChessGameErrors.ZeroBeneficiary.selector);
        new ChessGame(registry, modelId, 0, ROUND, AI_TIME, MIN_STAKE, address(0));
    }

    // ---------------------------------------------------------------- AI moves

    function test_AiMove_AcceptedWithTheExactProof() public {
        playWorld("e2e4");
        allowAiMove("c7c5");
        (, uint256 before) = game.position();
        vm.expectEmit(true, true, true, false, address(game));
        emit MovePlayed(1, move("c7c5"), true, 0, 0);
        vm.prank(PROVER);
        game.submitAiMove(1, move("c7c5"), PROOF);

        (uint256 board, uint256 state) = game.position();
        assertEq(ChessBoard.pieceAt(board, 34), ChessBoard.BLACK | ChessBoard.PAWN, "pawn on c5");
        assertEq(ChessBoard.epSquare(state), 42, "ep target c6");
        assertTrue(state != before, "state moved on");
        assertEq(game.ply(), 2, "ply");
        assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "World to move");
        assertEq(game.currentRound(), 2, "round 2 open");
    }

    function test_RevertWhen_AiProofIsTampered() public {
        playWorld("e2e4");
        allowAiMove("c7c5");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, move("c7c5")));
        game.submitAiMove(1, move("c7c5"), hex"c4e55c4e55c4e55c4e54");
        assertEq(game.ply(), 1, "nothing played");
    }

    function test_RevertWhen_AiClaimsAnotherMoveThanProven() public {
        playWorld("e2e4");
        allowAiMove("c7c5");
        // e7e5 is legal, but the proof is for c7c5.
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, move("e7e5")));
        game.submitAiMove(1, move("e7e5"), PROOF);
    }

    function test_RevertWhen_AiMoveIsIllegal() public {
        playWorld("e2e4");
        uint256[3] memory illegal = [move("c7c4"), move("e2e4"), move("e8e7")];
        for (uint256 i = 0; i < illegal.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.IllegalMove.selector, illegal[i]));
            game.submitAiMove(1, illegal[i], PROOF);
        }
    }

    function test_RevertWhen_AiMoveIsForAStaleBoard() public {
        playWorld("e2e4");
        // A proof of d7d6 for the position at ply 1 exists, but c7c5 is played instead.
        allowAiMove("d7d6");
        playAi("c7c5");
        playWorld("g1f3");
        // The expected ply guards against a submission for an earlier position ...
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.StaleBoard.selector, 1, 3));
        game.submitAiMove(1, move("d7d6"), PROOF);
        // ... and the old proof does not verify for the current position, although d7d6 is
        // legal in both: the inputs (board, ply, legal moves) differ.
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, move("d7d6")));
        game.submitAiMove(3, move("d7d6"), PROOF);
        assertEq(game.ply(), 3, "nothing played");
    }

    /// @dev Issue 13, attack 5: a chess model with private (unbound) weights is refused.
    function test_RevertWhen_ModelWeightsArePrivate() public {
        IModelRegistry.ModelRegistration memory r = chessRegistration(COMMITMENT);
        r.visibility.weights = 1;
        bytes32 unbound = registry.registerModel(r);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.UnboundWeights.selector, unbound));
        new ChessGame(registry, unbound, 1, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
    }

    function test_RevertWhen_AiMoveIsForAnotherModel() public {
        // A game pinned to a model id nobody registered: refused at construction.
        bytes32 unknown = keccak256("zkinfer/chess-policy/unregistered");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, unknown));
        new ChessGame(registry, unknown, 1, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);

        // A game pinned to another registered model: the proof for modelId does not verify.
        bytes32 other = registry.registerModel(chessRegistration(keccak256("zkinfer/chess-policy/other")));
        ChessGame otherGame = new ChessGame(registry, other, 1, ROUND, AI_TIME, MIN_STAKE, AI_SIDE);
        deployGame(1);
        allowAiMove("e2e4");
        game.submitAiMove(0, move("e2e4"), PROOF);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, other, move("e2e4")));
        otherGame.submitAiMove(0, move("e2e4"), PROOF);
    }

    function test_RevertWhen_AiMovesOnTheWorldsTurn() public {
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongPhase.selector, GamePhase.WorldToMove));
        game.submitAiMove(0, move("e2e4"), PROOF);
    }

    function test_AiTimeout_WorldWinsWhenTheAiDoesNotMove() public {
        playWorld("e2e4");
        vm.warp(game.deadline() - 1);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiTimeNotUp.selector, game.deadline()));
        game.claimAiTimeout();
        vm.warp(game.deadline());
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.AiTimeout, GameResult.WorldWon);
        game.claimAiTimeout();
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongPhase.selector, GamePhase.Over));
        game.submitAiMove(1, move("e7e5"), PROOF);
    }

    function test_RevertWhen_AiMovesAtOrAfterItsDeadline() public {
        playWorld("e2e4");
        allowAiMove("e7e5");
        uint256 aiDeadline = game.deadline();
        vm.warp(aiDeadline);
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.AiTimeUp.selector, aiDeadline));
        vm.prank(PROVER);
        game.submitAiMove(1, move("e7e5"), PROOF);
        // The late move cannot race the World's claim: the game goes to the World.
        game.claimAiTimeout();
        (GameEnding ending, GameResult result) = game.outcome();
        assertEq(uint256(ending), uint256(GameEnding.AiTimeout), "ending");
        assertEq(uint256(result), uint256(GameResult.WorldWon), "result");
    }

    // ---------------------------------------------------------------- whole games

    function test_Game_ThreefoldRepetitionIsADraw() public {
        // The knights go out and back twice: the initial position occurs a third time after
        // the AI's eighth ply. Twice is not enough.
        for (uint256 i = 0; i < 2; ++i) {
            playWorld("g1f3");
            playAi("g8f6");
            playWorld("f3g1");
            if (i == 0) {
                playAi("f6g8");
                assertEq(uint256(game.phase()), uint256(GamePhase.WorldToMove), "second occurrence: play on");
            }
        }
        allowAiMove("f6g8");
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.ThreefoldRepetition, GameResult.Draw);
        vm.prank(PROVER);
        game.submitAiMove(7, move("f6g8"), PROOF);
        (uint256 board, uint256 state) = game.position();
        assertEq(board, ChessBoard.START_BOARD, "the initial board again");
        assertEq(ChessBoard.sideToMove(state), 0, "White to move");
        assertEq(uint256(game.phase()), uint256(GamePhase.Over), "over");
        // A draw refunds every stake in full.
        for (uint256 round = 1; round <= 4; ++round) {
            assertEq(game.claimable(round, ALICE), MIN_STAKE, "refund");
            vm.prank(ALICE);
            game.claimStake(round);
        }
        assertEq(ALICE.balance, 100 ether, "alice whole again");
        assertEq(address(game).balance, 0, "nothing kept");
    }

    function test_Game_RepetitionNeedsTheSameRights() public {
        // After 1. e3 e6 (single pushes: no en-passant square) the kings walk out and back:
        // the board after 1... e6 comes back twice with White to move, but without castling
        // rights, so it is not the same position (counting it would draw at the second walk
        // back). Only the kings-out position's own third occurrence draws.
        string[4] memory walk = ["e2e3", "e7e6", "e1e2", "e8e7"];
        for (uint256 i = 0; i < 4; ++i) {
            if (i % 2 == 0) playWorld(walk[i]);
            else playAi(walk[i]);
        }
        string[4] memory back = ["e2e1", "e7e8", "e1e2", "e8e7"];
        for (uint256 n = 0; n < 2; ++n) {
            for (uint256 i = 0; i < 4; ++i) {
                if (n == 1 && i == 3) break;
                if (i % 2 == 0) playWorld(back[i]);
                else playAi(back[i]);
            }
        }
        // Kings back on e1/e8 (without castling rights) twice so far, kings on e2/e7 three
        // times after this move.
        allowAiMove("e8e7");
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.ThreefoldRepetition, GameResult.Draw);
        vm.prank(PROVER);
        game.submitAiMove(game.ply(), move("e8e7"), PROOF);
    }

    function test_Game_WorldMatesTheAi() public {
        // Scholar's mate.
        playWorld("e2e4");
        playAi("e7e5");
        playWorld("f1c4");
        playAi("b8c6");
        playWorld("d1h5");
        playAi("g8f6");
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(4, move("h5f7"));
        vm.warp(game.deadline());
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.Checkmate, GameResult.WorldWon);
        game.finalizeRound(4);
        assertEq(uint256(game.phase()), uint256(GamePhase.Over), "over");
        assertEq(game.ply(), 7, "ply");
        vm.expectRevert(abi.encodeWithSelector(IChessGameErrors.WrongPhase.selector, GamePhase.Over));
        vm.prank(ALICE);
        game.vote{value: MIN_STAKE}(4, move("a2a3"));
    }

    function test_Game_AiMatesTheWorld() public {
        // Fool's mate.
        playWorld("f2f3");
        playAi("e7e5");
        playWorld("g2g4");
        allowAiMove("d8h4");
        vm.expectEmit(true, true, true, true, address(game));
        emit GameEnded(GameEnding.Checkmate, GameResult.AiWon);
        game.submitAiMove(3, move("d8h4"), PROOF);
        (GameEnding ending, GameResult result) = game.outcome();
        assertEq(uint256(ending), uint256(GameEnding.Checkmate), "ending");
        assertEq(uint256(result), uint256(GameResult.AiWon), "result");
        assertEq(game.currentRound(), 2, "no round after the mate");
    }
}
