// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title PredictedCalls
/// @notice For invariant handlers that predict the outcome of each call they make: the handler
///         catches every revert, compares it with the revert data it expected (none for a call
///         that must succeed) and counts the mismatches, which an invariant then requires to be
///         zero. Handler calls themselves never revert, so `fail_on_revert` can stay on.
abstract contract PredictedCalls {
    /// @notice How many calls did not behave as predicted, and what the first one did.
    uint256 public surprises;
    string public firstSurprise;

    /// @dev Checks a caught revert of `call` against the expected revert data.
    function _expectRevert(string memory call, bytes memory err, bytes memory expected) internal {
        if (expected.length == 0) _surprise(string.concat(call, " reverted unexpectedly"));
        else if (keccak256(err) != keccak256(expected)) _surprise(string.concat(call, " reverted with another error"));
    }

    function _surprise(string memory what) internal {
        if (surprises++ == 0) firstSurprise = what;
    }
}
