// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IChessGameErrors} from "./IChessGameErrors.sol";
import {IChessGameEvents, GamePhase, GameResult} from "./IChessGameEvents.sol";
import {GameEnding} from "../ChessRules.sol";

/// @title IChessGame
/// @notice "Leela vs the World": one game of chess between the World, which chooses its moves
///         by stake-weighted vote in timed rounds, and an AI whose every move is a proven
///         inference of a registered policy model, verified in the same transaction that plays
///         it.
/// @dev Rules of the World's turn:
///      - A round opens when it is the World's turn. While `block.timestamp < deadline`, anyone
///        may vote for a legal move (or for `RESIGN`) by sending at least `minimumStake` wei;
///        an account may vote many times and for several moves. A move's support is the sum of
///        the stakes sent for it in the round.
///      - Once `block.timestamp >= deadline`, anyone may finalize the round. The World resigns
///        only if `RESIGN` has a strict majority of the round's stake; otherwise the move with
///        the most support is played, ties going to the lowest move code. A round without votes
///        gets another full period.
///      - A stake costs what it weighs: every stake is locked until the game is over. If the
///        World wins, the whole pot (every stake of every round) is shared among the stakes on
///        the moves the World played, in proportion (`claimStake`; none gets less than it
///        staked); stakes on other moves and on `RESIGN` are lost to them. If the AI wins
///        (checkmate or resignation), the whole pot goes to the `beneficiary` fixed at
///        deployment, the AI's side (`claimPot`). A draw refunds every stake in full.
///      Rules of the AI's turn:
///      - Anyone may submit the AI's move with a proof. The game computes the model inputs
///        itself from its own position (`ChessEncoding`: board, side, castling, en passant,
///        clocks, ply and the legal-move list), asks the verifier whether the model maps them to
///        exactly `[move]`, and plays the move only if the answer is yes and the move is legal.
///      - The move must come before the AI's deadline (`AiTimeUp` after it); if none does,
///        anyone may end the game as a win for the World (`claimAiTimeout`).
///      The game ends by checkmate, stalemate, the fifty-move rule, insufficient material
///      (see `ChessRules`), threefold repetition (the same board, side to move, castling rights
///      and en-passant square a third time: a draw, detected by the game), the World's
///      resignation, or the AI's timeout. There are no draw offers: the AI cannot answer one.
interface IChessGame is IChessGameEvents, IChessGameErrors {
    /// @notice Vote code for the World resigning. Not a move code (those have 15 bits).
    /// @return The code, 0xFFFF.
    function RESIGN() external view returns (uint256);

    /// @notice Stakes on `move` for the World in the open round `round`.
    /// @dev Reverts `WrongPhase`, `WrongRound`, `VotingClosed`, `StakeTooLow`, `IllegalMove`.
    /// @param round The open round (guards against voting on a position you did not see).
    /// @param move A legal move code of the current position, or `RESIGN`.
    function vote(uint256 round, uint256 move) external payable;

    /// @notice Closes the round after its deadline and plays the World's choice.
    /// @dev Reverts `RoundAlreadyFinalized`, `WrongPhase`, `WrongRound`, `RoundStillOpen`.
    /// @param round The round to finalize.
    function finalizeRound(uint256 round) external;

    /// @notice Plays the AI's move if `proof` shows the registered model chose it here.
    /// @dev Reverts `WrongPhase`, `AiTimeUp`, `StaleBoard`, `IllegalMove`, `AiMoveNotVerified`, and passes
    ///      on the verifier's own errors (for example `UnknownModel` from the registry).
    /// @param expectedPly The ply of the position the proof was made for (`ply()`).
    /// @param move The move code the model chose.
    /// @param proof The proof of inference.
    function submitAiMove(uint256 expectedPly, uint256 move, bytes calldata proof) external;

    /// @notice Ends the game as a World win when the AI has not moved by its deadline.
    /// @dev Reverts `WrongPhase`, `AiTimeNotUp`.
    function claimAiTimeout() external;

    /// @notice Pays the caller what its stake in `round` won once the game is over (see the
    ///         rules above: its share of the pot for stakes on played moves when the World won,
    ///         its stake back after a draw).
    /// @dev Reverts `StakeLocked`, `NothingToClaim`, `RefundFailed`.
    /// @param round The round.
    function claimStake(uint256 round) external;

    /// @notice Sends the whole pot to the beneficiary when the AI won. Anyone may call it.
    /// @dev Reverts `PotNotClaimable`, `RefundFailed`.
    function claimPot() external;

    /// @notice What `claimStake(round)` would pay `voter` now (0 before the game is over).
    /// @param round The round.
    /// @param voter The account.
    /// @return The amount.
    function claimable(uint256 round, address voter) external view returns (uint256);

    /// @notice What the game still owes: every stake while it goes on, what is left of the pot
    ///         after it. Always the game's balance.
    /// @return Wei.
    function owed() external view returns (uint256);

    /// @notice The AI side's account, paid the pot when the AI wins.
    /// @return The account.
    function beneficiary() external view returns (address);

    /// @notice The current position in `ChessBoard`'s packed form.
    /// @return board The board word.
    /// @return state The state word.
    function position() external view returns (uint256 board, uint256 state);

    /// @notice The current ply (plies played since the start): the AI's position nonce.
    /// @return The ply.
    function ply() external view returns (uint256);

    /// @notice Whose turn it is, or that the game is over.
    /// @return The phase.
    function phase() external view returns (GamePhase);

    /// @notice How the game ended and who won (`None`, `Ongoing` while it goes on).
    /// @return ending How.
    /// @return result From the World's point of view.
    function outcome() external view returns (GameEnding ending, GameResult result);

    /// @notice The open round while the World is to move, else the latest round (0 if none).
    /// @return The round.
    function currentRound() external view returns (uint256);

    /// @notice The deadline of the current turn: the round's voting deadline while the World
    ///         is to move, the AI's deadline while the AI is.
    /// @return A timestamp.
    function deadline() external view returns (uint256);

    /// @notice A round's tally.
    /// @param round The round.
    /// @return totalStake The stake of all its votes.
    /// @return leadingMove The move with the most support (ties: lowest code); 0 without votes.
    /// @return leadingSupport Its support.
    /// @return finalized Whether the round is finalized.
    function roundTally(uint256 round)
        external
        view
        returns (uint256 totalStake, uint256 leadingMove, uint256 leadingSupport, bool finalized);

    /// @notice A move's support in a round.
    /// @param round The round.
    /// @param move The move code (or `RESIGN`).
    /// @return The total stake on it.
    function support(uint256 round, uint256 move) external view returns (uint256);

    /// @notice An account's unclaimed stake in a round.
    /// @param round The round.
    /// @param voter The account.
    /// @return The stake.
    function stakeOf(uint256 round, address voter) external view returns (uint256);

    /// @notice An account's stake on one move in a round.
    /// @param round The round.
    /// @param voter The account.
    /// @param move The move code (or `RESIGN`).
    /// @return The stake.
    function stakeOn(uint256 round, address voter, uint256 move) external view returns (uint256);

    /// @notice The legal moves of the side to move, ascending.
    /// @return moves The move codes.
    function legalMoves() external view returns (uint256[] memory moves);

    /// @notice The model inputs an AI proof for the current position must use (see
    ///         `ChessEncoding`); meaningful while the AI is to move.
    /// @return The inputs.
    function modelInputs() external view returns (int256[] memory);
}
