// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {GamePhase} from "./IChessGameEvents.sol";

/// @title IChessGameErrors
/// @notice Errors raised by `ChessGame`.
interface IChessGameErrors {
    /// @notice The World's side must be 0 (white) or 1 (black).
    /// @param side The side given.
    error InvalidSide(uint8 side);

    /// @notice A duration of the game's configuration is zero or above `2**32` seconds.
    /// @param duration The duration given, in seconds.
    error InvalidDuration(uint256 duration);

    /// @notice The minimum stake must be at least 1 wei (a vote's weight is its stake).
    error ZeroMinimumStake();

    /// @notice The beneficiary (the AI side's account) must not be the zero address.
    error ZeroBeneficiary();

    /// @notice The chess model's weights are private (bound by nothing): a proof of it shows
    ///         nothing about which policy chose the move.
    /// @param modelId The refused model.
    error UnboundWeights(bytes32 modelId);

    /// @notice The action is not allowed in the game's current phase.
    /// @param phase The current phase.
    error WrongPhase(GamePhase phase);

    /// @notice The vote or finalization names another round than the open one.
    /// @param round The round given.
    /// @param currentRound The open (or latest) round.
    error WrongRound(uint256 round, uint256 currentRound);

    /// @notice The round's voting deadline has passed.
    /// @param round The round.
    /// @param deadline Its deadline (votes need `block.timestamp < deadline`).
    error VotingClosed(uint256 round, uint256 deadline);

    /// @notice The round cannot be finalized before its deadline.
    /// @param round The round.
    /// @param deadline Its deadline (finalization needs `block.timestamp >= deadline`).
    error RoundStillOpen(uint256 round, uint256 deadline);

    /// @notice The round was finalized already.
    /// @param round The round.
    error RoundAlreadyFinalized(uint256 round);

    /// @notice The stake sent is below the minimum.
    /// @param sent The value sent.
    /// @param minimum The minimum stake.
    error StakeTooLow(uint256 sent, uint256 minimum);

    /// @notice The move is not legal in the current position (nor the resignation code, for
    ///         a World vote).
    /// @param move The move code.
    error IllegalMove(uint256 move);

    /// @notice The AI move was made for another position than the current one.
    /// @param expectedPly The ply the submitter expected.
    /// @param currentPly The game's current ply.
    error StaleBoard(uint256 expectedPly, uint256 currentPly);

    /// @notice The proof did not show that the model chose this move in this position.
    /// @param modelId The model the proof was checked against.
    /// @param move The move claimed.
    error AiMoveNotVerified(bytes32 modelId, uint256 move);

    /// @notice The AI still has time to move.
    /// @param deadline When the AI's time runs out.
    error AiTimeNotUp(uint256 deadline);

    /// @notice The AI's time ran out: its move comes too late (the World may claim the game).
    /// @param deadline When the AI's time ran out.
    error AiTimeUp(uint256 deadline);

    /// @notice Stakes are locked until the game is over.
    /// @param round The round claimed.
    error StakeLocked(uint256 round);

    /// @notice The pot goes to the beneficiary only when the AI won, and only once.
    error PotNotClaimable();

    /// @notice The account has no stake to claim in this round.
    /// @param round The round.
    /// @param voter The account.
    error NothingToClaim(uint256 round, address voter);

    /// @notice A round's stakes would exceed `2**96 - 1` wei.
    /// @param total The total that does not fit.
    error StakeOverflow(uint256 total);

    /// @notice Sending a refund failed.
    /// @param to The recipient.
    /// @param amount The amount.
    error RefundFailed(address to, uint256 amount);
}
