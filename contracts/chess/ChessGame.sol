// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "../interfaces/IInferenceVerifier.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {InstanceEncoding} from "../libraries/InstanceEncoding.sol";
import {IChessGame} from "./interfaces/IChessGame.sol";
import {GamePhase, GameResult} from "./interfaces/IChessGameEvents.sol";
import {ChessBoard} from "./ChessBoard.sol";
import {ChessMoveGen} from "./ChessMoveGen.sol";
import {ChessEncoding} from "./ChessEncoding.sol";
import {ChessRules, GameEnding} from "./ChessRules.sol";

/// @title ChessGame
/// @notice "Leela vs the World" on-chain: the World votes with stake, the AI's moves are proven
///         inferences of a registered chess model. Rules: see `IChessGame`.
/// @dev One game per contract, from the standard initial position. The AI's proof is checked
///      against inputs the contract builds from its own storage (`ChessEncoding.modelInputs`),
///      so a proof made for any other position, or claiming any other move, fails. The model id
///      is pinned at construction; registry ids are content-addressed (verifier code hash,
///      shapes, scales, visibilities), so it means one verifier and one statement forever. A
///      model with private weights is refused at construction (`UnboundWeights`).
contract ChessGame is IChessGame {
    /// @inheritdoc IChessGame
    uint256 public constant RESIGN = 0xFFFF;

    /// @notice Longest round or AI time allowed, in seconds, so that deadlines fit 64 bits.
    uint256 public constant MAX_DURATION = 2 ** 32;

    /// @notice Where proofs are checked (normally the `ModelRegistry`).
    IInferenceVerifier public immutable inferenceVerifier;
    /// @notice The registered chess model whose moves the AI plays.
    bytes32 public immutable modelId;
    /// @notice The side the World plays: 0 white, 1 black.
    uint8 public immutable worldSide;
    /// @notice Seconds a World voting round lasts.
    uint256 public immutable roundDuration;
    /// @notice Seconds the AI has for each move.
    uint256 public immutable aiMoveTimeout;
    /// @notice Smallest stake of one vote, in wei.
    uint256 public immutable minimumStake;
    /// @inheritdoc IChessGame
    address public immutable beneficiary;

    /// @dev A round's tally, one storage slot (uint96 holds far more wei than exist).
    struct Round {
        uint96 totalStake;
        uint96 leadingSupport;
        uint16 leadingMove;
        bool finalized;
    }

    uint256 private _board;
    uint256 private _state;
    uint64 private _round;
    uint64 private _deadline;
    GamePhase private _phase;
    GameEnding private _ending;
    GameResult private _result;

    mapping(uint256 round => Round tally) private _rounds;
    mapping(uint256 round => mapping(uint256 move => uint256 stake)) private _support;
    mapping(uint256 round => mapping(address voter => uint256 stake)) private _stakes;
    mapping(uint256 round => mapping(address voter => mapping(uint256 move => uint256 stake))) private _stakeOn;
    /// @dev What the game owes (its balance); once it is over, what is left of the pot.
    uint256 private _owed;
    /// @dev Stake on the moves the World played; once it is over, the part not yet paid out.
    uint256 private _line;
    /// @dev How often each position occurred (`ChessRules.repetitionKey`), for threefold repetition.
    mapping(bytes32 position => uint256 count) private _seen;

    /// @dev Reverts `UnboundWeights` for a model with private weights, and the registry's
    ///      `UnknownModel` for an id it does not know.
    /// @param verifier The `ModelRegistry` the model is registered in.
    /// @param model The registered model id of the chess policy model.
    /// @param side The side the World plays: 0 white, 1 black.
    /// @param roundSeconds Seconds each World voting round lasts.
    /// @param aiSeconds Seconds the AI has for each move.
    /// @param minStake Smallest stake of one vote, in wei (at least 1).
    /// @param aiSide The AI side's account, paid the pot when the AI wins (not zero).
    constructor(
        IModelRegistry verifier,
        bytes32 model,
        uint8 side,
        uint256 roundSeconds,
        uint256 aiSeconds,
        uint256 minStake,
        address aiSide
    ) {
        if (side > 1) revert InvalidSide(side);
        if (roundSeconds == 0 || roundSeconds > MAX_DURATION) revert InvalidDuration(roundSeconds);
        if (aiSeconds == 0 || aiSeconds > MAX_DURATION) revert InvalidDuration(aiSeconds);
        if (minStake == 0) revert ZeroMinimumStake();
        if (aiSide == address(0)) revert ZeroBeneficiary();
        if (verifier.getVisibility(model).weights == InstanceEncoding.PRIVATE) revert UnboundWeights(model);
        inferenceVerifier = verifier;
        modelId = model;
        worldSide = side;
        roundDuration = roundSeconds;
        aiMoveTimeout = aiSeconds;
        minimumStake = minStake;
        beneficiary = aiSide;
        _board = ChessBoard.START_BOARD;
        _state = ChessBoard.START_STATE;
        _seen[ChessRules.repetitionKey(ChessBoard.START_BOARD, ChessBoard.START_STATE)] = 1;
        emit GameCreated(address(verifier), model, side, roundSeconds, aiSeconds, minStake);
        if (side == 0) {
            _openRound(ChessBoard.START_STATE);
        } else {
            _startAiTurn(ChessBoard.START_STATE);
        }
    }

    // ------------------------------------------------------------------ the World

    /// @inheritdoc IChessGame
    function vote(uint256 round, uint256 move) external payable {
        if (_phase != GamePhase.WorldToMove) revert WrongPhase(_phase);
        uint256 current = _round;
        if (round != current) revert WrongRound(round, current);
        // Deadlines are minutes to days apart; a validator's few seconds of leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= _deadline) revert VotingClosed(round, _deadline);
        if (msg.value < minimumStake) revert StakeTooLow(msg.value, minimumStake);
        if (move != RESIGN && !ChessMoveGen.isLegalMove(_board, _state, move)) revert IllegalMove(move);

        uint256 moveSupport = _support[round][move] + msg.value;
        _support[round][move] = moveSupport;
        _stakes[round][msg.sender] += msg.value;
        _stakeOn[round][msg.sender][move] += msg.value;
        _owed += msg.value;
        Round memory tally = _rounds[round];
        // Order-independent winner among the moves (RESIGN is decided by majority instead):
        // most support, then lowest code. Support only grows, so the leader can only be the
        // old one or this move.
        bool leads =
            moveSupport > tally.leadingSupport || (moveSupport == tally.leadingSupport && move < tally.leadingMove);
        if (move != RESIGN && leads) {
            // A move code or RESIGN fits 16 bits; support and totals fit 96 bits (checked).
            // forge-lint: disable-next-line(unsafe-typecast)
            tally.leadingMove = uint16(move);
            tally.leadingSupport = _toUint96(moveSupport);
        }
        tally.totalStake = _toUint96(tally.totalStake + msg.value);
        _rounds[round] = tally;
        emit Voted(round, msg.sender, move, msg.value, moveSupport);
    }

    /// @inheritdoc IChessGame
    function finalizeRound(uint256 round) external {
        Round storage tally = _rounds[round];
        if (tally.finalized) revert RoundAlreadyFinalized(round);
        if (_phase != GamePhase.WorldToMove) revert WrongPhase(_phase);
        if (round != _round) revert WrongRound(round, _round);
        // Deadlines are minutes to days apart; a validator's few seconds of leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < _deadline) revert RoundStillOpen(round, _deadline);

        if (tally.totalStake == 0) {
            uint256 extended = block.timestamp + roundDuration;
            // Durations are at most 2**32 seconds, so deadlines fit 64 bits for ages.
            // forge-lint: disable-next-line(unsafe-typecast)
            _deadline = uint64(extended);
            emit RoundExtended(round, extended);
            return;
        }
        tally.finalized = true;
        // Resignation needs a strict majority of the round's stake: a whale cannot end the
        // game for the World with a last-second plurality. Without one, the most-supported move
        // is played; one has support then, since the rest of the stake is on moves.
        uint256 resignSupport = _support[round][RESIGN];
        if (2 * resignSupport > tally.totalStake) {
            emit RoundFinalized(round, RESIGN, resignSupport, tally.totalStake);
            _end(GameEnding.Resignation, GameResult.AiWon);
            return;
        }
        uint256 move = tally.leadingMove;
        _line += tally.leadingSupport;
        emit RoundFinalized(round, move, tally.leadingSupport, tally.totalStake);
        // Votes were checked against this very position, so the move is legal.
        uint256 state = _play(move, false);
        GameEnding ending = _endingAfter(state);
        if (ending != GameEnding.None) {
            _end(ending, ending == GameEnding.Checkmate ? GameResult.WorldWon : GameResult.Draw);
        } else {
            _startAiTurn(state);
        }
    }

    /// @inheritdoc IChessGame
    function claimStake(uint256 round) external {
        if (_phase != GamePhase.Over) revert StakeLocked(round);
        (uint256 amount, uint256 inLine) = _payout(round, msg.sender);
        if (amount == 0) revert NothingToClaim(round, msg.sender);
        _stakes[round][msg.sender] = 0;
        _owed -= amount;
        _line -= inLine;
        emit StakeClaimed(round, msg.sender, amount);
        (bool sent,) = msg.sender.call{value: amount}("");
        if (!sent) revert RefundFailed(msg.sender, amount);
    }

    /// @inheritdoc IChessGame
    function claimPot() external {
        uint256 amount = _owed;
        if (_result != GameResult.AiWon || amount == 0) revert PotNotClaimable();
        _owed = 0;
        emit PotClaimed(beneficiary, amount);
        (bool sent,) = beneficiary.call{value: amount}("");
        if (!sent) revert RefundFailed(beneficiary, amount);
    }

    /// @inheritdoc IChessGame
    function claimable(uint256 round, address voter) external view returns (uint256 amount) {
        if (_phase == GamePhase.Over) (amount,) = _payout(round, voter);
    }

    /// @inheritdoc IChessGame
    function owed() external view returns (uint256) {
        return _owed;
    }

    // ------------------------------------------------------------------ the AI

    /// @inheritdoc IChessGame
    function submitAiMove(uint256 expectedPly, uint256 move, bytes calldata proof) external {
        if (_phase != GamePhase.AiToMove) revert WrongPhase(_phase);
        // Deadlines are minutes to days apart; a validator's few seconds of leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= _deadline) revert AiTimeUp(_deadline);
        uint256 board = _board;
        uint256 state = _state;
        uint256 currentPly = ChessBoard.ply(state);
        if (expectedPly != currentPly) revert StaleBoard(expectedPly, currentPly);
        uint256[] memory moves = ChessMoveGen.legalMoves(board, state);
        if (!_contains(moves, move)) revert IllegalMove(move);
        bool verified = inferenceVerifier.verifyInference(
            modelId, ChessEncoding.modelInputs(board, state, moves), ChessEncoding.modelOutputs(move), proof
        );
        if (!verified) revert AiMoveNotVerified(modelId, move);

        state = _play(move, true);
        GameEnding ending = _endingAfter(state);
        if (ending != GameEnding.None) {
            _end(ending, ending == GameEnding.Checkmate ? GameResult.AiWon : GameResult.Draw);
        } else {
            _openRound(state);
        }
    }

    /// @inheritdoc IChessGame
    function claimAiTimeout() external {
        if (_phase != GamePhase.AiToMove) revert WrongPhase(_phase);
        // Deadlines are minutes to days apart; a validator's few seconds of leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < _deadline) revert AiTimeNotUp(_deadline);
        _end(GameEnding.AiTimeout, GameResult.WorldWon);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IChessGame
    function position() external view returns (uint256 board, uint256 state) {
        return (_board, _state);
    }

    /// @inheritdoc IChessGame
    function ply() external view returns (uint256) {
        return ChessBoard.ply(_state);
    }

    /// @inheritdoc IChessGame
    function phase() external view returns (GamePhase) {
        return _phase;
    }

    /// @inheritdoc IChessGame
    function outcome() external view returns (GameEnding ending, GameResult result) {
        return (_ending, _result);
    }

    /// @inheritdoc IChessGame
    function currentRound() external view returns (uint256) {
        return _round;
    }

    /// @inheritdoc IChessGame
    function deadline() external view returns (uint256) {
        return _deadline;
    }

    /// @inheritdoc IChessGame
    function roundTally(uint256 round)
        external
        view
        returns (uint256 totalStake, uint256 leadingMove, uint256 leadingSupport, bool finalized)
    {
        Round memory tally = _rounds[round];
        return (tally.totalStake, tally.leadingMove, tally.leadingSupport, tally.finalized);
    }

    /// @inheritdoc IChessGame
    function support(uint256 round, uint256 move) external view returns (uint256) {
        return _support[round][move];
    }

    /// @inheritdoc IChessGame
    function stakeOf(uint256 round, address voter) external view returns (uint256) {
        return _stakes[round][voter];
    }

    /// @inheritdoc IChessGame
    function stakeOn(uint256 round, address voter, uint256 move) external view returns (uint256) {
        return _stakeOn[round][voter][move];
    }

    /// @inheritdoc IChessGame
    function legalMoves() external view returns (uint256[] memory moves) {
        return ChessMoveGen.legalMoves(_board, _state);
    }

    /// @inheritdoc IChessGame
    function modelInputs() external view returns (int256[] memory) {
        uint256 board = _board;
        uint256 state = _state;
        return ChessEncoding.modelInputs(board, state, ChessMoveGen.legalMoves(board, state));
    }

    // ------------------------------------------------------------------ internals

    /// @dev Plays a legal move, stores the position, counts it for repetition and returns the
    ///      new state word.
    function _play(uint256 move, bool byAi) private returns (uint256 state) {
        uint256 board;
        uint256 before = _state;
        (board, state) = ChessBoard.makeMove(_board, before, move);
        _board = board;
        _state = state;
        ++_seen[ChessRules.repetitionKey(board, state)];
        emit MovePlayed(ChessBoard.ply(before), move, byAi, board, state);
    }

    /// @dev How the position just played (with state word `state`) ends the game, if it does:
    ///      the rules of the position first, then its third occurrence.
    function _endingAfter(uint256 state) private view returns (GameEnding ending) {
        uint256 board = _board;
        ending = ChessRules.ending(board, state);
        if (ending == GameEnding.None && _seen[ChessRules.repetitionKey(board, state)] >= 3) {
            ending = GameEnding.ThreefoldRepetition;
        }
    }

    /// @dev Opens the next World round for the position with state word `state`.
    function _openRound(uint256 state) private {
        uint256 round = uint256(_round) + 1;
        uint256 roundDeadline = block.timestamp + roundDuration;
        // One round per World move: far below 2**64. Deadlines: see finalizeRound.
        // forge-lint: disable-next-line(unsafe-typecast)
        _round = uint64(round);
        // forge-lint: disable-next-line(unsafe-typecast)
        _deadline = uint64(roundDeadline);
        _phase = GamePhase.WorldToMove;
        emit RoundOpened(round, ChessBoard.ply(state), roundDeadline);
    }

    /// @dev Gives the AI the move in the position with state word `state`.
    function _startAiTurn(uint256 state) private {
        uint256 aiDeadline = block.timestamp + aiMoveTimeout;
        // Durations are at most 2**32 seconds.
        // forge-lint: disable-next-line(unsafe-typecast)
        _deadline = uint64(aiDeadline);
        _phase = GamePhase.AiToMove;
        emit AiTurnStarted(ChessBoard.ply(state), aiDeadline);
    }

    /// @dev Ends the game.
    function _end(GameEnding ending, GameResult result) private {
        _phase = GamePhase.Over;
        _ending = ending;
        _result = result;
        emit GameEnded(ending, result);
    }

    /// @dev What `voter`'s stake in `round` wins in the finished game, and the part of it on the
    ///      World's line. World won: its stake on the move played that round gets that share of
    ///      what is left of the pot, `inLine * owed / line` (the last claimant gets exactly the
    ///      rest, and since the pot holds every line stake none gets less than it staked). Draw:
    ///      its stake back. AI won: nothing (the pot is the beneficiary's).
    function _payout(uint256 round, address voter) private view returns (uint256 amount, uint256 inLine) {
        uint256 staked = _stakes[round][voter];
        if (staked == 0) return (0, 0);
        if (_result == GameResult.Draw) return (staked, 0);
        if (_result != GameResult.WorldWon) return (0, 0);
        Round memory tally = _rounds[round];
        // Every round of a game the World won was finalized with its leading move played.
        if (!tally.finalized) return (0, 0);
        inLine = _stakeOn[round][voter][tally.leadingMove];
        if (inLine != 0) amount = inLine * _owed / _line;
    }

    /// @dev Whether the ascending list `moves` holds `move` (binary search).
    function _contains(uint256[] memory moves, uint256 move) private pure returns (bool) {
        uint256 low = 0;
        uint256 high = moves.length;
        while (low < high) {
            uint256 middle = (low + high) >> 1;
            uint256 value = moves[middle];
            if (value == move) return true;
            if (value < move) low = middle + 1;
            else high = middle;
        }
        return false;
    }

    /// @dev Narrows a wei amount to 96 bits, reverting (checked arithmetic) if it does not fit.
    function _toUint96(uint256 value) private pure returns (uint96) {
        if (value > type(uint96).max) revert StakeOverflow(value);
        // Checked just above.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint96(value);
    }
}
