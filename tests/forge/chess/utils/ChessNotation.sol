// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title ChessNotation
/// @notice Test helper: UCI move strings ("e2e4", "e7e8q") to `ChessBoard` move codes.
library ChessNotation {
    /// @notice The move code of a UCI move: origin, target, optional promotion letter.
    function uci(string memory text) internal pure returns (uint256) {
        bytes memory b = bytes(text);
        require(b.length == 4 || b.length == 5, "uci: length");
        uint256 from = _square(b[0], b[1]);
        uint256 to = _square(b[2], b[3]);
        uint256 promotion = 0;
        if (b.length == 5) {
            bytes1 p = b[4];
            if (p == "n") promotion = 2;
            else if (p == "b") promotion = 3;
            else if (p == "r") promotion = 4;
            else if (p == "q") promotion = 5;
            else revert("uci: promotion");
        }
        return (from << 9) | (to << 3) | promotion;
    }

    /// @notice The square index (0 = a1) of a name like "e4".
    function square(string memory name) internal pure returns (uint256) {
        bytes memory b = bytes(name);
        require(b.length == 2, "square: length");
        return _square(b[0], b[1]);
    }

    function _square(bytes1 file, bytes1 rank) private pure returns (uint256) {
        require(file >= "a" && file <= "h" && rank >= "1" && rank <= "8", "uci: square");
        return (uint256(uint8(rank)) - 0x31) * 8 + uint256(uint8(file)) - 0x61;
    }

    /// @notice Whether `moves` holds `move`.
    function contains(uint256[] memory moves, uint256 move) internal pure returns (bool) {
        for (uint256 i = 0; i < moves.length; ++i) {
            if (moves[i] == move) return true;
        }
        return false;
    }
}
