// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessBoard} from "./ChessBoard.sol";

/// @title ChessMoveGen
/// @notice Attack detection and legal-move generation on a `ChessBoard` position, for the side
///         to move: castling (not out of, through or into check), en passant (including the
///         capture that would uncover a check along the rank), promotion to knight, bishop, rook
///         or queen.
/// @dev Works on the stack only, no storage. Squares are walked in 0x88 coordinates
///      (`s88 = sq + (sq & 56)` = 16 * rank + file), so a step left the board iff `s88 & 0x88`
///      is non-zero; negative steps wrap around 2**256 and are caught by the same test.
///      Direction lists are packed one step per byte, stored as `step + 64`.
///
///      Legality without making every move: a pseudo-legal move is legal outright unless the
///      side to move is in check, the mover is the king, the mover is pinned to its king, or
///      the move is en passant; only those candidates are played on a scratch board and the
///      king's square tested for attacks.
///
///      Moves are written to memory one word each. `legalMoves` returns them sorted ascending
///      by move code (the order the model input uses).
library ChessMoveGen {
    /// @dev Rook steps +1, -1, +16, -16 (each + 64).
    uint256 private constant ORTHOGONAL = 0x30503F41;
    /// @dev Bishop steps +15, +17, -15, -17 (each + 64).
    uint256 private constant DIAGONAL = 0x2F31514F;
    /// @dev King and queen steps: both of the above.
    uint256 private constant ALL_DIRECTIONS = 0x2F31514F30503F41;
    /// @dev Knight steps +14, +18, +31, +33, -14, -18, -31, -33 (each + 64).
    uint256 private constant KNIGHT_STEPS = 0x1F212E32615F524E;
    /// @dev Bit set of piece types that attack along ranks and files: bits ROOK (4), QUEEN (5).
    uint256 private constant ROOK_LIKE = 0x30;
    /// @dev Bit set of piece types that attack along diagonals: bits BISHOP (3), QUEEN (5).
    uint256 private constant BISHOP_LIKE = 0x28;

    /// @notice Room reserved in memory for one move list. No legal chess position has more than
    ///         218 legal moves.
    uint256 internal constant MOVE_BUFFER = 256;

    // Generation context, one word: bits 0..7 our colour bit (0 or 8), 8..15 our king square,
    // 16..23 en-passant square, 24..31 castling rights, then the flags below, and the pinned
    // squares as a 64-bit set from bit 64.
    uint256 private constant CTX_IN_CHECK = 1 << 32;
    uint256 private constant CTX_TEST_ALL = 1 << 33;
    uint256 private constant CTX_FILTER = 1 << 34;
    uint256 private constant CTX_FILTER_SHIFT = 40;
    uint256 private constant CTX_PINNED_SHIFT = 64;

    // Per-piece word for the emitters: bits 0..7 origin square, 8..15 piece code, bit 16 set if
    // every move of this piece must be tested by playing it.
    uint256 private constant PIECE_TEST = 1 << 16;

    /// @notice Whether any piece of colour `byColour` (0 white, 8 black) attacks `square`.
    function isAttacked(uint256 board, uint256 square, uint256 byColour) internal pure returns (bool) {
        unchecked {
            uint256 s = square + (square & 56);
            uint256 t;
            uint256 steps;
            uint256 wanted = byColour | ChessBoard.KNIGHT;
            for (steps = KNIGHT_STEPS; steps != 0; steps >>= 8) {
                t = s + (steps & 0xff) - 64;
                if (t & 0x88 == 0 && (board >> ((t + (t & 7)) << 1)) & 15 == wanted) return true;
            }
            wanted = byColour | ChessBoard.KING;
            for (steps = ALL_DIRECTIONS; steps != 0; steps >>= 8) {
                t = s + (steps & 0xff) - 64;
                if (t & 0x88 == 0 && (board >> ((t + (t & 7)) << 1)) & 15 == wanted) return true;
            }
            // A pawn attacks diagonally forward, so an attacker stands one rank behind `square`
            // as seen from its own side.
            wanted = byColour | ChessBoard.PAWN;
            uint256 back = byColour == 0 ? s - 16 : s + 16;
            t = back - 1;
            if (t & 0x88 == 0 && (board >> ((t + (t & 7)) << 1)) & 15 == wanted) return true;
            t = back + 1;
            if (t & 0x88 == 0 && (board >> ((t + (t & 7)) << 1)) & 15 == wanted) return true;
            return _slidingAttack(board, s, byColour, ORTHOGONAL, ROOK_LIKE)
                || _slidingAttack(board, s, byColour, DIAGONAL, BISHOP_LIKE);
        }
    }

    /// @notice Whether the side to move is in check.
    function inCheck(uint256 board, uint256 state) internal pure returns (bool) {
        uint256 side = state & 1;
        return isAttacked(board, ChessBoard.kingSquare(state, side), (side ^ 1) << 3);
    }

    /// @notice All legal moves of the side to move, sorted ascending by move code.
    function legalMoves(uint256 board, uint256 state) internal pure returns (uint256[] memory moves) {
        uint256 ctx = _context(board, state);
        uint256 start = _reserve();
        uint256 end = _generate(board, ctx, start, false);
        _sort(start, end);
        assembly ("memory-safe") {
            moves := sub(start, 0x20)
            mstore(moves, shr(5, sub(end, start)))
            mstore(0x40, end)
        }
    }

    /// @notice Number of legal moves of the side to move (perft of depth 1).
    function countLegalMoves(uint256 board, uint256 state) internal pure returns (uint256 count) {
        uint256 start = _reserve();
        uint256 end = _generate(board, _context(board, state), start, false);
        _release(start);
        unchecked {
            count = (end - start) >> 5;
        }
    }

    /// @notice Whether the side to move has at least one legal move (stops at the first piece
    ///         that has one).
    function hasLegalMove(uint256 board, uint256 state) internal pure returns (bool) {
        uint256 start = _reserve();
        uint256 end = _generate(board, _context(board, state), start, true);
        _release(start);
        return end != start;
    }

    /// @notice Whether `move` is a legal move of the side to move. Any value is accepted;
    ///         values that are no move code are simply not legal.
    /// @dev Generates the moves of the one piece on the origin square towards the target only,
    ///      so it costs a fraction of `legalMoves`.
    function isLegalMove(uint256 board, uint256 state, uint256 move) internal pure returns (bool legal) {
        if (move >> 15 != 0) return false;
        uint256 from = ChessBoard.moveFrom(move);
        uint256 piece = ChessBoard.pieceAt(board, from);
        uint256 side = state & 1;
        if (piece == 0 || (piece & ChessBoard.BLACK) != side << 3) return false;
        uint256 king = ChessBoard.kingSquare(state, side);
        uint256 ctx = (ChessBoard.moveTo(move) << CTX_FILTER_SHIFT) | CTX_FILTER | CTX_TEST_ALL
            | (ChessBoard.castlingRights(state) << 24) | (ChessBoard.epSquare(state) << 16) | (king << 8) | (side << 3);
        // Only castling looks at the in-check flag.
        if (piece & 7 == ChessBoard.KING && isAttacked(board, king, (side ^ 1) << 3)) ctx |= CTX_IN_CHECK;
        uint256 start = _reserve();
        uint256 end = _pieceMoves(board, ctx, from, piece, start);
        _release(start);
        for (uint256 p = start; p < end; p += 32) {
            uint256 candidate;
            assembly ("memory-safe") {
                candidate := mload(p)
            }
            if (candidate == move) return true;
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev Reserves `MOVE_BUFFER` words plus a length word at the free memory pointer and
    ///      returns the address of the first move slot.
    function _reserve() private pure returns (uint256 start) {
        assembly ("memory-safe") {
            start := add(mload(0x40), 0x20)
            mstore(0x40, add(start, shl(5, MOVE_BUFFER)))
        }
    }

    /// @dev Gives back a buffer from `_reserve` (nothing was allocated after it).
    function _release(uint256 start) private pure {
        assembly ("memory-safe") {
            mstore(0x40, sub(start, 0x20))
        }
    }

    /// @dev Context word for generating all moves of the side to move (see the CTX constants).
    function _context(uint256 board, uint256 state) private pure returns (uint256 ctx) {
        uint256 side = state & 1;
        uint256 us = side << 3;
        uint256 king = ChessBoard.kingSquare(state, side);
        ctx = (_pinned(board, king, us) << CTX_PINNED_SHIFT) | (ChessBoard.castlingRights(state) << 24)
            | (ChessBoard.epSquare(state) << 16) | (king << 8) | us;
        if (isAttacked(board, king, us ^ 8)) ctx |= CTX_IN_CHECK;
    }

    /// @dev Set of squares (bit per square) holding a piece of colour `us` that shields its
    ///      king at `king` from an enemy slider on the same line.
    function _pinned(uint256 board, uint256 king, uint256 us) private pure returns (uint256 pinned) {
        unchecked {
            uint256 s = king + (king & 56);
            for (uint256 steps = ALL_DIRECTIONS; steps != 0; steps >>= 8) {
                uint256 step = (steps & 0xff) - 64;
                // The first four steps are orthogonal, the last four diagonal.
                uint256 sliders = steps > 0xffffffff ? ROOK_LIKE : BISHOP_LIKE;
                uint256 t = s;
                uint256 shield = 64;
                while (true) {
                    t += step;
                    if (t & 0x88 != 0) break;
                    uint256 piece = (board >> ((t + (t & 7)) << 1)) & 15;
                    if (piece == 0) continue;
                    if (shield == 64) {
                        if (piece & 8 != us) break;
                        shield = (t + (t & 7)) >> 1;
                    } else {
                        if ((sliders >> (piece ^ us ^ 8)) & 1 != 0) pinned |= uint256(1) << shield;
                        break;
                    }
                }
            }
        }
    }

    /// @dev Whether a slider of colour `byColour` and a type in `sliders` attacks 0x88 square `s`
    ///      along one of `steps`.
    function _slidingAttack(uint256 board, uint256 s, uint256 byColour, uint256 steps, uint256 sliders)
        private
        pure
        returns (bool)
    {
        unchecked {
            for (; steps != 0; steps >>= 8) {
                uint256 step = (steps & 0xff) - 64;
                uint256 t = s;
                while (true) {
                    t += step;
                    if (t & 0x88 != 0) break;
                    uint256 piece = (board >> ((t + (t & 7)) << 1)) & 15;
                    if (piece != 0) {
                        // piece ^ byColour is the bare type for an attacker, type | 8 otherwise.
                        if ((sliders >> (piece ^ byColour)) & 1 != 0) return true;
                        break;
                    }
                }
            }
            return false;
        }
    }

    /// @dev Writes the legal moves of every piece of the side to move from `ptr` on, origin
    ///      squares ascending; returns the end. With `firstOnly`, stops after the first piece
    ///      that has a move.
    function _generate(uint256 board, uint256 ctx, uint256 ptr, bool firstOnly) private pure returns (uint256) {
        unchecked {
            uint256 us = ctx & 0xff;
            uint256 start = ptr;
            uint256 rest = board;
            for (uint256 sq = 0; rest != 0; ++sq) {
                uint256 piece = rest & 15;
                rest >>= 4;
                if (piece == 0 || piece & 8 != us) continue;
                ptr = _pieceMoves(board, ctx, sq, piece, ptr);
                if (firstOnly && ptr != start) break;
            }
            return ptr;
        }
    }

    /// @dev Writes the legal moves of `piece` on `from`.
    function _pieceMoves(uint256 board, uint256 ctx, uint256 from, uint256 piece, uint256 ptr)
        private
        pure
        returns (uint256)
    {
        unchecked {
            uint256 kind = piece & 7;
            uint256 pc = (piece << 8) | from;
            if (
                ctx & (CTX_IN_CHECK | CTX_TEST_ALL) != 0 || kind == ChessBoard.KING
                    || (ctx >> (CTX_PINNED_SHIFT + from)) & 1 != 0
            ) pc |= PIECE_TEST;
            if (kind == ChessBoard.PAWN) return _pawnMoves(board, ctx, pc, ptr);
            if (kind == ChessBoard.KNIGHT) return _stepMoves(board, ctx, pc, KNIGHT_STEPS, ptr);
            if (kind == ChessBoard.BISHOP) return _slideMoves(board, ctx, pc, DIAGONAL, ptr);
            if (kind == ChessBoard.ROOK) return _slideMoves(board, ctx, pc, ORTHOGONAL, ptr);
            if (kind == ChessBoard.QUEEN) return _slideMoves(board, ctx, pc, ALL_DIRECTIONS, ptr);
            ptr = _stepMoves(board, ctx, pc, ALL_DIRECTIONS, ptr);
            return _castlingMoves(board, ctx, pc, ptr);
        }
    }

    /// @dev Knight or king steps.
    function _stepMoves(uint256 board, uint256 ctx, uint256 pc, uint256 steps, uint256 ptr)
        private
        pure
        returns (uint256)
    {
        unchecked {
            uint256 from = pc & 0xff;
            uint256 s = from + (from & 56);
            uint256 us = ctx & 0xff;
            for (; steps != 0; steps >>= 8) {
                uint256 t = s + (steps & 0xff) - 64;
                if (t & 0x88 != 0) continue;
                uint256 to = (t + (t & 7)) >> 1;
                uint256 target = (board >> (to << 2)) & 15;
                if (target != 0 && target & 8 == us) continue;
                ptr = _emit(board, ctx, pc, to, ptr);
            }
            return ptr;
        }
    }

    /// @dev Bishop, rook or queen rays.
    function _slideMoves(uint256 board, uint256 ctx, uint256 pc, uint256 steps, uint256 ptr)
        private
        pure
        returns (uint256)
    {
        unchecked {
            uint256 from = pc & 0xff;
            uint256 s = from + (from & 56);
            uint256 us = ctx & 0xff;
            for (; steps != 0; steps >>= 8) {
                uint256 step = (steps & 0xff) - 64;
                uint256 t = s;
                while (true) {
                    t += step;
                    if (t & 0x88 != 0) break;
                    uint256 to = (t + (t & 7)) >> 1;
                    uint256 target = (board >> (to << 2)) & 15;
                    if (target == 0) {
                        ptr = _emit(board, ctx, pc, to, ptr);
                    } else {
                        if (target & 8 != us) ptr = _emit(board, ctx, pc, to, ptr);
                        break;
                    }
                }
            }
            return ptr;
        }
    }

    /// @dev Pushes, double pushes, captures, en passant and promotions of a pawn.
    function _pawnMoves(uint256 board, uint256 ctx, uint256 pc, uint256 ptr) private pure returns (uint256) {
        unchecked {
            uint256 from = pc & 0xff;
            uint256 s = from + (from & 56);
            bool white = ctx & 0xff == 0;
            uint256 ahead = white ? s + 16 : s - 16;
            if (ahead & 0x88 != 0) return ptr;
            uint256 to = (ahead + (ahead & 7)) >> 1;
            if ((board >> (to << 2)) & 15 == 0) {
                ptr = _emitPawn(board, ctx, pc, to, ptr);
                // Double push from the second rank (seen from the mover's side).
                if (white ? from >> 3 == 1 : from >> 3 == 6) {
                    uint256 two = white ? to + 8 : to - 8;
                    if ((board >> (two << 2)) & 15 == 0) ptr = _emitPawn(board, ctx, pc, two, ptr);
                }
            }
            ptr = _pawnCapture(board, ctx, pc, ahead - 1, ptr);
            return _pawnCapture(board, ctx, pc, ahead + 1, ptr);
        }
    }

    /// @dev A pawn capture onto 0x88 square `t`, including en passant.
    function _pawnCapture(uint256 board, uint256 ctx, uint256 pc, uint256 t, uint256 ptr)
        private
        pure
        returns (uint256)
    {
        unchecked {
            if (t & 0x88 != 0) return ptr;
            uint256 to = (t + (t & 7)) >> 1;
            uint256 target = (board >> (to << 2)) & 15;
            if (target != 0) {
                if (target & 8 != ctx & 0xff) ptr = _emitPawn(board, ctx, pc, to, ptr);
            } else if (to == (ctx >> 16) & 0xff && to != 0) {
                // En passant removes a pawn beside ours: it may uncover a check along the rank.
                ptr = _emitPawn(board, ctx, pc | PIECE_TEST, to, ptr);
            }
            return ptr;
        }
    }

    /// @dev Castling moves of the king (the caller's `pc`), if the rights, the empty squares,
    ///      the rook and the safety of the king's start and passing squares allow them. The
    ///      target square is tested by `_emit` (the king's moves are always tested).
    function _castlingMoves(uint256 board, uint256 ctx, uint256 pc, uint256 ptr) private pure returns (uint256) {
        unchecked {
            if (ctx & CTX_IN_CHECK != 0) return ptr;
            uint256 us = ctx & 0xff;
            uint256 base = us == 0 ? 0 : 56;
            if (pc & 0xff != base + 4) return ptr;
            uint256 rights = (ctx >> (24 + (us >> 2))) & 3;
            uint256 them = us ^ 8;
            uint256 rook = ChessBoard.ROOK | us;
            if (
                rights & 1 != 0 && (board >> ((base + 5) << 2)) & 0xff == 0 && (board >> ((base + 7) << 2)) & 15 == rook
                    && !isAttacked(board, base + 5, them)
            ) ptr = _emit(board, ctx, pc, base + 6, ptr);
            if (
                rights & 2 != 0 && (board >> ((base + 1) << 2)) & 0xfff == 0 && (board >> (base << 2)) & 15 == rook
                    && !isAttacked(board, base + 3, them)
            ) ptr = _emit(board, ctx, pc, base + 2, ptr);
            return ptr;
        }
    }

    /// @dev Writes the move `pc` -> `to` if it passes the filter and, when required, the king
    ///      safety test.
    function _emit(uint256 board, uint256 ctx, uint256 pc, uint256 to, uint256 ptr) private pure returns (uint256) {
        unchecked {
            if (ctx & CTX_FILTER != 0 && (ctx >> CTX_FILTER_SHIFT) & 0xff != to) return ptr;
            if (pc & PIECE_TEST != 0 && !_kingSafeAfter(board, ctx, pc, to)) return ptr;
            uint256 move = ((pc & 0xff) << 9) | (to << 3);
            assembly ("memory-safe") {
                mstore(ptr, move)
            }
            return ptr + 32;
        }
    }

    /// @dev `_emit` for pawns: a move to the last rank is written four times, promoting to
    ///      knight, bishop, rook and queen (ascending codes).
    function _emitPawn(uint256 board, uint256 ctx, uint256 pc, uint256 to, uint256 ptr) private pure returns (uint256) {
        unchecked {
            if (ctx & CTX_FILTER != 0 && (ctx >> CTX_FILTER_SHIFT) & 0xff != to) return ptr;
            if (pc & PIECE_TEST != 0 && !_kingSafeAfter(board, ctx, pc, to)) return ptr;
            uint256 move = ((pc & 0xff) << 9) | (to << 3);
            if (to < 8 || to >= 56) {
                assembly ("memory-safe") {
                    mstore(ptr, or(move, 2))
                    mstore(add(ptr, 0x20), or(move, 3))
                    mstore(add(ptr, 0x40), or(move, 4))
                    mstore(add(ptr, 0x60), or(move, 5))
                }
                return ptr + 128;
            }
            assembly ("memory-safe") {
                mstore(ptr, move)
            }
            return ptr + 32;
        }
    }

    /// @dev Plays `pc` -> `to` on a scratch board (with the en-passant victim removed) and tests
    ///      whether our king is then attacked.
    function _kingSafeAfter(uint256 board, uint256 ctx, uint256 pc, uint256 to) private pure returns (bool) {
        unchecked {
            uint256 from = pc & 0xff;
            uint256 piece = (pc >> 8) & 15;
            uint256 us = ctx & 0xff;
            board = ChessBoard.setPiece(ChessBoard.setPiece(board, from, 0), to, piece);
            uint256 king = (ctx >> 8) & 0xff;
            uint256 kind = piece & 7;
            if (kind == ChessBoard.KING) {
                king = to;
            } else if (kind == ChessBoard.PAWN && to == (ctx >> 16) & 0xff && to != 0) {
                board = ChessBoard.setPiece(board, us == 0 ? to - 8 : to + 8, 0);
            }
            return !isAttacked(board, king, us ^ 8);
        }
    }

    /// @dev Insertion sort of the words in [start, end). The list arrives grouped by ascending
    ///      origin square, so only moves of one piece are ever out of order.
    function _sort(uint256 start, uint256 end) private pure {
        assembly ("memory-safe") {
            for { let i := add(start, 0x20) } lt(i, end) { i := add(i, 0x20) } {
                let value := mload(i)
                let j := i
                for {} gt(j, start) { j := sub(j, 0x20) } {
                    let previous := mload(sub(j, 0x20))
                    if iszero(gt(previous, value)) { break }
                    mstore(j, previous)
                }
                mstore(j, value)
            }
        }
    }
}
