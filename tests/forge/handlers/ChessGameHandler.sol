// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {PredictedCalls} from "../utils/PredictedCalls.sol";
import {ChessGameFixture} from "../chess/utils/ChessGameFixture.sol";
import {ChessNotation} from "../chess/utils/ChessNotation.sol";
import {ChessGame} from "../../../contracts/chess/ChessGame.sol";
import {IChessGameErrors} from "../../../contracts/chess/interfaces/IChessGameErrors.sol";
import {GamePhase, GameResult} from "../../../contracts/chess/interfaces/IChessGameEvents.sol";

/// @title ChessGameHandler
/// @notice What tests/forge/InvariantChessGame.t.sol fuzzes: plays two `ChessGame`s against the
///         fixture's registry and verifier double, and keeps its own ledger of the stakes.
contract ChessGameHandler is ChessGameFixture, PredictedCalls {
    uint256 public constant VOTERS = 6;
    uint256 public constant FUNDS = 1_000 ether;
    uint256 internal constant MAX_STAKE = 5 ether;
    bytes internal constant FORGED_PROOF = hex"c4e55c4e55c4e55c4e54";

    ChessGame[2] public games;
    address[VOTERS] public voters;
    uint256 internal _time = 1_000_000;

    /// @dev The ledger: what each voter staked per game and round and has not claimed yet,
    ///      per move, each round's tally and played move, what each game owes and the stake on
    ///      its World's line not yet paid out.
    mapping(uint256 g => mapping(uint256 round => mapping(address voter => uint256))) public stakeOwed;
    mapping(uint256 g => mapping(uint256 round => mapping(address voter => mapping(uint256 move => uint256)))) internal
        _stakeOn;
    mapping(uint256 g => mapping(uint256 round => mapping(uint256 move => uint256))) internal _support;
    mapping(uint256 g => mapping(uint256 round => uint256[])) internal _movesVoted;
    /// @dev The move played in a round, plus one (0: none).
    mapping(uint256 g => mapping(uint256 round => uint256)) internal _played;
    mapping(uint256 g => mapping(uint256 round => uint256)) public roundTotal;
    mapping(uint256 g => mapping(uint256 round => bool)) public roundFinalized;
    uint256[2] public owedByGame;
    uint256[2] internal _lineLeft;

    constructor() {
        vm.warp(_time);
        deployGame(0);
        games = [game, new ChessGame(registry, modelId, 1, ROUND, AI_TIME, MIN_STAKE, AI_SIDE)];
        // The AI side starts empty: its balance is what the pots paid it.
        vm.deal(AI_SIDE, 0);
        for (uint256 i = 0; i < VOTERS; ++i) {
            voters[i] = address(uint160(0x7000 + i));
            vm.deal(voters[i], FUNDS);
        }
    }

    /// @dev The AI side's account (the fixture's constant), for the invariants.
    function AI_SIDE_ACCOUNT() external pure returns (address) {
        return AI_SIDE;
    }

    modifier onHandlerClock() {
        vm.warp(_time);
        _;
    }

    // ------------------------------------------------------------------ actions

    /// @dev Mostly a valid vote; sometimes too low a stake, the wrong round, resignation or an
    ///      illegal move.
    function vote(uint256 gameSeed, uint256 voterSeed, uint256 moveSeed, uint256 stakeSeed) external onHandlerClock {
        uint256 g = gameSeed % 2;
        uint256 round = games[g].currentRound();
        uint256 stake = bound(stakeSeed, MIN_STAKE, MAX_STAKE);
        uint256 move = _pickMove(games[g], moveSeed >> 8);
        uint256 kind = moveSeed % 16;
        if (kind == 0) stake = MIN_STAKE - 1;
        else if (kind == 1) round += 1;
        else if (kind == 2) move = games[g].RESIGN();
        else if (kind == 3) move = 0; // a1a1, never legal
        _vote(g, voters[voterSeed % VOTERS], round, move, stake);
    }

    function finalize(uint256 gameSeed) external onHandlerClock {
        _finalize(gameSeed % 2);
    }

    /// @dev Mostly a proven move; sometimes a forged proof or a stale ply.
    function aiMove(uint256 gameSeed, uint256 moveSeed) external onHandlerClock {
        uint256 g = gameSeed % 2;
        ChessGame c = games[g];
        uint256 move = _pickMove(c, moveSeed >> 8);
        uint256 kind = moveSeed % 8;
        bool forged = kind == 0;
        uint256 ply = kind == 1 ? c.ply() + 1 : c.ply();
        bytes memory expected;
        if (c.phase() != GamePhase.AiToMove) expected = _err(IChessGameErrors.WrongPhase.selector, uint8(c.phase()));
        else if (_time >= c.deadline()) expected = _err(IChessGameErrors.AiTimeUp.selector, c.deadline());
        else if (kind == 1) expected = abi.encodeWithSelector(IChessGameErrors.StaleBoard.selector, ply, c.ply());
        else if (forged) expected = abi.encodeWithSelector(IChessGameErrors.AiMoveNotVerified.selector, modelId, move);
        else _allowAiMove(c, move);
        vm.prank(PROVER);
        try c.submitAiMove(ply, move, forged ? FORGED_PROOF : PROOF) {
            if (expected.length != 0) _surprise("submitAiMove accepted a forbidden move");
        } catch (bytes memory err) {
            _expectRevert("submitAiMove", err, expected);
        }
    }

    function claimAiTimeout(uint256 gameSeed) external onHandlerClock {
        _claimAiTimeout(gameSeed % 2);
    }

    function claim(uint256 gameSeed, uint256 voterSeed, uint256 roundSeed) external onHandlerClock {
        uint256 g = gameSeed % 2;
        _claim(g, voters[voterSeed % VOTERS], roundSeed % (games[g].currentRound() + 1));
    }

    function claimPot(uint256 gameSeed) external onHandlerClock {
        _claimPot(gameSeed % 2);
    }

    /// @dev Half of the time exactly to a game's deadline, otherwise up to two rounds on.
    function advanceClock(uint256 secondsSeed) external {
        if (secondsSeed % 2 == 0) _warpTo(games[(secondsSeed >> 1) % 2].deadline());
        else _warpTo(_time + bound(secondsSeed >> 1, 1, 2 * ROUND));
    }

    /// @dev Ends every game (a resignation vote where a round has no stake, then AI timeouts)
    ///      and claims every stake owed. Called after each run, not by the fuzzer.
    function settle() external onHandlerClock {
        for (uint256 g = 0; g < 2; ++g) {
            ChessGame c = games[g];
            for (uint256 i = 0; i < 8 && c.phase() != GamePhase.Over; ++i) {
                if (c.phase() == GamePhase.WorldToMove) {
                    uint256 round = c.currentRound();
                    if (roundTotal[g][round] == 0) {
                        if (_time >= c.deadline()) _finalize(g); // extends the empty round
                        _vote(g, voters[0], round, c.RESIGN(), MIN_STAKE);
                    }
                    _warpTo(c.deadline());
                    _finalize(g);
                } else {
                    _warpTo(c.deadline());
                    _claimAiTimeout(g);
                }
            }
            if (c.phase() != GamePhase.Over) _surprise("a game could not be ended");
            for (uint256 round = 1; round <= c.currentRound(); ++round) {
                for (uint256 v = 0; v < VOTERS; ++v) {
                    if (stakeOwed[g][round][voters[v]] != 0) _claim(g, voters[v], round);
                }
            }
            (, GameResult result) = c.outcome();
            if (result == GameResult.AiWon && owedByGame[g] != 0) _claimPot(g);
        }
    }

    // ------------------------------------------------------------------ internals

    function _vote(uint256 g, address voter, uint256 round, uint256 move, uint256 stake) internal {
        ChessGame c = games[g];
        uint256 current = c.currentRound();
        bytes memory expected;
        if (c.phase() != GamePhase.WorldToMove) {
            expected = _err(IChessGameErrors.WrongPhase.selector, uint8(c.phase()));
        } else if (round != current) {
            expected = abi.encodeWithSelector(IChessGameErrors.WrongRound.selector, round, current);
        } else if (_time >= c.deadline()) {
            expected = abi.encodeWithSelector(IChessGameErrors.VotingClosed.selector, round, c.deadline());
        } else if (stake < MIN_STAKE) {
            expected = abi.encodeWithSelector(IChessGameErrors.StakeTooLow.selector, stake, MIN_STAKE);
        } else if (move != c.RESIGN() && !ChessNotation.contains(c.legalMoves(), move)) {
            expected = _err(IChessGameErrors.IllegalMove.selector, move);
        }
        vm.prank(voter);
        try c.vote{value: stake}(round, move) {
            if (expected.length != 0) return _surprise("vote accepted a forbidden vote");
            stakeOwed[g][round][voter] += stake;
            _stakeOn[g][round][voter][move] += stake;
            if (_support[g][round][move] == 0) _movesVoted[g][round].push(move);
            _support[g][round][move] += stake;
            roundTotal[g][round] += stake;
            owedByGame[g] += stake;
        } catch (bytes memory err) {
            _expectRevert("vote", err, expected);
        }
    }

    function _finalize(uint256 g) internal {
        ChessGame c = games[g];
        uint256 round = c.currentRound();
        bytes memory expected;
        if (roundFinalized[g][round]) {
            expected = _err(IChessGameErrors.RoundAlreadyFinalized.selector, round);
        } else if (c.phase() != GamePhase.WorldToMove) {
            expected = _err(IChessGameErrors.WrongPhase.selector, uint8(c.phase()));
        } else if (_time < c.deadline()) {
            expected = abi.encodeWithSelector(IChessGameErrors.RoundStillOpen.selector, round, c.deadline());
        }
        try c.finalizeRound(round) {
            if (expected.length != 0) return _surprise("finalizeRound accepted a forbidden call");
            if (roundTotal[g][round] != 0) _recordFinalized(g, round);
            else if (c.deadline() != _time + ROUND) _surprise("an empty round was not extended");
        } catch (bytes memory err) {
            _expectRevert("finalizeRound", err, expected);
        }
    }

    function _claimAiTimeout(uint256 g) internal {
        ChessGame c = games[g];
        bytes memory expected;
        if (c.phase() != GamePhase.AiToMove) expected = _err(IChessGameErrors.WrongPhase.selector, uint8(c.phase()));
        else if (_time < c.deadline()) expected = _err(IChessGameErrors.AiTimeNotUp.selector, c.deadline());
        try c.claimAiTimeout() {
            if (expected.length != 0) _surprise("claimAiTimeout accepted a forbidden call");
        } catch (bytes memory err) {
            _expectRevert("claimAiTimeout", err, expected);
        }
    }

    /// @dev The round's outcome by the ledger: resigned with a strict majority of its stake,
    ///      else its most-supported move (ties: lowest code) is played and joins the line.
    function _recordFinalized(uint256 g, uint256 round) internal {
        roundFinalized[g][round] = true;
        ChessGame c = games[g];
        if (2 * _support[g][round][c.RESIGN()] > roundTotal[g][round]) {
            (, GameResult result) = c.outcome();
            if (result != GameResult.AiWon) _surprise("a majority resignation did not end the game");
            return;
        }
        uint256[] storage moves = _movesVoted[g][round];
        uint256 best = type(uint256).max;
        for (uint256 i = 0; i < moves.length; ++i) {
            uint256 m = moves[i];
            if (m == c.RESIGN()) continue;
            uint256 s = _support[g][round][m];
            if (
                best == type(uint256).max || s > _support[g][round][best] || (s == _support[g][round][best] && m < best)
            ) {
                best = m;
            }
        }
        (, uint256 leading,,) = c.roundTally(round);
        if (best != leading) {
            _surprise(
                string.concat(
                    "another move was played than the ledger's leader: ",
                    vm.toString(leading),
                    " vs ",
                    vm.toString(best),
                    " of ",
                    vm.toString(moves.length)
                )
            );
        }
        _played[g][round] = best + 1;
        _lineLeft[g] += _support[g][round][best];
    }

    /// @dev What a claim pays by the ledger, and the part of it on the line (see ChessGame).
    function _payout(uint256 g, address voter, uint256 round) internal view returns (uint256 amount, uint256 inLine) {
        uint256 staked = stakeOwed[g][round][voter];
        (, GameResult result) = games[g].outcome();
        if (staked == 0) return (0, 0);
        if (result == GameResult.Draw) return (staked, 0);
        if (result != GameResult.WorldWon || _played[g][round] == 0) return (0, 0);
        inLine = _stakeOn[g][round][voter][_played[g][round] - 1];
        if (inLine != 0) amount = inLine * owedByGame[g] / _lineLeft[g];
    }

    function _claim(uint256 g, address voter, uint256 round) internal {
        ChessGame c = games[g];
        (uint256 amount, uint256 inLine) = _payout(g, voter, round);
        bytes memory expected;
        if (c.phase() != GamePhase.Over) {
            expected = _err(IChessGameErrors.StakeLocked.selector, round);
        } else if (amount == 0) {
            expected = abi.encodeWithSelector(IChessGameErrors.NothingToClaim.selector, round, voter);
        } else if (inLine != 0 && amount < inLine) {
            _surprise("a stake on the line would get less than it staked");
        }
        uint256 before = voter.balance;
        vm.prank(voter);
        try c.claimStake(round) {
            if (expected.length != 0) return _surprise("claimStake paid a forbidden claim");
            if (voter.balance != before + amount) _surprise("claimStake paid another amount");
            stakeOwed[g][round][voter] = 0;
            owedByGame[g] -= amount;
            _lineLeft[g] -= inLine;
        } catch (bytes memory err) {
            _expectRevert("claimStake", err, expected);
        }
    }

    function _claimPot(uint256 g) internal {
        ChessGame c = games[g];
        (, GameResult result) = c.outcome();
        uint256 owed = owedByGame[g];
        bool allowed = result == GameResult.AiWon && owed != 0;
        uint256 before = AI_SIDE.balance;
        try c.claimPot() {
            if (!allowed) return _surprise("claimPot paid a forbidden claim");
            if (AI_SIDE.balance != before + owed) _surprise("claimPot paid another amount");
            owedByGame[g] = 0;
        } catch (bytes memory err) {
            _expectRevert(
                "claimPot", err, allowed ? bytes("") : abi.encodeWithSelector(IChessGameErrors.PotNotClaimable.selector)
            );
        }
    }

    /// @dev A legal move of the position (0 if there is none).
    function _pickMove(ChessGame c, uint256 seed) internal view returns (uint256) {
        uint256[] memory moves = c.legalMoves();
        return moves.length == 0 ? 0 : moves[seed % moves.length];
    }

    /// @dev Lets the double accept PROOF for `move` in the game's current position.
    function _allowAiMove(ChessGame c, uint256 move) internal {
        int256[] memory outputs = new int256[](1);
        // A move code has 15 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        outputs[0] = int256(move);
        verifier.accept(keccak256(abi.encodePacked(registry.publicInputs(modelId, c.modelInputs(), outputs), PROOF)));
    }

    function _warpTo(uint256 time) internal {
        if (time > _time) _time = time;
        vm.warp(_time);
    }

    function _err(bytes4 selector, uint256 value) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, value);
    }
}
