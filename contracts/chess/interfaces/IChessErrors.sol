// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title IChessErrors
/// @notice Errors raised by the chess libraries (not by the game contract).
interface IChessErrors {
    /// @notice A FEN string could not be read.
    /// @param offset Byte offset of the first unusable character (the string's length when it
    ///        ends too early).
    error InvalidFen(uint256 offset);

    /// @notice The side to move has more legal moves than the model input has room for. No
    ///         position reachable in a game does.
    /// @param count The number of legal moves.
    /// @param capacity The room in the model input.
    error TooManyLegalMoves(uint256 count, uint256 capacity);
}
