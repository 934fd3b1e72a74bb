// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessBoard} from "./ChessBoard.sol";
import {ChessMoveGen} from "./ChessMoveGen.sol";

/// @notice How a chess game ended (`None` while it goes on).
enum GameEnding {
    None,
    Checkmate,
    Stalemate,
    FiftyMoveRule,
    InsufficientMaterial,
    Resignation,
    AiTimeout,
    ThreefoldRepetition
}

/// @title ChessRules
/// @notice Whether a position ends the game by the rules of chess.
/// @dev Draws are automatic, nobody claims them: the fifty-move rule applies as soon as the
///      halfmove clock reaches 100 (unless that move mates), insufficient material as soon as
///      neither side has mating material. Threefold repetition needs the game's history, so
///      `ChessGame` detects it (`repetitionKey`).
library ChessRules {
    /// @notice Halfmove clock value at which the game is drawn (fifty moves by each side).
    uint256 internal constant FIFTY_MOVE_PLIES = 100;

    /// @notice What makes two positions the same for threefold repetition: the board, the side
    ///         to move, the castling rights and the en-passant target square (set after every
    ///         double pawn push, whether or not a capture is possible, so positions right after
    ///         one count apart from the same position reached otherwise: repetition is never
    ///         claimed too early, at worst a move late).
    function repetitionKey(uint256 board, uint256 state) internal pure returns (bytes32) {
        uint256 same =
            ChessBoard.sideToMove(state) | (ChessBoard.castlingRights(state) << 8) | (ChessBoard.epSquare(state) << 16);
        return keccak256(abi.encode(board, same));
    }

    /// @notice The ending this position brings about for the side to move, `None` if play goes
    ///         on. Checkmate and stalemate take precedence over the two draws.
    function ending(uint256 board, uint256 state) internal pure returns (GameEnding) {
        if (!ChessMoveGen.hasLegalMove(board, state)) {
            return ChessMoveGen.inCheck(board, state) ? GameEnding.Checkmate : GameEnding.Stalemate;
        }
        if (ChessBoard.halfmoveClock(state) >= FIFTY_MOVE_PLIES) return GameEnding.FiftyMoveRule;
        if (ChessBoard.insufficientMaterial(board)) return GameEnding.InsufficientMaterial;
        return GameEnding.None;
    }
}
