// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title CalldataAllowlistVerifierDouble
/// @notice TEST DOUBLE, never deploy. Stands in for a generated verifier: like the real one it
///         returns empty data on success and reverts otherwise, but it "verifies" by looking the
///         keccak256 of its whole calldata up in an allowlist. Tests use it to pin the exact
///         bytes the registry sends (instances followed by the proof).
/// @dev Registry calldata starts with the high half of the model id, whose top 16 bytes are
///      zero, so it always lands in the fallback, never in `accept`.
contract CalldataAllowlistVerifierDouble {
    mapping(bytes32 calldataHash => bool accepted) private _isAccepted;

    error CalldataRejected(bytes32 calldataHash);

    /// @notice Makes the double accept calldata with this keccak256 hash from now on.
    function accept(bytes32 calldataHash) external {
        _isAccepted[calldataHash] = true;
    }

    fallback() external {
        bytes32 calldataHash = keccak256(msg.data);
        if (!_isAccepted[calldataHash]) revert CalldataRejected(calldataHash);
    }
}
