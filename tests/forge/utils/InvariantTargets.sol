// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @notice A contract and the functions of it that forge's invariant fuzzer may call. The ABI
///         (`(address,bytes4[])`) is what forge decodes from `targetSelectors()`.
struct FuzzSelector {
    address addr;
    bytes4[] selectors;
}

/// @title InvariantTargets
/// @notice What an invariant test tells forge to fuzz. Before running `invariant_*` functions
///         forge calls the getters below on the test contract (after `setUp`); without them it
///         would call every contract deployed in `setUp`. Register targets from `setUp`.
abstract contract InvariantTargets {
    address[] private _targetContracts;
    address[] private _excludedContracts;
    address[] private _targetSenders;
    FuzzSelector[] private _targetSelectors;

    /// @dev Lets the fuzzer call `target` (every function, unless `targetSelector` narrows it).
    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @dev Keeps the fuzzer from calling `target` directly.
    function excludeContract(address target) internal {
        _excludedContracts.push(target);
    }

    /// @dev Restricts the callers the fuzzer uses to the registered senders.
    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    /// @dev Restricts the fuzzer to these functions of `target`.
    function targetSelector(address target, bytes4[] memory selectors) internal {
        FuzzSelector storage entry = _targetSelectors.push();
        entry.addr = target;
        for (uint256 i = 0; i < selectors.length; ++i) {
            entry.selectors.push(selectors[i]);
        }
    }

    // Read by forge.

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function excludeContracts() public view returns (address[] memory) {
        return _excludedContracts;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }
}
