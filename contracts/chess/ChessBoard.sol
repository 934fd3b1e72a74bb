// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title ChessBoard
/// @notice The packed chess position of zkinfer's on-chain game, its move encoding, and making a
///         move. A position is two words, `board` and `state`; everything here is pure.
/// @dev Board: 64 squares of 4 bits in one uint256. Square `sq` (0 = a1, 1 = b1, ..., 7 = h1,
///      8 = a2, ..., 63 = h8, i.e. `sq = 8 * rank + file`) is the nibble at bit `4 * sq`.
///      A nibble holds `0` (empty) or a piece code `type | colour`: type PAWN 1, KNIGHT 2,
///      BISHOP 3, ROOK 4, QUEEN 5, KING 6; colour WHITE 0, BLACK 8. So white pieces are 1..6 and
///      black pieces 9..14.
///
///      State word (bits):
///        0..7    side to move: 0 white, 1 black
///        8..15   castling rights: bit 0 white king side (K), 1 white queen side (Q),
///                2 black king side (k), 3 black queen side (q)
///        16..23  en-passant target square, 0 if none (a target is always on rank 3 or 6, so 0
///                is never a target); set after every double pawn push, as in FEN
///        24..39  halfmove clock (plies since the last capture or pawn move)
///        40..55  fullmove number (starts at 1, incremented after Black's move)
///        56..63  white king square
///        64..71  black king square
///      All other bits are zero.
///
///      Move (fits in 15 bits, so in a uint16): bits 0..2 promotion piece type (0 none, or
///      KNIGHT 2, BISHOP 3, ROOK 4, QUEEN 5), bits 3..8 target square, bits 9..14 origin square:
///      `move = from << 9 | to << 3 | promotion`. Sorting move codes ascending sorts by origin,
///      then target, then promotion. Castling is the king's two-square move (e1g1 = 4 << 9 |
///      6 << 3); en passant is the pawn's move to the target square.
library ChessBoard {
    /// @notice Piece type of a pawn.
    uint256 internal constant PAWN = 1;
    /// @notice Piece type of a knight.
    uint256 internal constant KNIGHT = 2;
    /// @notice Piece type of a bishop.
    uint256 internal constant BISHOP = 3;
    /// @notice Piece type of a rook.
    uint256 internal constant ROOK = 4;
    /// @notice Piece type of a queen.
    uint256 internal constant QUEEN = 5;
    /// @notice Piece type of a king.
    uint256 internal constant KING = 6;
    /// @notice Colour bit of a piece code: set for black pieces.
    uint256 internal constant BLACK = 8;

    /// @notice Castling right: white king side.
    uint256 internal constant CASTLE_WHITE_KING = 1;
    /// @notice Castling right: white queen side.
    uint256 internal constant CASTLE_WHITE_QUEEN = 2;
    /// @notice Castling right: black king side.
    uint256 internal constant CASTLE_BLACK_KING = 4;
    /// @notice Castling right: black queen side.
    uint256 internal constant CASTLE_BLACK_QUEEN = 8;

    /// @notice Bit offset of the castling rights in the state word.
    uint256 internal constant CASTLING_SHIFT = 8;
    /// @notice Bit offset of the en-passant target square in the state word.
    uint256 internal constant EP_SHIFT = 16;
    /// @notice Bit offset of the halfmove clock in the state word.
    uint256 internal constant HALFMOVE_SHIFT = 24;
    /// @notice Bit offset of the fullmove number in the state word.
    uint256 internal constant FULLMOVE_SHIFT = 40;
    /// @notice Bit offset of the white king square in the state word (black's is 8 bits higher).
    uint256 internal constant KING_SHIFT = 56;

    /// @notice The standard initial position's board.
    uint256 internal constant START_BOARD = 0xCABEDBAC99999999000000000000000000000000000000001111111142365324;
    /// @notice The standard initial position's state: white to move, KQkq, fullmove 1, kings e1/e8.
    uint256 internal constant START_STATE = (60 << 64) | (4 << 56) | (1 << 40) | (15 << 8);

    /// @notice The piece code on a square (0 if empty).
    function pieceAt(uint256 board, uint256 square) internal pure returns (uint256) {
        unchecked {
            return (board >> (square << 2)) & 15;
        }
    }

    /// @notice The board with `square` set to piece code `piece` (0 empties it).
    function setPiece(uint256 board, uint256 square, uint256 piece) internal pure returns (uint256) {
        unchecked {
            uint256 shift = square << 2;
            return (board & ~(uint256(15) << shift)) | (piece << shift);
        }
    }

    /// @notice Side to move: 0 white, 1 black.
    function sideToMove(uint256 state) internal pure returns (uint256) {
        return state & 1;
    }

    /// @notice Castling rights as 4 bits (K, Q, k, q from bit 0).
    function castlingRights(uint256 state) internal pure returns (uint256) {
        return (state >> CASTLING_SHIFT) & 15;
    }

    /// @notice En-passant target square, 0 if none.
    function epSquare(uint256 state) internal pure returns (uint256) {
        return (state >> EP_SHIFT) & 0xff;
    }

    /// @notice Plies since the last capture or pawn move.
    function halfmoveClock(uint256 state) internal pure returns (uint256) {
        return (state >> HALFMOVE_SHIFT) & 0xffff;
    }

    /// @notice The fullmove number (1 for the first move of the game).
    function fullmoveNumber(uint256 state) internal pure returns (uint256) {
        return (state >> FULLMOVE_SHIFT) & 0xffff;
    }

    /// @notice Square of the king of `side` (0 white, 1 black).
    function kingSquare(uint256 state, uint256 side) internal pure returns (uint256) {
        unchecked {
            return (state >> (KING_SHIFT + (side << 3))) & 63;
        }
    }

    /// @notice Plies played since fullmove 1 with White to move: `2 * (fullmove - 1) + side`.
    ///         The game uses it as the position nonce.
    function ply(uint256 state) internal pure returns (uint256) {
        unchecked {
            return 2 * (fullmoveNumber(state) - 1) + sideToMove(state);
        }
    }

    /// @notice Builds a move code. `promotion` is 0 or a piece type KNIGHT..QUEEN.
    function encodeMove(uint256 from, uint256 to, uint256 promotion) internal pure returns (uint256) {
        return (from << 9) | (to << 3) | promotion;
    }

    /// @notice Origin square of a move.
    function moveFrom(uint256 move) internal pure returns (uint256) {
        return (move >> 9) & 63;
    }

    /// @notice Target square of a move.
    function moveTo(uint256 move) internal pure returns (uint256) {
        return (move >> 3) & 63;
    }

    /// @notice Promotion piece type of a move (0 if none).
    function movePromotion(uint256 move) internal pure returns (uint256) {
        return move & 7;
    }

    /// @notice Plays `move` on the position. The move must be legal (see `ChessMoveGen`):
    ///         nothing is checked here.
    /// @dev Handles captures, en passant, castling (moves the rook), promotion, castling rights
    ///      (lost when the king or a rook leaves its square or a rook is captured on it), the
    ///      en-passant square, both clocks, the king squares and the side to move.
    function makeMove(uint256 board, uint256 state, uint256 move) internal pure returns (uint256, uint256) {
        unchecked {
            uint256 from = (move >> 9) & 63;
            uint256 to = (move >> 3) & 63;
            uint256 piece = pieceAt(board, from);
            bool resetClock = piece & 7 == PAWN || pieceAt(board, to) != 0;
            uint256 ep;
            (board, ep) = _movePieces(board, epSquare(state), from, to, piece, move & 7);
            return (board, _nextState(state, from, to, piece, ep, resetClock));
        }
    }

    /// @dev The board after the move, and the new en-passant target square (0 if none).
    function _movePieces(uint256 board, uint256 epTarget, uint256 from, uint256 to, uint256 piece, uint256 promotion)
        private
        pure
        returns (uint256, uint256 ep)
    {
        unchecked {
            uint256 us = piece & BLACK;
            board = setPiece(setPiece(board, from, 0), to, promotion == 0 ? piece : promotion | us);
            uint256 kind = piece & 7;
            if (kind == PAWN) {
                if (to == epTarget && epTarget != 0) {
                    // En passant: the captured pawn stands behind the target square.
                    board = setPiece(board, us == 0 ? to - 8 : to + 8, 0);
                } else if ((from ^ to) == 16) {
                    ep = (from + to) >> 1;
                }
            } else if (kind == KING) {
                // Castling: the rook jumps over the king.
                if (to == from + 2) {
                    board = setPiece(setPiece(board, to + 1, 0), to - 1, ROOK | us);
                } else if (from == to + 2) {
                    board = setPiece(setPiece(board, to - 2, 0), to + 1, ROOK | us);
                }
            }
            return (board, ep);
        }
    }

    /// @dev The state word after a move of `piece` from `from` to `to`.
    function _nextState(uint256 state, uint256 from, uint256 to, uint256 piece, uint256 ep, bool resetClock)
        private
        pure
        returns (uint256)
    {
        unchecked {
            uint256 side = state & 1;
            uint256 kings = state >> KING_SHIFT;
            if (piece & 7 == KING) kings = (kings & ~(uint256(0xff) << (side << 3))) | (to << (side << 3));
            // The game ends long before 0xffff; saturate rather than spill into the next field.
            uint256 halfmove = resetClock ? 0 : halfmoveClock(state) + 1;
            if (halfmove > 0xffff) halfmove = 0xffff;
            uint256 fullmove = fullmoveNumber(state) + side;
            if (fullmove > 0xffff) fullmove = 0xffff;
            uint256 rights = castlingRights(state) & ~(_rightsLost(from) | _rightsLost(to));
            return (kings << KING_SHIFT) | (fullmove << FULLMOVE_SHIFT) | (halfmove << HALFMOVE_SHIFT)
                | (ep << EP_SHIFT) | (rights << CASTLING_SHIFT) | (side ^ 1);
        }
    }

    /// @notice Whether neither side can ever checkmate, whatever is played: no pawns, rooks or
    ///         queens, and either at most one knight or bishop in total, or only bishops, all on
    ///         squares of one colour.
    function insufficientMaterial(uint256 board) internal pure returns (bool) {
        unchecked {
            uint256 minors = 0;
            uint256 knights = 0;
            uint256 bishopSquareColours = 0;
            for (uint256 sq = 0; board != 0; ++sq) {
                uint256 kind = board & 7;
                board >>= 4;
                if (kind == 0 || kind == KING) continue;
                if (kind == KNIGHT) {
                    ++knights;
                } else if (kind == BISHOP) {
                    bishopSquareColours |= uint256(1) << (((sq >> 3) ^ sq) & 1);
                } else {
                    return false;
                }
                ++minors;
            }
            return minors <= 1 || (knights == 0 && bishopSquareColours != 3);
        }
    }

    /// @dev Castling rights lost when a piece leaves or arrives on `square`.
    function _rightsLost(uint256 square) private pure returns (uint256) {
        if (square == 0) return CASTLE_WHITE_QUEEN;
        if (square == 4) return CASTLE_WHITE_KING | CASTLE_WHITE_QUEEN;
        if (square == 7) return CASTLE_WHITE_KING;
        if (square == 56) return CASTLE_BLACK_QUEEN;
        if (square == 60) return CASTLE_BLACK_KING | CASTLE_BLACK_QUEEN;
        if (square == 63) return CASTLE_BLACK_KING;
        return 0;
    }
}
