// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @title Test
/// @notice Minimal base for forge tests: the cheatcode handle, assertions that forward to
///         forge's own (so failures print both values), and input-bounding helpers for fuzzing.
abstract contract Test {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @dev forge prints these (ds-test convention) under "Logs:" with -vv.
    event log_named_uint(string key, uint256 val);

    /// @dev Creates a contract from a forge artifact (`"<File>.sol:<Contract>"`). Used for the
    ///      generated verifiers: importing them would pull the importing test into their
    ///      unoptimized compilation (see foundry.toml).
    function deployArtifact(string memory artifact) internal returns (address deployed) {
        bytes memory creationCode = vm.getCode(artifact);
        assembly {
            deployed := create(0, add(creationCode, 0x20), mload(creationCode))
        }
        require(deployed != address(0), "verifier deployment failed");
    }

    function assertTrue(bool condition, string memory err) internal pure {
        vm.assertTrue(condition, err);
    }

    function assertFalse(bool condition, string memory err) internal pure {
        vm.assertFalse(condition, err);
    }

    function assertEq(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(int256 left, int256 right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(address left, address right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(bytes32 left, bytes32 right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(bytes memory left, bytes memory right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(uint256[] memory left, uint256[] memory right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    /// @dev Maps any `x` onto `[min, max]`, keeping values already inside unchanged so that
    ///      the fuzzer's edge cases survive.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev Signed variant of `bound`.
    function bound(int256 x, int256 min, int256 max) internal pure returns (int256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        // Reinterpret as uint256 with the sign bit flipped: a bijection that preserves order,
        // so the casts lose nothing.
        uint256 flip = uint256(1) << 255;
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 bounded = bound(uint256(x) ^ flip, uint256(min) ^ flip, uint256(max) ^ flip);
        // forge-lint: disable-next-line(unsafe-typecast)
        return int256(bounded ^ flip);
    }
}
