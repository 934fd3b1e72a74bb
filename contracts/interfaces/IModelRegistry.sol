// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "./IInferenceVerifier.sol";
import {IModelRegistryErrors, IModelRegistryEvents} from "./IModelRegistryErrors.sol";

/// @title IModelRegistry
/// @notice A content-addressed, append-only registry of proven ML models. A model's id is
///         derived by the registry from everything registered with it (`computeModelId`): the
///         circuit's model commitment, the verifier's address and code hash, the shapes, scales,
///         visibilities, weights hash, circuit digest and proof length. An id therefore means
///         exactly one statement and one verifier code forever; registering anything else gives
///         another id, so nobody can squat or hijack the id of an honest registration. The
///         registry is also the `IInferenceVerifier` consumers call.
/// @dev Models are normally verified by a universal verifier (`ZkinferVerifier`, one for every
///      model): the owner registers its deployments as versions 1, 2, ... (append-only, with a
///      one-way freeze), and a model registers only its verifying-key contract and the version
///      that reads it. The caller of a verification never names a verifier. Version 0 keeps the
///      older self-contained per-model verifiers (snark-verifier's), used for comparison.
interface IModelRegistry is IInferenceVerifier, IModelRegistryEvents, IModelRegistryErrors {
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

    /// @notice Everything a registration says; all of it goes into the model id.
    /// @param commitment The circuit's model commitment (keccak of the quantized model), which
    ///        the registry puts into the public values as `idHi, idLo`.
    /// @param verifier With `verifierVersion` 0, a self-contained verifier contract generated for
    ///        the model's circuit (snark-verifier's; called with `instances || proof`). With a
    ///        version >= 1, the model's verifying-key contract, read by the registry's universal
    ///        verifier of that version.
    /// @param verifierVersion 0 for a self-contained verifier, otherwise the version of the
    ///        universal verifier (`getVerifier`) that checks this model's proofs.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs (value = int / 2**inputScale).
    /// @param outputScale Fixed-point scale of the outputs (value = int / 2**outputScale).
    /// @param visibility What the proofs reveal.
    /// @param circuitDigest Poseidon hash of the circuit's verifying key as zkinfer's leaf
    ///        aggregation circuit computes it (zero: never verified in a batch).
    /// @param proofLength The exact length in bytes of the model's proofs.
    struct ModelRegistration {
        bytes32 commitment;
        address verifier;
        uint16 verifierVersion;
        uint32 inputCount;
        uint32 outputCount;
        uint8 inputScale;
        uint8 outputScale;
        ModelVisibility visibility;
        uint256 circuitDigest;
        uint32 proofLength;
    }

    /// @notice Everything recorded about a registered model.
    /// @param commitment The circuit's model commitment.
    /// @param verifier The verifier contract (version 0) or the verifying-key contract.
    /// @param verifierVersion 0, or the universal verifier's version.
    /// @param verifierCodeHash The code hash of `verifier` at registration, required at every
    ///        verification.
    /// @param inputCount Number of model inputs.
    /// @param outputCount Number of model outputs.
    /// @param inputScale Fixed-point scale of the inputs.
    /// @param outputScale Fixed-point scale of the outputs.
    /// @param proofLength The exact length in bytes of the model's proofs.
    /// @param registrant The account that registered the model (informational only).
    /// @param registeredAtBlock Block number of the registration.
    /// @param registeredAtTime Block timestamp of the registration.
    struct ModelInfo {
        bytes32 commitment;
        address verifier;
        uint16 verifierVersion;
        bytes32 verifierCodeHash;
        uint32 inputCount;
        uint32 outputCount;
        uint8 inputScale;
        uint8 outputScale;
        uint32 proofLength;
        address registrant;
        uint48 registeredAtBlock;
        uint48 registeredAtTime;
    }

    /// @notice A universal verifier as the owner registered it.
    /// @param verifier The `ZkinferVerifier` deployment (its immutable SRS is part of its code).
    /// @param codeHash Its code hash at registration, required at every verification.
    struct UniversalVerifierInfo {
        address verifier;
        bytes32 codeHash;
    }

    /// @notice An aggregation verifier as the owner registered it.
    /// @param verifier The generated aggregation verifier contract (version 0), or the
    ///        aggregation circuit's key contract, read by the universal verifier of
    ///        `verifierVersion`.
    /// @param verifierCodeHash Its code hash at registration, required at every verification.
    /// @param memberCount Number of inferences each proof carries.
    /// @param proofLength The exact length in bytes of its proofs (accumulator included).
    /// @param verifierVersion 0 for a self-contained verifier, else the universal verifier's
    ///        version (1 ..= `verifierCount()`).
    struct AggregationVerifierInfo {
        address verifier;
        bytes32 verifierCodeHash;
        uint32 memberCount;
        uint32 proofLength;
        uint16 verifierVersion;
    }

    /// @notice Registers a model under the id the registry derives from `registration`, and
    ///         returns that id. Anyone may register; the registrant gains no rights over the
    ///         entry. Registering the same content twice reverts `ModelAlreadyRegistered`.
    /// @dev For a hashed side `verifyInference` takes a one-element array holding the hash
    ///      (as an int256 in `[0, r)`), for a private side an empty array. With hashed weights
    ///      the registry appends `weightsHash` to the instances, so a proof made with other
    ///      weights fails. Private weights are bound by nothing: any weights prove (consumers
    ///      should refuse such models, as `RiskOracle` and `ChessGame` do).
    ///      With a `verifierVersion` >= 1 that version must be registered.
    ///      Reverts `ZeroModelId`, `VerifierHasNoCode`, `UnknownVerifierVersion`,
    ///      `TooManyValues`, `InvalidVisibility`,
    ///      `InvalidWeightsHash`, `InvalidCircuitDigest`, `InvalidProofLength`,
    ///      `ModelAlreadyRegistered`. Emits `ModelRegistered`.
    /// @param registration What is registered.
    /// @return modelId `computeModelId(registration)`.
    function registerModel(ModelRegistration calldata registration) external returns (bytes32 modelId);

    /// @notice The id `registerModel` gives `registration` with the verifier's current code:
    ///         `keccak256(abi.encode(MODEL_ID_DOMAIN, extcodehash(verifier), registration))`
    ///         (see `ModelIds`; crates/chain computes the same).
    /// @param registration What would be registered.
    /// @return The model id.
    function computeModelId(ModelRegistration calldata registration) external view returns (bytes32);

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

    /// @notice The circuit digest registered with a model (zero if none).
    /// @param modelId The model.
    /// @return The digest.
    function circuitDigest(bytes32 modelId) external view returns (uint256);

    /// @notice The account that may register aggregation verifiers (the deployer).
    /// @return The owner.
    function owner() external view returns (address);

    /// @notice Registers (owner only, until frozen) a universal verifier under the next version
    ///      number (1, 2, ...), recording its code hash. Versions are append-only: a model
    ///      registered for a version is verified by that contract forever.
    /// @dev Reverts `NotOwner`, `VerifiersAreFrozen`, `VerifierHasNoCode`. Emits
    ///      `VerifierRegistered`.
    /// @param verifier The `ZkinferVerifier` deployment.
    /// @return version Its version.
    function registerVerifier(address verifier) external returns (uint16 version);

    /// @notice Freezes the universal verifiers (owner only, one way): no version is ever added.
    function freezeVerifiers() external;

    /// @notice Whether the universal verifiers are frozen.
    /// @return True once frozen.
    function verifiersFrozen() external view returns (bool);

    /// @notice The number of universal verifier versions (the latest version).
    /// @return The count.
    function verifierCount() external view returns (uint16);

    /// @notice The universal verifier of a version.
    /// @dev Reverts `UnknownVerifierVersion`.
    /// @param version The version (1 ..= `verifierCount()`).
    /// @return The entry.
    function getVerifier(uint16 version) external view returns (UniversalVerifierInfo memory);

    /// @notice Registers (owner only, until frozen) the aggregation verifier for batches whose
    ///         members have exactly these circuit digests, in this order; returns the
    ///         configuration key (`batchConfigKey(memberDigests)`) it is recorded under.
    /// @dev An aggregation verifier's circuit is built for its members' circuits; the digests
    ///      (part of each member's model id) name them. One verifier may be registered under
    ///      several keys. Reverts `NotOwner`, `AggregationVerifiersAreFrozen`, `EmptyBatch`,
    ///      `InvalidCircuitDigest`, `InvalidProofLength`, `VerifierHasNoCode`,
    ///      `AggregationVerifierAlreadyRegistered`. Emits `AggregationVerifierRegistered`.
    /// @param verifier The aggregation verifier contract.
    /// @param memberDigests The circuit digest of each member, in batch order.
    /// @param proofLength The exact length in bytes of its proofs (accumulator included).
    /// @return configKey The key the verifier is recorded under.
    function registerAggregationVerifier(address verifier, uint256[] calldata memberDigests, uint32 proofLength)
        external
        returns (bytes32 configKey);

    /// @notice Registers (owner only, until frozen) an aggregation circuit's key contract, read
    ///         by the universal verifier of `verifierVersion`, for batches whose members have
    ///         exactly these circuit digests; as `registerAggregationVerifier` otherwise. The
    ///         universal verifier has no size limit, so this serves batches whose generated
    ///         verifiers exceed EIP-170.
    /// @dev The key must have been made for an aggregation circuit (its accumulator position in
    ///      the key: `VkData::aggregation` in zkinfer-evm); the universal verifier then folds the
    ///      accumulator into its pairing. Reverts as `registerAggregationVerifier`, and
    ///      `UnknownVerifierVersion` for version 0 or one not registered.
    /// @param key The key contract.
    /// @param verifierVersion The universal verifier version that reads it.
    /// @param memberDigests The circuit digest of each member, in batch order.
    /// @param proofLength The exact length in bytes of its proofs (accumulator included).
    /// @return configKey The key the verifier is recorded under.
    function registerAggregationKey(
        address key,
        uint16 verifierVersion,
        uint256[] calldata memberDigests,
        uint32 proofLength
    ) external returns (bytes32 configKey);

    /// @notice Freezes the aggregation verifiers (owner only, one way): none is ever added again.
    function freezeAggregationVerifiers() external;

    /// @notice Whether the aggregation verifiers are frozen.
    /// @return True once frozen.
    function aggregationVerifiersFrozen() external view returns (bool);

    /// @notice The configuration keys of the registered aggregation verifiers, in order.
    /// @return The keys.
    function aggregationConfigKeys() external view returns (bytes32[] memory);

    /// @notice The aggregation verifier registered for a configuration.
    /// @dev Reverts `NoAggregationVerifier`.
    /// @param configKey The configuration (`batchConfigKey`).
    /// @return The entry.
    function getAggregationVerifier(bytes32 configKey) external view returns (AggregationVerifierInfo memory);

    /// @notice The configuration key of a batch: `keccak256(abi.encodePacked(memberDigests))`.
    /// @param memberDigests The circuit digest of each member, in batch order.
    /// @return The key.
    function batchConfigKey(uint256[] calldata memberDigests) external pure returns (bytes32);

    /// @notice Verifies one aggregated proof of many inferences: for each member `i`, that
    ///         model `modelIds[i]` on `inputs[i]` gave `outputs[i]`. The aggregation verifier is
    ///         the one the owner registered for the members' circuit digests; the caller does
    ///         not name it.
    /// @dev Every model must be registered with a circuit digest and default visibilities;
    ///      lengths are checked per member as in `verifyInference`, and values are packed by
    ///      `InstanceEncoding`. The verifier receives the 12 accumulator words (the start of
    ///      `proof`), then per member its circuit digest and encoded instances without the
    ///      model id (the digest binds the id, a constant of the member circuit), then the rest
    ///      of `proof`; a key registered by `registerAggregationKey` is verified by its
    ///      universal verifier as `verify(key, accumulator words ++ members' values, rest of
    ///      proof)`, after both code hashes are checked. Reverts `EmptyBatch`, `BatchArityMismatch`, `UnknownModel`,
    ///      `BatchVisibilityNotSupported`, `NoCircuitDigest`, `NoAggregationVerifier`,
    ///      `ProofLengthMismatch`, `VerifierCodeChanged`, `InputLengthMismatch`,
    ///      `OutputLengthMismatch`, `ValueOutOfRange`.
    /// @param modelIds Each member's model.
    /// @param inputs Each member's inputs as fixed-point integers.
    /// @param outputs Each member's outputs as fixed-point integers.
    /// @param proof The accumulator (12 words) followed by the aggregation proof.
    /// @return True if the proof verifies for exactly these members.
    function verifyInferenceBatch(
        bytes32[] calldata modelIds,
        int256[][] calldata inputs,
        int256[][] calldata outputs,
        bytes calldata proof
    ) external view returns (bool);
}
