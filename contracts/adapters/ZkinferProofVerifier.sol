// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {InstanceEncoding} from "../libraries/InstanceEncoding.sol";

/// @title ZkinferProofVerifier
/// @notice One registered model behind the ERC-8274 draft's `IProofVerifier`: `verify` is true
///         exactly when the registry's `verifyInference` is, for the inputs and outputs whose
///         hashes the caller gives.
/// @dev Encoding: `metadata = abi.encode(int256[] inputs, int256[] outputs)` (fixed-point values
///      at the model's scales, as `verifyInference` takes them), `inputHash =
///      keccak256(abi.encode(inputs))`, `outputHash = keccak256(abi.encode(outputs))`. The
///      model is pinned at construction, not named in `metadata`: a caller-chosen model id would
///      let anyone "verify" any output with a model of their own. `proofProfile` covers the
///      registry and the model id. A model with private weights is refused at construction (its
///      proofs bind no weights). Every failure (hashes that do not match, a wrong length, a
///      value out of range, a bad proof) is `false`; only metadata that does not decode reverts.
contract ZkinferProofVerifier is IProofVerifier {
    /// @notice The registry the model is registered in.
    IModelRegistry public immutable registry;
    /// @notice The registered model whose proofs this adapter checks.
    bytes32 public immutable modelId;

    /// @notice The model's weights are private (bound by nothing): its outputs mean nothing.
    /// @param modelId The refused model.
    error UnboundWeights(bytes32 modelId);

    /// @dev Reverts `UnboundWeights` for a model with private weights and the registry's
    ///      `UnknownModel` for an id it does not know.
    constructor(IModelRegistry modelRegistry, bytes32 model) {
        if (modelRegistry.getVisibility(model).weights == InstanceEncoding.PRIVATE) revert UnboundWeights(model);
        registry = modelRegistry;
        modelId = model;
    }

    /// @inheritdoc IProofVerifier
    function verify(bytes32 inputHash, bytes32 outputHash, bytes calldata metadata, bytes calldata proof)
        external
        view
        returns (bool)
    {
        (int256[] memory inputs, int256[] memory outputs) = abi.decode(metadata, (int256[], int256[]));
        if (keccak256(abi.encode(inputs)) != inputHash || keccak256(abi.encode(outputs)) != outputHash) {
            return false;
        }
        try registry.verifyInference(modelId, inputs, outputs, proof) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    /// @inheritdoc IProofVerifier
    function name() public pure returns (string memory) {
        return "zkinfer";
    }

    /// @inheritdoc IProofVerifier
    function version() public pure returns (string memory) {
        return "1";
    }

    /// @notice ERC-165: this contract implements `IProofVerifier` (the draft requires ERC-165).
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IProofVerifier).interfaceId || interfaceId == 0x01ffc9a7;
    }

    /// @inheritdoc IProofVerifier
    function proofProfile() external view returns (bytes32) {
        return keccak256(abi.encodePacked(name(), version(), address(registry), modelId));
    }
}
