// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {ChessBoard} from "./ChessBoard.sol";
import {IChessErrors} from "./interfaces/IChessErrors.sol";

/// @title ChessFen
/// @notice Reads a position in Forsyth-Edwards Notation into `ChessBoard`'s packed words, for
///         tests and tools (the game itself always starts from the initial position).
/// @dev Accepts the six standard fields separated by single spaces; the halfmove clock and
///      fullmove number may be omitted (then 0 and 1). Checks the syntax and that each side has
///      exactly one king, not that the position is legal otherwise. Reverts
///      `InvalidFen(offset)` at the first byte it cannot use (`offset` = length of the string
///      when it ends too early).
library ChessFen {
    /// @dev ASCII codes of "0", "1" and "a".
    uint256 private constant ZERO = 0x30;
    uint256 private constant RANK_ONE = 0x31;
    uint256 private constant FILE_A = 0x61;

    /// @notice Parses `fen` into a board and a state word.
    function parse(string memory fen) internal pure returns (uint256 board, uint256 state) {
        bytes memory f = bytes(fen);
        uint256 i;
        uint256 kings;
        (board, kings, i) = _placement(f);
        i = _expect(f, i, " ");
        if (i >= f.length || (f[i] != "w" && f[i] != "b")) revert IChessErrors.InvalidFen(i);
        uint256 side = f[i] == "b" ? 1 : 0;
        i = _expect(f, i + 1, " ");
        uint256 rights;
        (rights, i) = _castling(f, i);
        i = _expect(f, i, " ");
        uint256 ep;
        (ep, i) = _epSquare(f, i);
        uint256 halfmove = 0;
        uint256 fullmove = 1;
        if (i < f.length) {
            (halfmove, i) = _number(f, _expect(f, i, " "));
            (fullmove, i) = _number(f, _expect(f, i, " "));
            if (i != f.length) revert IChessErrors.InvalidFen(i);
        }
        if (halfmove > 0xffff) revert IChessErrors.InvalidFen(i);
        if (fullmove == 0 || fullmove > 0xffff) revert IChessErrors.InvalidFen(i);
        state = (kings << ChessBoard.KING_SHIFT) | (fullmove << ChessBoard.FULLMOVE_SHIFT)
            | (halfmove << ChessBoard.HALFMOVE_SHIFT) | (ep << ChessBoard.EP_SHIFT)
            | (rights << ChessBoard.CASTLING_SHIFT) | side;
    }

    /// @dev The piece placement field; returns the board, both king squares (white in bits
    ///      0..7, black in 8..15) and the offset after the field.
    function _placement(bytes memory f) private pure returns (uint256 board, uint256 kings, uint256 i) {
        uint256 rank = 7;
        uint256 file = 0;
        uint256 kingsSeen = 0;
        for (; i < f.length; ++i) {
            bytes1 c = f[i];
            if (c == " ") break;
            if (c == "/") {
                if (file != 8 || rank == 0) revert IChessErrors.InvalidFen(i);
                --rank;
                file = 0;
            } else if (c >= "1" && c <= "8") {
                file += uint8(c) - ZERO;
                if (file > 8) revert IChessErrors.InvalidFen(i);
            } else {
                uint256 piece = _pieceCode(c);
                if (piece == 0 || file > 7) revert IChessErrors.InvalidFen(i);
                uint256 sq = rank * 8 + file;
                board = ChessBoard.setPiece(board, sq, piece);
                if (piece & 7 == ChessBoard.KING) {
                    uint256 colour = piece >> 3;
                    if (kingsSeen & (uint256(1) << colour) != 0) revert IChessErrors.InvalidFen(i);
                    kingsSeen |= uint256(1) << colour;
                    kings |= sq << (colour << 3);
                }
                ++file;
            }
        }
        if (rank != 0 || file != 8 || kingsSeen != 3) revert IChessErrors.InvalidFen(i);
    }

    /// @dev The castling field ("-" or a subset of "KQkq" in that order).
    function _castling(bytes memory f, uint256 i) private pure returns (uint256 rights, uint256) {
        if (i < f.length && f[i] == "-") return (0, i + 1);
        bytes4 order = "KQkq";
        uint256 next = 0;
        uint256 start = i;
        for (; i < f.length && f[i] != " "; ++i) {
            while (next < 4 && order[next] != f[i]) ++next;
            if (next == 4) revert IChessErrors.InvalidFen(i);
            rights |= uint256(1) << next;
            ++next;
        }
        if (i == start) revert IChessErrors.InvalidFen(i);
        return (rights, i);
    }

    /// @dev The en-passant field ("-" or a square on rank 3 or 6).
    function _epSquare(bytes memory f, uint256 i) private pure returns (uint256, uint256) {
        if (i < f.length && f[i] == "-") return (0, i + 1);
        if (i + 1 >= f.length) revert IChessErrors.InvalidFen(f.length);
        bytes1 fileChar = f[i];
        bytes1 rankChar = f[i + 1];
        if (fileChar < "a" || fileChar > "h") revert IChessErrors.InvalidFen(i);
        if (rankChar != "3" && rankChar != "6") revert IChessErrors.InvalidFen(i + 1);
        uint256 sq = (uint8(rankChar) - RANK_ONE) * 8 + uint8(fileChar) - FILE_A;
        return (sq, i + 2);
    }

    /// @dev A decimal number of at most 5 digits.
    function _number(bytes memory f, uint256 i) private pure returns (uint256 value, uint256) {
        uint256 start = i;
        for (; i < f.length && f[i] >= "0" && f[i] <= "9"; ++i) {
            if (i - start == 5) revert IChessErrors.InvalidFen(i);
            value = value * 10 + uint8(f[i]) - ZERO;
        }
        if (i == start) revert IChessErrors.InvalidFen(i);
        return (value, i);
    }

    /// @dev Requires byte `c` at offset `i`; returns the next offset.
    function _expect(bytes memory f, uint256 i, bytes1 c) private pure returns (uint256) {
        if (i >= f.length || f[i] != c) revert IChessErrors.InvalidFen(i);
        return i + 1;
    }

    /// @dev Piece code of a FEN letter, 0 if none.
    function _pieceCode(bytes1 c) private pure returns (uint256) {
        if (c == "P") return ChessBoard.PAWN;
        if (c == "N") return ChessBoard.KNIGHT;
        if (c == "B") return ChessBoard.BISHOP;
        if (c == "R") return ChessBoard.ROOK;
        if (c == "Q") return ChessBoard.QUEEN;
        if (c == "K") return ChessBoard.KING;
        if (c == "p") return ChessBoard.BLACK | ChessBoard.PAWN;
        if (c == "n") return ChessBoard.BLACK | ChessBoard.KNIGHT;
        if (c == "b") return ChessBoard.BLACK | ChessBoard.BISHOP;
        if (c == "r") return ChessBoard.BLACK | ChessBoard.ROOK;
        if (c == "q") return ChessBoard.BLACK | ChessBoard.QUEEN;
        if (c == "k") return ChessBoard.BLACK | ChessBoard.KING;
        return 0;
    }
}
