// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "./IInferenceVerifier.sol";

/// @title IModelRegistryEvents
/// @notice Events emitted by the model registry.
interface IModelRegistryEvents {
    /// @notice A model was registered; entries are permanent.
    /// @param modelId The identifier the model is now registered under.
    /// @param verifier The contract that checks proofs for this model.
    /// @param registrant The account that registered the model.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs (value = int / 2**inputScale).
    /// @param outputScale Fixed-point scale of the outputs (value = int / 2**outputScale).
    event ModelRegistered(
        bytes32 indexed modelId,
        address indexed verifier,
        address indexed registrant,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale
    );
}

/// @title IModelRegistryErrors
/// @notice Errors raised by the model registry.
interface IModelRegistryErrors {
    /// @notice The zero model id is reserved to mean "no model".
    error ZeroModelId();

    /// @notice A model with this id exists already; entries are never overwritten.
    /// @param modelId The id that was registered before.
    error ModelAlreadyRegistered(bytes32 modelId);

    /// @notice The verifier address holds no code. A call to such an address succeeds in the
    ///         EVM, so accepting it would make every proof look valid.
    /// @param verifier The address without code.
    error VerifierHasNoCode(address verifier);

    /// @notice No model is registered under this id.
    /// @param modelId The unknown id.
    error UnknownModel(bytes32 modelId);

    /// @notice The number of inputs differs from the registered input count.
    /// @param modelId The model being verified.
    /// @param expected The registered input count.
    /// @param actual The number of inputs supplied.
    error InputLengthMismatch(bytes32 modelId, uint256 expected, uint256 actual);

    /// @notice The number of outputs differs from the registered output count.
    /// @param modelId The model being verified.
    /// @param expected The registered output count.
    /// @param actual The number of outputs supplied.
    error OutputLengthMismatch(bytes32 modelId, uint256 expected, uint256 actual);

    /// @notice A value does not fit in a 32-bit signed lane of the public instances.
    /// @param index Position of the value, counting inputs first and then outputs.
    /// @param value The offending value.
    error ValueOutOfRange(uint256 index, int256 value);
}

/// @title IModelRegistry
/// @notice An append-only registry of proven ML models. Each model id maps, forever, to the
///         verifier contract for that model and the shape and fixed-point scales of its
///         inputs and outputs. The registry is also the `IInferenceVerifier` consumers call.
interface IModelRegistry is IInferenceVerifier, IModelRegistryEvents, IModelRegistryErrors {
    /// @notice Everything recorded about a registered model.
    /// @param verifier The generated verifier contract for the model's circuit.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs (value = int / 2**inputScale).
    /// @param outputScale Fixed-point scale of the outputs (value = int / 2**outputScale).
    /// @param registrant The account that registered the model.
    /// @param registeredAtBlock Block number of the registration.
    /// @param registeredAtTime Block timestamp of the registration.
    struct ModelInfo {
        address verifier;
        uint32 inputCount;
        uint32 outputCount;
        uint8 inputScale;
        uint8 outputScale;
        address registrant;
        uint48 registeredAtBlock;
        uint48 registeredAtTime;
    }

    /// @notice Registers a model. Anyone may register; an id can be registered only once.
    /// @dev Reverts `ZeroModelId`, `ModelAlreadyRegistered` or `VerifierHasNoCode`.
    /// @param modelId The model's identifier, as committed to by its circuit.
    /// @param verifier The verifier contract generated for the model's circuit.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs.
    /// @param outputScale Fixed-point scale of the outputs.
    function registerModel(
        bytes32 modelId,
        address verifier,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale
    ) external;

    /// @notice Returns the entry for a model.
    /// @dev Reverts `UnknownModel` if the id is not registered.
    /// @param modelId The model's identifier.
    /// @return The registered entry.
    function getModel(bytes32 modelId) external view returns (ModelInfo memory);

    /// @notice Whether a model is registered under this id.
    /// @param modelId The model's identifier.
    /// @return True if registered.
    function isRegistered(bytes32 modelId) external view returns (bool);

    /// @notice The public instances `verifyInference` would hand to the verifier.
    /// @dev Applies the same checks as `verifyInference` (known model, lengths, value range).
    ///      Exposed so that off-chain code can cross-check its own encoding.
    /// @param modelId The model's identifier.
    /// @param inputs The model inputs as fixed-point integers.
    /// @param outputs The model outputs as fixed-point integers.
    /// @return The public instances, one BN254 scalar field element per entry.
    function publicInputs(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs)
        external
        view
        returns (uint256[] memory);
}
