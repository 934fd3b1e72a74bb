// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title IZkinferVerifier
/// @notice The universal verifier (`contracts/verifier/ZkinferVerifier.sol`) as the registry calls
///         it: one deployment verifies the proofs of every model whose verifying key was written
///         by zkinfer-evm, against the SRS fixed at its deployment. (A forge test checks that the
///         contract's selectors are these.)
interface IZkinferVerifier {
    /// @notice Verifies `proof` for the public values `instances` against the key held by `vk`
    ///         (a contract whose code is `0x00` followed by the key).
    /// @dev Reverts `UnsupportedKey`, `InstanceCount` or `ProofLength` for a call that cannot be
    ///      a verification; returns false for a proof that does not verify.
    /// @param vk The verifying-key contract.
    /// @param instances The public values, each a BN254 scalar.
    /// @param proof The proof bytes.
    /// @return ok Whether the proof is valid.
    function verify(address vk, uint256[] calldata instances, bytes calldata proof) external view returns (bool ok);

    /// @notice The SRS this verifier accepts: `[1]G2` and `[s]G2` as the pairing precompile
    ///         reads them (`x.c1, x.c0, y.c1, y.c0`).
    /// @return g2 `[1]G2`.
    /// @return sG2 `[s]G2`.
    function srs() external view returns (uint256[4] memory g2, uint256[4] memory sG2);
}
