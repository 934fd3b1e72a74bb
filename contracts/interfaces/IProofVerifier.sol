// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title IProofVerifier
/// @notice The proof-backend interface of the ERC-8274 draft ("AI Inference Proof Verification
///         Interfaces", ethereum/ERCs pull request 1771, status Draft): a stateless entry point
///         answering whether a proof is valid for an input and an output, given as hashes.
/// @dev A draft: its shape may still change. zkinfer implements it in
///      `contracts/adapters/ZkinferProofVerifier.sol` over the registry's `verifyInference`.
interface IProofVerifier {
    /// @notice Whether `proof` shows the backend's statement for these input and output hashes.
    /// @param inputHash Hash of the inference's input, in the backend's documented encoding.
    /// @param outputHash Hash of the inference's output, same.
    /// @param metadata Backend-specific context needed to check the proof.
    /// @param proof The proof.
    /// @return True only for a valid proof.
    function verify(bytes32 inputHash, bytes32 outputHash, bytes calldata metadata, bytes calldata proof)
        external
        view
        returns (bool);

    /// @notice The backend's name.
    function name() external view returns (string memory);

    /// @notice The backend's version.
    function version() external view returns (string memory);

    /// @notice An identifier of what a `true` means here (the draft: derived from name and
    ///         version, with further factors allowed).
    function proofProfile() external view returns (bytes32);
}
