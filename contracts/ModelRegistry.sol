// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "./interfaces/IInferenceVerifier.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IZkinferVerifier} from "./interfaces/IZkinferVerifier.sol";
import {InstanceEncoding} from "./libraries/InstanceEncoding.sol";
import {ModelIds} from "./libraries/ModelIds.sol";

/// @title ModelRegistry
/// @notice Content-addressed, append-only registry of zkinfer models, and the single entry point
///         contracts use to verify inference proofs for them.
/// @dev Model registration is permissionless, but the registry derives the id from what is
///      registered (`ModelIds.compute`), so a registration cannot take an id that means anything
///      else: an attacker's registration (another verifier, another shape) gets another id, and
///      the honest one stays registrable. Every verification checks the verifier's code hash
///      against the one recorded and the proof's exact length. Aggregation verifiers are
///      registered by the owner (the deployer) only, per members' configuration, until frozen,
///      and `verifyInferenceBatch` picks them itself. Universal verifiers are registered by the
///      owner as numbered versions until frozen; a model names the version and its key contract.
contract ModelRegistry is IModelRegistry {
    /// @dev What `verifyInference` reads first, in one slot: `visibility = inputs | outputs << 2
    ///      | weights << 4` (0 for public, public, fixed). `verifier` is the key contract for a
    ///      version >= 1.
    struct StoredModel {
        address verifier;
        uint24 inputCount;
        uint24 outputCount;
        uint8 visibility;
        uint24 proofLength;
        uint16 verifierVersion;
    }

    /// @dev The rest of an entry, read only by `getModel`.
    struct StoredDetails {
        address registrant;
        uint8 inputScale;
        uint8 outputScale;
        uint40 registeredAtBlock;
        uint40 registeredAtTime;
    }

    mapping(bytes32 modelId => StoredModel info) private _models;
    mapping(bytes32 modelId => bytes32 commitment) private _commitments;
    mapping(bytes32 modelId => bytes32 codeHash) private _codeHashes;
    mapping(bytes32 modelId => StoredDetails details) private _details;
    mapping(bytes32 modelId => uint256 weightsHash) private _weightsHashes;
    mapping(bytes32 modelId => uint256 digest) private _circuitDigests;

    mapping(uint256 version => UniversalVerifierInfo info) private _verifiers;
    uint16 private _verifierCount;
    bool private _verifiersFrozen;

    mapping(bytes32 configKey => AggregationVerifierInfo info) private _aggregators;
    bytes32[] private _configKeys;
    bool private _frozen;

    /// @inheritdoc IModelRegistry
    address public immutable owner;

    /// @dev Bytes of the KZG accumulator (12 words) at the start of an aggregation proof.
    uint256 private constant ACCUMULATOR_BYTES = 12 * 32;
    /// @dev Leading words of `InstanceEncoding.encode` holding the model id (`idHi, idLo`).
    uint256 private constant MODEL_ID_WORDS = 2;

    /// @notice The deployer becomes the owner: the only account that may register universal and
    ///         aggregation verifiers (and freeze them). Models need no owner.
    constructor() {
        owner = msg.sender;
    }

    // ------------------------------------------------------------------ models

    /// @inheritdoc IModelRegistry
    function registerModel(ModelRegistration calldata registration) external returns (bytes32 modelId) {
        address verifier = registration.verifier;
        if (registration.commitment == bytes32(0)) revert ZeroModelId();
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        uint8 visibility = _packVisibility(registration.visibility);
        uint256 digest = registration.circuitDigest;
        if (digest >= InstanceEncoding.FIELD_MODULUS) revert InvalidCircuitDigest(digest);
        uint32 proofLength = registration.proofLength;
        if (proofLength == 0 || proofLength > type(uint24).max) revert InvalidProofLength(proofLength);
        uint16 version = registration.verifierVersion;
        if (version > _verifierCount) revert UnknownVerifierVersion(version);
        (uint32 inputCount, uint32 outputCount) = (registration.inputCount, registration.outputCount);
        if (inputCount > type(uint24).max) revert TooManyValues(inputCount);
        if (outputCount > type(uint24).max) revert TooManyValues(outputCount);

        bytes32 codeHash = verifier.codehash;
        modelId = ModelIds.compute(registration, codeHash);
        if (_models[modelId].verifier != address(0)) revert ModelAlreadyRegistered(modelId);

        _models[modelId] = StoredModel({
            verifier: verifier,
            inputCount: uint24(inputCount),
            outputCount: uint24(outputCount),
            visibility: visibility,
            proofLength: uint24(proofLength),
            verifierVersion: version
        });
        _commitments[modelId] = registration.commitment;
        _codeHashes[modelId] = codeHash;
        _details[modelId] = StoredDetails({
            registrant: msg.sender,
            inputScale: registration.inputScale,
            outputScale: registration.outputScale,
            registeredAtBlock: uint40(block.number),
            registeredAtTime: uint40(block.timestamp)
        });
        if (registration.visibility.weightsHash != 0) _weightsHashes[modelId] = registration.visibility.weightsHash;
        if (digest != 0) _circuitDigests[modelId] = digest;
        emit ModelRegistered(modelId, registration.commitment, verifier, version, codeHash, msg.sender, proofLength);
    }

    /// @inheritdoc IModelRegistry
    function computeModelId(ModelRegistration calldata registration) external view returns (bytes32) {
        return ModelIds.compute(registration, registration.verifier.codehash);
    }

    /// @dev Checks the codes and the weights hash; returns the packed visibility byte.
    function _packVisibility(ModelVisibility calldata visibility) private pure returns (uint8) {
        (uint8 inputs, uint8 outputs, uint8 weights) = (visibility.inputs, visibility.outputs, visibility.weights);
        uint8 max = InstanceEncoding.HASHED;
        if (inputs > max || outputs > max || weights > max) revert InvalidVisibility(inputs, outputs, weights);
        uint256 weightsHash = visibility.weightsHash;
        bool hashed = weights == InstanceEncoding.HASHED;
        if (hashed != (weightsHash != 0) || weightsHash >= InstanceEncoding.FIELD_MODULUS) {
            revert InvalidWeightsHash(weightsHash);
        }
        return inputs | (outputs << 2) | (weights << 4);
    }

    /// @inheritdoc IModelRegistry
    function getVisibility(bytes32 modelId) external view returns (ModelVisibility memory) {
        uint8 packed = _models[modelId].visibility;
        if (_models[modelId].verifier == address(0)) revert UnknownModel(modelId);
        return ModelVisibility({
            inputs: packed & 3, outputs: (packed >> 2) & 3, weights: packed >> 4, weightsHash: _weightsHashes[modelId]
        });
    }

    /// @inheritdoc IModelRegistry
    function getModel(bytes32 modelId) external view returns (ModelInfo memory) {
        StoredModel memory info = _models[modelId];
        if (info.verifier == address(0)) revert UnknownModel(modelId);
        StoredDetails memory details = _details[modelId];
        return ModelInfo({
            commitment: _commitments[modelId],
            verifier: info.verifier,
            verifierVersion: info.verifierVersion,
            verifierCodeHash: _codeHashes[modelId],
            inputCount: info.inputCount,
            outputCount: info.outputCount,
            inputScale: details.inputScale,
            outputScale: details.outputScale,
            proofLength: info.proofLength,
            registrant: details.registrant,
            registeredAtBlock: details.registeredAtBlock,
            registeredAtTime: details.registeredAtTime
        });
    }

    /// @inheritdoc IModelRegistry
    function isRegistered(bytes32 modelId) external view returns (bool) {
        return _models[modelId].verifier != address(0);
    }

    /// @inheritdoc IModelRegistry
    function circuitDigest(bytes32 modelId) external view returns (uint256) {
        return _circuitDigests[modelId];
    }

    /// @inheritdoc IInferenceVerifier
    /// @dev Reverts `UnknownModel`, `ProofLengthMismatch`, `InputLengthMismatch`,
    ///      `OutputLengthMismatch`, `ValueOutOfRange`, `HashOutOfField`, `VerifierCodeChanged`
    ///      (for the key or self-contained verifier, and for the universal verifier); returns
    ///      false when the verifier rejects the proof.
    function verifyInference(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs, bytes calldata proof)
        external
        view
        returns (bool)
    {
        StoredModel storage info = _models[modelId];
        address verifier = info.verifier;
        if (verifier == address(0)) revert UnknownModel(modelId);
        uint256 expectedLength = info.proofLength;
        if (proof.length != expectedLength) revert ProofLengthMismatch(expectedLength, proof.length);
        uint256[] memory instances = _checkedInstances(modelId, _commitments[modelId], inputs, outputs);
        _checkCode(verifier, _codeHashes[modelId]);
        uint16 version = info.verifierVersion;
        if (version == 0) return _callVerifier(verifier, abi.encodePacked(instances, proof));
        UniversalVerifierInfo storage universal = _verifiers[version];
        address universalVerifier = universal.verifier;
        _checkCode(universalVerifier, universal.codeHash);
        return _callUniversal(universalVerifier, abi.encodeCall(IZkinferVerifier.verify, (verifier, instances, proof)));
    }

    /// @inheritdoc IModelRegistry
    function publicInputs(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs)
        external
        view
        returns (uint256[] memory instances)
    {
        instances = _checkedInstances(modelId, _commitments[modelId], inputs, outputs);
    }

    // ------------------------------------------------------- universal verifiers

    /// @inheritdoc IModelRegistry
    function registerVerifier(address verifier) external returns (uint16 version) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (_verifiersFrozen) revert VerifiersAreFrozen();
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        version = _verifierCount + 1;
        _verifierCount = version;
        bytes32 codeHash = verifier.codehash;
        _verifiers[version] = UniversalVerifierInfo({verifier: verifier, codeHash: codeHash});
        emit VerifierRegistered(version, verifier, codeHash);
    }

    /// @inheritdoc IModelRegistry
    function freezeVerifiers() external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (_verifiersFrozen) revert VerifiersAreFrozen();
        _verifiersFrozen = true;
        emit VerifiersFrozen();
    }

    /// @inheritdoc IModelRegistry
    function verifiersFrozen() external view returns (bool) {
        return _verifiersFrozen;
    }

    /// @inheritdoc IModelRegistry
    function verifierCount() external view returns (uint16) {
        return _verifierCount;
    }

    /// @inheritdoc IModelRegistry
    function getVerifier(uint16 version) external view returns (UniversalVerifierInfo memory info) {
        info = _verifiers[version];
        if (info.verifier == address(0)) revert UnknownVerifierVersion(version);
    }

    // ------------------------------------------------------- aggregation verifiers

    /// @inheritdoc IModelRegistry
    function registerAggregationVerifier(address verifier, uint256[] calldata memberDigests, uint32 proofLength)
        external
        returns (bytes32 configKey)
    {
        configKey = _registerAggregation(verifier, 0, memberDigests, proofLength);
    }

    /// @inheritdoc IModelRegistry
    function registerAggregationKey(
        address key,
        uint16 verifierVersion,
        uint256[] calldata memberDigests,
        uint32 proofLength
    ) external returns (bytes32 configKey) {
        if (verifierVersion == 0 || verifierVersion > _verifierCount) {
            revert UnknownVerifierVersion(verifierVersion);
        }
        configKey = _registerAggregation(key, verifierVersion, memberDigests, proofLength);
    }

    function _registerAggregation(
        address verifier,
        uint16 version,
        uint256[] calldata memberDigests,
        uint32 proofLength
    ) private returns (bytes32 configKey) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (_frozen) revert AggregationVerifiersAreFrozen();
        uint256 members = memberDigests.length;
        if (members == 0 || members > type(uint32).max) revert EmptyBatch();
        for (uint256 i = 0; i < members; ++i) {
            uint256 digest = memberDigests[i];
            if (digest == 0 || digest >= InstanceEncoding.FIELD_MODULUS) revert InvalidCircuitDigest(digest);
        }
        if (proofLength <= ACCUMULATOR_BYTES || proofLength > type(uint24).max) revert InvalidProofLength(proofLength);
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        configKey = keccak256(abi.encodePacked(memberDigests));
        if (_aggregators[configKey].verifier != address(0)) revert AggregationVerifierAlreadyRegistered(configKey);
        bytes32 codeHash = verifier.codehash;
        _aggregators[configKey] = AggregationVerifierInfo({
            verifier: verifier,
            verifierCodeHash: codeHash,
            memberCount: uint32(members),
            proofLength: proofLength,
            verifierVersion: version
        });
        _configKeys.push(configKey);
        emit AggregationVerifierRegistered(configKey, verifier, codeHash, uint32(members), proofLength, version);
    }

    /// @inheritdoc IModelRegistry
    function freezeAggregationVerifiers() external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (_frozen) revert AggregationVerifiersAreFrozen();
        _frozen = true;
        emit AggregationVerifiersFrozen();
    }

    /// @inheritdoc IModelRegistry
    function aggregationVerifiersFrozen() external view returns (bool) {
        return _frozen;
    }

    /// @inheritdoc IModelRegistry
    function aggregationConfigKeys() external view returns (bytes32[] memory) {
        return _configKeys;
    }

    /// @inheritdoc IModelRegistry
    function getAggregationVerifier(bytes32 configKey) external view returns (AggregationVerifierInfo memory info) {
        info = _aggregators[configKey];
        if (info.verifier == address(0)) revert NoAggregationVerifier(configKey);
    }

    /// @inheritdoc IModelRegistry
    function batchConfigKey(uint256[] calldata memberDigests) external pure returns (bytes32) {
        return keccak256(abi.encodePacked(memberDigests));
    }

    /// @inheritdoc IModelRegistry
    function verifyInferenceBatch(
        bytes32[] calldata modelIds,
        int256[][] calldata inputs,
        int256[][] calldata outputs,
        bytes calldata proof
    ) external view returns (bool) {
        uint256 members = modelIds.length;
        if (members == 0) revert EmptyBatch();
        if (inputs.length != members || outputs.length != members) revert BatchArityMismatch();
        uint256[] memory digests = new uint256[](members);
        bytes memory values;
        for (uint256 i = 0; i < members; ++i) {
            bytes32 modelId = modelIds[i];
            // The id words are left out of a member's values, so no commitment is needed.
            uint256[] memory instances = _checkedInstances(modelId, bytes32(0), inputs[i], outputs[i]);
            if (_models[modelId].visibility != 0) revert BatchVisibilityNotSupported(modelId);
            uint256 digest = _circuitDigests[modelId];
            if (digest == 0) revert NoCircuitDigest(modelId);
            digests[i] = digest;
            values = abi.encodePacked(values, _memberValues(digest, instances));
        }
        bytes32 configKey = keccak256(abi.encodePacked(digests));
        AggregationVerifierInfo storage aggregator = _aggregators[configKey];
        address verifier = aggregator.verifier;
        if (verifier == address(0)) revert NoAggregationVerifier(configKey);
        uint256 expectedLength = aggregator.proofLength;
        if (proof.length != expectedLength) revert ProofLengthMismatch(expectedLength, proof.length);
        _checkCode(verifier, aggregator.verifierCodeHash);
        uint16 version = aggregator.verifierVersion;
        if (version == 0) {
            return
                _callVerifier(verifier, abi.encodePacked(proof[:ACCUMULATOR_BYTES], values, proof[ACCUMULATOR_BYTES:]));
        }
        UniversalVerifierInfo storage universal = _verifiers[version];
        _checkCode(universal.verifier, universal.codeHash);
        uint256[] memory rootInstances = _words(abi.encodePacked(proof[:ACCUMULATOR_BYTES], values));
        bytes memory callData =
            abi.encodeCall(IZkinferVerifier.verify, (verifier, rootInstances, proof[ACCUMULATOR_BYTES:]));
        return _callUniversal(universal.verifier, callData);
    }

    /// @dev `packed` (whole words) as a `uint256[]`.
    function _words(bytes memory packed) private pure returns (uint256[] memory out) {
        uint256 count = packed.length / 32;
        out = new uint256[](count);
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let at := shl(5, add(i, 1))
                mstore(add(out, at), mload(add(packed, at)))
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A member's values in an aggregation proof: its circuit digest, then its instances
    ///      without the model id (`idHi, idLo`): the id is a constant of the member circuit,
    ///      which the digest commits to.
    function _memberValues(uint256 digest, uint256[] memory instances) private pure returns (bytes memory out) {
        uint256 count = instances.length - MODEL_ID_WORDS;
        out = new bytes(32 * (1 + count));
        assembly ("memory-safe") {
            mstore(add(out, 0x20), digest)
            // Skip the length word and the two id words.
            let from := add(instances, mul(0x20, add(1, MODEL_ID_WORDS)))
            let to := add(out, 0x40)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(add(to, mul(i, 0x20)), mload(add(from, mul(i, 0x20))))
            }
        }
    }

    /// @dev Looks the model up, checks the shapes (a hashed side takes one value, a private
    ///      side none) and encodes the public instances with `commitment` as `idHi, idLo`.
    function _checkedInstances(bytes32 modelId, bytes32 commitment, int256[] calldata inputs, int256[] calldata outputs)
        private
        view
        returns (uint256[] memory)
    {
        StoredModel storage info = _models[modelId];
        if (info.verifier == address(0)) revert UnknownModel(modelId);
        uint8 visibility = info.visibility;
        uint256 expected = InstanceEncoding.sideLength(visibility & 3, info.inputCount);
        if (inputs.length != expected) revert InputLengthMismatch(modelId, expected, inputs.length);
        expected = InstanceEncoding.sideLength((visibility >> 2) & 3, info.outputCount);
        if (outputs.length != expected) revert OutputLengthMismatch(modelId, expected, outputs.length);
        if (visibility == 0) return InstanceEncoding.encode(commitment, inputs, outputs);
        uint256 weightsHash = _weightsHashes[modelId];
        return InstanceEncoding.encodeWithVisibility(commitment, inputs, outputs, visibility, weightsHash);
    }

    /// @dev The verifier must still have the code it was registered with: code can change
    ///      (a metamorphic contract redeployed by CREATE2) or vanish (SELFDESTRUCT where it
    ///      still clears code; an empty account would accept any proof).
    function _checkCode(address verifier, bytes32 expected) private view {
        bytes32 actual = verifier.codehash;
        if (actual != expected) revert VerifierCodeChanged(verifier, expected, actual);
    }

    /// @dev The universal verifier returns its verdict as one word (and reverts for a call that
    ///      cannot be a verification). At most that word is copied back.
    function _callUniversal(address verifier, bytes memory callData) private view returns (bool ok) {
        assembly ("memory-safe") {
            let success := staticcall(gas(), verifier, add(callData, 0x20), mload(callData), 0, 0)
            if and(success, eq(returndatasize(), 0x20)) {
                returndatacopy(0, 0, 0x20)
                ok := eq(mload(0), 1)
            }
        }
    }

    /// @dev The generated verifier reverts on a bad proof and returns nothing on success, so
    ///      success of the call is the verdict. Return data is never copied: a verifier cannot
    ///      make the caller pay for a huge return buffer.
    function _callVerifier(address verifier, bytes memory callData) private view returns (bool ok) {
        assembly ("memory-safe") {
            ok := staticcall(gas(), verifier, add(callData, 0x20), mload(callData), 0, 0)
        }
    }
}
