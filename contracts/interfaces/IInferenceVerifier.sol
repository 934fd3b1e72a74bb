// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title IInferenceVerifier
/// @notice What a contract needs to trust the result of an ML model run off-chain: hand over the
///         model's inputs and outputs together with a zero-knowledge proof and learn whether the
///         proof shows that the registered model maps exactly those inputs to those outputs.
/// @dev Inputs and outputs are signed fixed-point integers: the real value is `value / 2**scale`,
///      with the scales recorded for the model (see `IModelRegistry.getModel`). Callers never
///      see BN254 field elements; the implementation encodes the values for the verifier.
///      `false` means "not shown", not "shown wrong": a verifier that runs out of gas also
///      yields false, so never act on false as if the inference were disproven.
interface IInferenceVerifier {
    /// @notice Checks a proof of inference for a registered model.
    /// @param modelId The identifier the model was registered under.
    /// @param inputs The model inputs as fixed-point integers at the model's input scale.
    /// @param outputs The claimed model outputs as fixed-point integers at the output scale.
    /// @param proof The proof bytes produced by the zkinfer prover for this model.
    /// @return True if the proof is valid for these inputs and outputs, false otherwise.
    function verifyInference(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs, bytes calldata proof)
        external
        view
        returns (bool);
}
