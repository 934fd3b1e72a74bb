// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

// Invariants of ChessGame's escrow: the game holds exactly what it still owes (every stake
// during the game; after it, what is left of the pot for the line, a draw's refunds or the AI
// side), and no wei is ever stuck or made up. The handler (handlers/ChessGameHandler.sol) drives two games (the World
// as White and as Black) with six voters: votes (some refused: too low, wrong round, illegal
// move; some resignations), time passing, finalizations, proven, forged and stale AI moves, AI
// timeouts and claims. It predicts every call's outcome (exact revert data) and keeps its own
// ledger of who staked what; after every call the balances, stakes and tallies must match it.
// After each run every game is played to its end and everything claimed: then the games must
// hold nothing and the wei must all be in the voters' and the AI side's accounts.

import {Test} from "./utils/Test.sol";
import {InvariantTargets} from "./utils/InvariantTargets.sol";
import {ChessGameHandler} from "./handlers/ChessGameHandler.sol";
import {ChessGame} from "../../contracts/chess/ChessGame.sol";

/// @notice The escrow invariants, checked after every handler call, and the settlement check
///         after every run.
contract InvariantChessGameTest is Test, InvariantTargets {
    ChessGameHandler internal handler;

    function setUp() public {
        handler = new ChessGameHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = ChessGameHandler.vote.selector;
        selectors[1] = ChessGameHandler.finalize.selector;
        selectors[2] = ChessGameHandler.aiMove.selector;
        selectors[3] = ChessGameHandler.claimAiTimeout.selector;
        selectors[4] = ChessGameHandler.claim.selector;
        selectors[5] = ChessGameHandler.advanceClock.selector;
        selectors[6] = ChessGameHandler.claimPot.selector;
        targetSelector(address(handler), selectors);
    }

    /// @dev The game's balance is the sum of the stakes it still owes, by the handler's ledger.
    function invariant_BalanceIsTheStakesStillOwed() public view {
        for (uint256 g = 0; g < 2; ++g) {
            assertEq(address(handler.games(g)).balance, handler.owedByGame(g), "balance is not the stakes owed");
            assertEq(handler.games(g).owed(), handler.owedByGame(g), "the game's own account differs");
        }
    }

    /// @dev Each stake and tally the game reports is the ledger's, and no wei appears or
    ///      vanishes: the voters', the AI side's and the games' balances add up to the funds.
    function invariant_StakesAndTalliesMatchTheLedger() public view {
        for (uint256 g = 0; g < 2; ++g) {
            ChessGame game = handler.games(g);
            for (uint256 round = 0; round <= game.currentRound(); ++round) {
                (uint256 total,,, bool finalized) = game.roundTally(round);
                assertEq(total, handler.roundTotal(g, round), "round total");
                assertTrue(finalized == handler.roundFinalized(g, round), "round finalized");
                for (uint256 v = 0; v < handler.VOTERS(); ++v) {
                    address voter = handler.voters(v);
                    assertEq(game.stakeOf(round, voter), handler.stakeOwed(g, round, voter), "stake");
                }
            }
        }
        assertEq(_total(), handler.VOTERS() * handler.FUNDS(), "wei appeared or vanished");
    }

    function _total() internal view returns (uint256 total) {
        for (uint256 v = 0; v < handler.VOTERS(); ++v) {
            total += handler.voters(v).balance;
        }
        total += handler.AI_SIDE_ACCOUNT().balance;
        for (uint256 g = 0; g < 2; ++g) {
            total += address(handler.games(g)).balance;
        }
    }

    /// @dev Every call succeeded or reverted exactly as the handler predicted.
    function invariant_EveryCallBehavedAsPredicted() public view {
        assertEq(handler.surprises(), 0, handler.firstSurprise());
    }

    /// @dev No stake is stuck: once the games are over and everyone claimed, nothing is left.
    function afterInvariant() public {
        handler.settle();
        assertEq(handler.surprises(), 0, handler.firstSurprise());
        for (uint256 g = 0; g < 2; ++g) {
            assertEq(address(handler.games(g)).balance, 0, "stake stuck in a finished game");
            assertEq(handler.owedByGame(g), 0, "the ledger still owes stakes");
        }
        assertEq(_total(), handler.VOTERS() * handler.FUNDS(), "wei appeared or vanished");
    }
}
