// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {GameEnding} from "../ChessRules.sol";

/// @notice Whose turn it is, or that the game is over.
enum GamePhase {
    WorldToMove,
    AiToMove,
    Over
}

/// @notice The result of a game from the World's point of view.
enum GameResult {
    Ongoing,
    WorldWon,
    AiWon,
    Draw
}

/// @title IChessGameEvents
/// @notice Events emitted by `ChessGame`.
interface IChessGameEvents {
    /// @notice The game was created.
    /// @param verifier Where AI moves are verified (normally the `ModelRegistry`).
    /// @param modelId The chess model whose moves are accepted.
    /// @param worldSide The side the World plays: 0 white, 1 black.
    /// @param roundDuration Seconds each World voting round lasts.
    /// @param aiMoveTimeout Seconds the AI has for each move.
    /// @param minimumStake Smallest stake of one vote, in wei.
    event GameCreated(
        address indexed verifier,
        bytes32 indexed modelId,
        uint8 worldSide,
        uint256 roundDuration,
        uint256 aiMoveTimeout,
        uint256 minimumStake
    );

    /// @notice A World voting round opened.
    /// @param round The round.
    /// @param ply The ply of the position being voted on.
    /// @param deadline Votes are accepted while `block.timestamp < deadline`.
    event RoundOpened(uint256 indexed round, uint256 ply, uint256 deadline);

    /// @notice A round reached its deadline without any vote and was given another period.
    /// @param round The round.
    /// @param deadline The new deadline.
    event RoundExtended(uint256 indexed round, uint256 deadline);

    /// @notice A vote was cast.
    /// @param round The round.
    /// @param voter The voter.
    /// @param move The move voted for (or the resignation code).
    /// @param stake The stake of this vote.
    /// @param support The move's total stake in this round after the vote.
    event Voted(uint256 indexed round, address indexed voter, uint256 move, uint256 stake, uint256 support);

    /// @notice A round was finalized and the World's choice decided.
    /// @param round The round.
    /// @param move The move played (or the resignation code).
    /// @param support Its total stake.
    /// @param totalStake Stake of all votes of the round.
    event RoundFinalized(uint256 indexed round, uint256 move, uint256 support, uint256 totalStake);

    /// @notice It is the AI's turn.
    /// @param ply The ply of the position the AI must move in.
    /// @param deadline The AI loses on time if it has not moved when `block.timestamp >= deadline`.
    event AiTurnStarted(uint256 ply, uint256 deadline);

    /// @notice A move was played.
    /// @param ply The ply of the position the move was played in.
    /// @param move The move code.
    /// @param byAi Whether the AI played it (with a verified proof), else the World.
    /// @param board The board after the move.
    /// @param state The state word after the move.
    event MovePlayed(uint256 indexed ply, uint256 move, bool byAi, uint256 board, uint256 state);

    /// @notice The game ended.
    /// @param ending How.
    /// @param result Who won, from the World's point of view.
    event GameEnded(GameEnding ending, GameResult result);

    /// @notice A stake was refunded.
    /// @param round The round it was staked in.
    /// @param voter The voter refunded.
    /// @param amount The amount sent back.
    event StakeClaimed(uint256 indexed round, address indexed voter, uint256 amount);

    /// @notice The AI won: the World's whole pot went to the beneficiary.
    /// @param beneficiary The AI side's account.
    /// @param amount The pot.
    event PotClaimed(address indexed beneficiary, uint256 amount);
}
