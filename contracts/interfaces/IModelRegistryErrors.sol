// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title IModelRegistryEvents
/// @notice Events emitted by the model registry.
interface IModelRegistryEvents {
    /// @notice A model was registered; entries are permanent.
    /// @param modelId The id the registry derived from the registration (`computeModelId`).
    /// @param commitment The circuit's model commitment (its first two public values).
    /// @param verifier The contract that checks proofs for this model (version 0) or its
    ///        verifying-key contract.
    /// @param verifierVersion 0, or the universal verifier's version.
    /// @param verifierCodeHash The EXTCODEHASH of `verifier`, checked at every verification.
    /// @param registrant The account that registered the model (it has no special rights).
    /// @param proofLength The exact length in bytes of this model's proofs.
    event ModelRegistered(
        bytes32 indexed modelId,
        bytes32 indexed commitment,
        address indexed verifier,
        uint16 verifierVersion,
        bytes32 verifierCodeHash,
        address registrant,
        uint32 proofLength
    );

    /// @notice A universal verifier was registered by the owner; versions are permanent.
    /// @param version Its version.
    /// @param verifier The `ZkinferVerifier` deployment.
    /// @param codeHash Its EXTCODEHASH, checked at every verification.
    event VerifierRegistered(uint16 indexed version, address indexed verifier, bytes32 codeHash);

    /// @notice The owner froze the list of universal verifiers; no version can be added.
    event VerifiersFrozen();

    /// @notice An aggregation verifier was registered by the owner; entries are permanent.
    /// @param configKey The members' configuration it verifies (`batchConfigKey`).
    /// @param verifier The generated aggregation verifier contract.
    /// @param verifierCodeHash Its EXTCODEHASH, checked at every batch verification.
    /// @param memberCount Number of inferences each of its proofs carries.
    /// @param proofLength The exact length in bytes of its proofs (accumulator included).
    /// @param verifierVersion 0 for a self-contained verifier, else the universal verifier
    ///        version reading `verifier` as a key.
    event AggregationVerifierRegistered(
        bytes32 indexed configKey,
        address indexed verifier,
        bytes32 verifierCodeHash,
        uint32 memberCount,
        uint32 proofLength,
        uint16 verifierVersion
    );

    /// @notice The owner froze the list of aggregation verifiers; no entry can be added.
    event AggregationVerifiersFrozen();
}

/// @title IModelRegistryErrors
/// @notice Errors raised by the model registry.
interface IModelRegistryErrors {
    /// @notice The zero model commitment is reserved to mean "no model".
    error ZeroModelId();
    /// @notice This exact registration exists already (same content, same id); entries are
    ///         never overwritten.
    /// @param modelId The id that was registered before.
    error ModelAlreadyRegistered(bytes32 modelId);
    /// @notice The verifier address holds no code. A call to such an address succeeds in the
    ///         EVM, so accepting it would make every proof look valid.
    /// @param verifier The address without code.
    error VerifierHasNoCode(address verifier);
    /// @notice The verifier's code is no longer the code registered (a metamorphic or
    ///         destroyed contract): nothing it says is trusted.
    /// @param verifier The verifier.
    /// @param expected The code hash recorded at registration.
    /// @param actual Its code hash now.
    error VerifierCodeChanged(address verifier, bytes32 expected, bytes32 actual);
    /// @notice No universal verifier is registered under this version.
    /// @param version The unknown version.
    error UnknownVerifierVersion(uint16 version);
    /// @notice The universal verifiers are frozen: no version is added again.
    error VerifiersAreFrozen();
    /// @notice An input or output count does not fit the registry's 24-bit field.
    /// @param count The count supplied.
    error TooManyValues(uint256 count);
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
    /// @notice The proof is not exactly as long as the model's (or the batch verifier's)
    ///         proofs: trailing or missing bytes.
    /// @param expected The registered proof length.
    /// @param actual The length supplied.
    error ProofLengthMismatch(uint256 expected, uint256 actual);
    /// @notice A registered proof length is zero or does not fit the registry's 24-bit field.
    /// @param proofLength The length supplied.
    error InvalidProofLength(uint256 proofLength);
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
    /// @notice A circuit digest must be a BN254 scalar field element (zero means none).
    /// @param circuitDigest The digest supplied.
    error InvalidCircuitDigest(uint256 circuitDigest);
    /// @notice Aggregated proofs take models with public inputs and outputs and fixed weights.
    /// @param modelId The member model with other visibilities.
    error BatchVisibilityNotSupported(bytes32 modelId);
    /// @notice The model was registered without a circuit digest, so it cannot be verified in
    ///         a batch.
    /// @param modelId The model.
    error NoCircuitDigest(bytes32 modelId);
    /// @notice Only the registry's owner may register (universal or aggregation) verifiers or
    ///         freeze them.
    /// @param caller The account that tried.
    error NotOwner(address caller);
    /// @notice The aggregation verifiers are frozen: the list never grows again.
    error AggregationVerifiersAreFrozen();
    /// @notice An aggregation verifier is registered for this configuration already; entries
    ///         are never overwritten.
    /// @param configKey The members' configuration.
    error AggregationVerifierAlreadyRegistered(bytes32 configKey);
    /// @notice No aggregation verifier is registered for the members' configuration.
    /// @param configKey The configuration of the batch's members (`batchConfigKey`).
    error NoAggregationVerifier(bytes32 configKey);
    /// @notice A batch or an aggregation verifier with no members.
    error EmptyBatch();
    /// @notice The per-member arrays (model ids, inputs, outputs) differ in length.
    error BatchArityMismatch();
}
