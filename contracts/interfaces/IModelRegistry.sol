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

    /// @notice A model was registered with visibilities other than public inputs, public
    ///         outputs and fixed weights (emitted right after `ModelRegistered`).
    /// @param modelId The model.
    /// @param inputs Inputs: 0 public, 1 private, 2 hashed.
    /// @param outputs Outputs: 0 public, 1 private, 2 hashed.
    /// @param weights Weights: 0 fixed, 1 private, 2 hashed.
    /// @param weightsHash With hashed weights, the Poseidon hash every proof must expose.
    event ModelVisibilitySet(bytes32 indexed modelId, uint8 inputs, uint8 outputs, uint8 weights, uint256 weightsHash);

    /// @notice A model's circuit digest was recorded; aggregated proofs of it are now accepted.
    /// @param modelId The model.
    /// @param circuitDigest Poseidon hash of the model circuit's verifying key.
    event CircuitDigestRegistered(bytes32 indexed modelId, uint256 circuitDigest);

    /// @notice An aggregation verifier was registered; entries are permanent.
    /// @param verifier The generated aggregation verifier contract.
    /// @param registrant The account that registered it.
    /// @param memberCount Number of inferences each of its proofs carries.
    event AggregationVerifierRegistered(address indexed verifier, address indexed registrant, uint32 memberCount);
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

    /// @notice A visibility code is unknown (inputs and outputs: 0 public, 1 private,
    ///         2 hashed; weights: 0 fixed, 1 private, 2 hashed).
    error InvalidVisibility(uint8 inputs, uint8 outputs, uint8 weights);
    /// @notice Hashed weights need a non-zero weights hash below the field modulus; other
    ///         weights need zero.
    /// @param weightsHash The hash supplied.
    error InvalidWeightsHash(uint256 weightsHash);
    /// @notice A hash passed for a hashed side is not a BN254 scalar field element.
    /// @param index Position of the value, counting inputs first and then outputs.
    /// @param value The offending value.
    error HashOutOfField(uint256 index, int256 value);
    /// @notice Aggregated proofs take models with public inputs and outputs and fixed weights.
    /// @param modelId The member model with other visibilities.
    error BatchVisibilityNotSupported(bytes32 modelId);

    /// @notice Only the account that registered a model may record its circuit digest.
    /// @param modelId The model.
    /// @param caller The account that tried.
    error NotRegistrant(bytes32 modelId, address caller);
    /// @notice The model's circuit digest is recorded already; it never changes.
    /// @param modelId The model.
    error CircuitDigestAlreadySet(bytes32 modelId);
    /// @notice The digest zero is reserved to mean "none".
    error ZeroCircuitDigest();
    /// @notice The model has no circuit digest, so it cannot be verified in a batch.
    /// @param modelId The model.
    error NoCircuitDigest(bytes32 modelId);
    /// @notice The aggregation verifier is registered already; entries are never overwritten.
    /// @param verifier The verifier.
    error AggregationVerifierAlreadyRegistered(address verifier);
    /// @notice No aggregation verifier is registered at this address.
    /// @param verifier The address.
    error UnknownAggregationVerifier(address verifier);
    /// @notice A batch's member count is zero or differs from what the verifier checks.
    /// @param expected The verifier's member count.
    /// @param actual The number of model ids supplied.
    error MemberCountMismatch(uint256 expected, uint256 actual);
    /// @notice The per-member arrays (model ids, inputs, outputs) differ in length.
    error BatchArityMismatch();
    /// @notice The batch proof is shorter than the accumulator it must start with.
    /// @param length The length supplied.
    error BatchProofTooShort(uint256 length);
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

    /// @notice What a model's proofs reveal; see docs/visibility.md.
    /// @param inputs 0 public (values packed into the instances), 1 private (nothing), 2 hashed
    ///        (one Poseidon hash: `verifyInference` then takes `inputs = [hash]`).
    /// @param outputs The same for the outputs.
    /// @param weights 0 fixed (in the verifying key), 1 private (bound by NOTHING), 2 hashed.
    /// @param weightsHash With hashed weights, the Poseidon hash of the model's weights that
    ///        every proof must expose as its last public value; zero otherwise.
    struct ModelVisibility {
        uint8 inputs;
        uint8 outputs;
        uint8 weights;
        uint256 weightsHash;
    }

    /// @notice Everything recorded about an aggregation verifier.
    /// @param memberCount Number of inferences each proof carries.
    /// @param registrant The account that registered it.
    /// @param registeredAtBlock Block number of the registration.
    struct AggregationVerifierInfo {
        uint32 memberCount;
        address registrant;
        uint48 registeredAtBlock;
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

    /// @notice Registers a model whose proofs reveal other things than its inputs and outputs
    ///         (`registerModel` is this with public inputs, public outputs, fixed weights).
    /// @dev For a hashed side `verifyInference` takes a one-element array holding the hash
    ///      (as an int256 in `[0, r)`), for a private side an empty array. With hashed weights
    ///      the registry appends `visibility.weightsHash` to the instances, so a proof made with
    ///      other weights fails. Private weights are bound by nothing: any weights prove.
    ///      Reverts as `registerModel`, and `InvalidVisibility`, `InvalidWeightsHash`.
    /// @param modelId The model's identifier (it covers the visibility and the weights).
    /// @param verifier The verifier contract generated for the model's circuit.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs.
    /// @param outputScale Fixed-point scale of the outputs.
    /// @param visibility What the proofs reveal.
    function registerModelWithVisibility(
        bytes32 modelId,
        address verifier,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale,
        ModelVisibility calldata visibility
    ) external;

    /// @notice What a registered model's proofs reveal.
    /// @dev Reverts `UnknownModel` if the id is not registered.
    /// @param modelId The model's identifier.
    /// @return The visibilities and the weights hash.
    function getVisibility(bytes32 modelId) external view returns (ModelVisibility memory);

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

    /// @notice Records the circuit digest of a model (the Poseidon hash of its circuit's
    ///         verifying key, as zkinfer's leaf aggregation circuit computes it), once. Only the
    ///         model's registrant may call it.
    /// @dev An aggregation verifier takes the member circuits' verifying keys as witnesses, so
    ///      one verifier serves every model of the same circuit configuration; the digest is
    ///      what ties an aggregated member to the circuit registered for its model id.
    ///      Reverts `UnknownModel`, `NotRegistrant`, `ZeroCircuitDigest`, `CircuitDigestAlreadySet`.
    /// @param modelId The model.
    /// @param circuitDigest The digest (a BN254 scalar field element).
    function registerCircuitDigest(bytes32 modelId, uint256 circuitDigest) external;

    /// @notice The circuit digest recorded for a model (zero if none).
    /// @param modelId The model.
    /// @return The digest.
    function circuitDigest(bytes32 modelId) external view returns (uint256);

    /// @notice Registers a generated aggregation verifier for batches of `memberCount`
    ///         inferences. Anyone may register; an address can be registered only once.
    /// @dev Reverts `VerifierHasNoCode`, `AggregationVerifierAlreadyRegistered`,
    ///      `MemberCountMismatch` (for zero members).
    /// @param verifier The aggregation verifier contract.
    /// @param memberCount Number of inferences each of its proofs carries.
    function registerAggregationVerifier(address verifier, uint32 memberCount) external;

    /// @notice Returns the entry for an aggregation verifier.
    /// @dev Reverts `UnknownAggregationVerifier`.
    /// @param verifier The verifier.
    /// @return The registered entry.
    function getAggregationVerifier(address verifier) external view returns (AggregationVerifierInfo memory);

    /// @notice Verifies one aggregated proof of many inferences: for each member `i`, that
    ///         model `modelIds[i]` on `inputs[i]` gave `outputs[i]`.
    /// @dev Every model must be registered with a circuit digest; lengths are checked per
    ///      member as in `verifyInference`, and values are packed by `InstanceEncoding`. The
    ///      verifier receives the 12 accumulator words (the start of `proof`), then per member
    ///      its circuit digest and encoded instances without the model id (the digest binds
    ///      the id, a constant of the member circuit), then the rest of `proof`.
    ///      Reverts `UnknownAggregationVerifier`, `VerifierHasNoCode`, `BatchArityMismatch`,
    ///      `MemberCountMismatch`, `BatchProofTooShort`, `UnknownModel`, `NoCircuitDigest`,
    ///      `InputLengthMismatch`, `OutputLengthMismatch`, `ValueOutOfRange`.
    /// @param aggregationVerifier A registered aggregation verifier.
    /// @param modelIds Each member's model.
    /// @param inputs Each member's inputs as fixed-point integers.
    /// @param outputs Each member's outputs as fixed-point integers.
    /// @param proof The accumulator (12 words) followed by the aggregation proof.
    /// @return True if the proof verifies for exactly these members.
    function verifyInferenceBatch(
        address aggregationVerifier,
        bytes32[] calldata modelIds,
        int256[][] calldata inputs,
        int256[][] calldata outputs,
        bytes calldata proof
    ) external view returns (bool);
}
