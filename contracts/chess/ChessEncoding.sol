// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessBoard} from "./ChessBoard.sol";
import {IChessErrors} from "./interfaces/IChessErrors.sol";

/// @title ChessEncoding
/// @notice The public inputs and output of the chess policy model, built from a position and
///         its legal moves. `ChessGame` verifies every AI move against exactly these values.
/// @dev THIS LAYOUT IS A CONTRACT WITH THE MODEL'S CIRCUIT AND THE RUST PROVER: the circuit must
///      take exactly these `INPUT_COUNT` inputs in this order and prove exactly one output, and
///      both sides must change together. All values are integers (fixed-point scale 0 meaning
///      the value itself; the registry packs them 7 per public-instance word, see
///      `InstanceEncoding`). The position is in absolute orientation (White at the bottom);
///      any flipping for the side to move is the circuit's business.
///
///        index      count  value
///        0..63      64     piece code on square 0 (a1) .. 63 (h8): 0 empty, 1..6 white
///                          pawn, knight, bishop, rook, queen, king; 9..14 the same for black
///        64         1      side to move: 0 white, 1 black
///        65..68     4      castling rights K, Q, k, q: 1 if still held, else 0
///        69         1      en-passant target square (0..63), -1 if none
///        70         1      halfmove clock (plies since the last capture or pawn move)
///        71         1      ply = 2 * (fullmove - 1) + side: the position nonce, so a proof
///                          is bound to one moment of one game's history
///        72..289    218    legal-move mask: the legal move codes (see `ChessBoard`) of the
///                          side to move in ascending order, then 0 up to the end (0 is never
///                          a move: it would go from a1 to a1)
///
///      Output (1 value): the chosen move's code: the circuit's argmax over its policy logits
///      restricted to the moves listed in the mask. The game plays it only if it is also in its
///      own legal-move list.
library ChessEncoding {
    /// @notice Inputs describing the squares.
    uint256 internal constant BOARD_INPUTS = 64;
    /// @notice Index of the first move of the legal-move mask.
    uint256 internal constant MOVES_OFFSET = 72;
    /// @notice Length of the legal-move mask: the most legal moves any chess position has.
    uint256 internal constant MAX_LEGAL_MOVES = 218;
    /// @notice Number of model inputs.
    uint256 internal constant INPUT_COUNT = MOVES_OFFSET + MAX_LEGAL_MOVES;
    /// @notice Number of model outputs.
    uint256 internal constant OUTPUT_COUNT = 1;

    /// @notice The model inputs for a position whose legal moves are `legalMoves` (sorted
    ///         ascending, as `ChessMoveGen.legalMoves` returns them).
    /// @dev Reverts `TooManyLegalMoves` if the list does not fit the mask.
    function modelInputs(uint256 board, uint256 state, uint256[] memory legalMoves)
        internal
        pure
        returns (int256[] memory inputs)
    {
        uint256 count = legalMoves.length;
        if (count > MAX_LEGAL_MOVES) revert IChessErrors.TooManyLegalMoves(count, MAX_LEGAL_MOVES);
        inputs = new int256[](INPUT_COUNT);
        unchecked {
            // Every value below is small and non-negative (a nibble, a bit, a 16-bit clock, a
            // 15-bit move code), so the int256 casts are exact.
            for (uint256 sq = 0; sq < BOARD_INPUTS; ++sq) {
                // forge-lint: disable-next-line(unsafe-typecast)
                inputs[sq] = int256((board >> (sq << 2)) & 15);
            }
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[64] = int256(ChessBoard.sideToMove(state));
            uint256 rights = ChessBoard.castlingRights(state);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[65] = int256(rights & 1);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[66] = int256((rights >> 1) & 1);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[67] = int256((rights >> 2) & 1);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[68] = int256(rights >> 3);
            uint256 ep = ChessBoard.epSquare(state);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[69] = ep == 0 ? -1 : int256(ep);
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[70] = int256(ChessBoard.halfmoveClock(state));
            // forge-lint: disable-next-line(unsafe-typecast)
            inputs[71] = int256(ChessBoard.ply(state));
            for (uint256 i = 0; i < count; ++i) {
                // forge-lint: disable-next-line(unsafe-typecast)
                inputs[MOVES_OFFSET + i] = int256(legalMoves[i]);
            }
        }
    }

    /// @notice The model output claiming `move`.
    function modelOutputs(uint256 move) internal pure returns (int256[] memory outputs) {
        outputs = new int256[](OUTPUT_COUNT);
        // A move code has 15 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        outputs[0] = int256(move);
    }
}
