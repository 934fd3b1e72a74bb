// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "./interfaces/IInferenceVerifier.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {InstanceEncoding} from "./libraries/InstanceEncoding.sol";

/// @title ModelRegistry
/// @notice Append-only registry of zkinfer models, and the single entry point contracts use to
///         verify inference proofs for them.
/// @dev Registration is permissionless and first-come: an id says nothing about who is behind
///      it. A consumer should pin the model id it trusts only after checking the entry's
///      verifier (and, if it cares, its registrant) off-chain.
contract ModelRegistry is IModelRegistry {
    /// @dev `ModelInfo` plus the visibilities in the spare bytes of its first slot, so that
    ///      `verifyInference` reads them with the verifier address: `visibility = inputs |
    ///      outputs << 2 | weights << 4` (0 for public, public, fixed).
    struct StoredModel {
        address verifier;
        uint32 inputCount;
        uint32 outputCount;
        uint8 inputScale;
        uint8 outputScale;
        uint8 visibility;
        address registrant;
        uint48 registeredAtBlock;
        uint48 registeredAtTime;
    }

    mapping(bytes32 modelId => StoredModel info) private _models;
    mapping(bytes32 modelId => uint256 weightsHash) private _weightsHashes;
    mapping(bytes32 modelId => uint256 digest) private _circuitDigests;
    mapping(address verifier => AggregationVerifierInfo info) private _aggregationVerifiers;

    /// @dev Bytes of the KZG accumulator (12 words) at the start of an aggregation proof.
    uint256 private constant ACCUMULATOR_BYTES = 12 * 32;
    /// @dev Leading words of `InstanceEncoding.encode` holding the model id (`idHi, idLo`).
    uint256 private constant MODEL_ID_WORDS = 2;

    /// @inheritdoc IModelRegistry
    function registerModel(
        bytes32 modelId,
        address verifier,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale
    ) external {
        _register(modelId, verifier, inputCount, outputCount, inputScale, outputScale, 0);
    }

    /// @inheritdoc IModelRegistry
    function registerModelWithVisibility(
        bytes32 modelId,
        address verifier,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale,
        ModelVisibility calldata visibility
    ) external {
        uint8 packed = _packVisibility(visibility);
        _register(modelId, verifier, inputCount, outputCount, inputScale, outputScale, packed);
        if (packed >> 4 == InstanceEncoding.HASHED) _weightsHashes[modelId] = visibility.weightsHash;
        if (packed != 0) {
            emit ModelVisibilitySet(
                modelId, visibility.inputs, visibility.outputs, visibility.weights, visibility.weightsHash
            );
        }
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

    function _register(
        bytes32 modelId,
        address verifier,
        uint32 inputCount,
        uint32 outputCount,
        uint8 inputScale,
        uint8 outputScale,
        uint8 visibility
    ) private {
        if (modelId == bytes32(0)) revert ZeroModelId();
        if (_models[modelId].verifier != address(0)) revert ModelAlreadyRegistered(modelId);
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);

        _models[modelId] = StoredModel({
            verifier: verifier,
            inputCount: inputCount,
            outputCount: outputCount,
            inputScale: inputScale,
            outputScale: outputScale,
            visibility: visibility,
            registrant: msg.sender,
            registeredAtBlock: uint48(block.number),
            registeredAtTime: uint48(block.timestamp)
        });
        emit ModelRegistered(modelId, verifier, msg.sender, inputCount, outputCount, inputScale, outputScale);
    }

    /// @inheritdoc IInferenceVerifier
    function verifyInference(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs, bytes calldata proof)
        external
        view
        returns (bool)
    {
        (address verifier, uint256[] memory instances) = _checkedInstances(modelId, inputs, outputs);
        // Code can vanish after registration (SELFDESTRUCT on chains that still clear code), and
        // an empty account would accept any proof.
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        return _callVerifier(verifier, abi.encodePacked(instances, proof));
    }

    /// @inheritdoc IModelRegistry
    function publicInputs(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs)
        external
        view
        returns (uint256[] memory instances)
    {
        (, instances) = _checkedInstances(modelId, inputs, outputs);
    }

    /// @inheritdoc IModelRegistry
    function getModel(bytes32 modelId) external view returns (ModelInfo memory) {
        StoredModel memory info = _models[modelId];
        if (info.verifier == address(0)) revert UnknownModel(modelId);
        return ModelInfo({
            verifier: info.verifier,
            inputCount: info.inputCount,
            outputCount: info.outputCount,
            inputScale: info.inputScale,
            outputScale: info.outputScale,
            registrant: info.registrant,
            registeredAtBlock: info.registeredAtBlock,
            registeredAtTime: info.registeredAtTime
        });
    }

    /// @inheritdoc IModelRegistry
    function isRegistered(bytes32 modelId) external view returns (bool) {
        return _models[modelId].verifier != address(0);
    }

    /// @inheritdoc IModelRegistry
    function registerCircuitDigest(bytes32 modelId, uint256 digest) external {
        StoredModel storage info = _models[modelId];
        if (info.verifier == address(0)) revert UnknownModel(modelId);
        if (info.registrant != msg.sender) revert NotRegistrant(modelId, msg.sender);
        if (digest == 0) revert ZeroCircuitDigest();
        if (_circuitDigests[modelId] != 0) revert CircuitDigestAlreadySet(modelId);
        _circuitDigests[modelId] = digest;
        emit CircuitDigestRegistered(modelId, digest);
    }

    /// @inheritdoc IModelRegistry
    function circuitDigest(bytes32 modelId) external view returns (uint256) {
        return _circuitDigests[modelId];
    }

    /// @inheritdoc IModelRegistry
    function registerAggregationVerifier(address verifier, uint32 memberCount) external {
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        if (_aggregationVerifiers[verifier].memberCount != 0) revert AggregationVerifierAlreadyRegistered(verifier);
        if (memberCount == 0) revert MemberCountMismatch(1, 0);
        _aggregationVerifiers[verifier] = AggregationVerifierInfo({
            memberCount: memberCount, registrant: msg.sender, registeredAtBlock: uint48(block.number)
        });
        emit AggregationVerifierRegistered(verifier, msg.sender, memberCount);
    }

    /// @inheritdoc IModelRegistry
    function getAggregationVerifier(address verifier) external view returns (AggregationVerifierInfo memory) {
        AggregationVerifierInfo memory info = _aggregationVerifiers[verifier];
        if (info.memberCount == 0) revert UnknownAggregationVerifier(verifier);
        return info;
    }

    /// @inheritdoc IModelRegistry
    function verifyInferenceBatch(
        address aggregationVerifier,
        bytes32[] calldata modelIds,
        int256[][] calldata inputs,
        int256[][] calldata outputs,
        bytes calldata proof
    ) external view returns (bool) {
        uint256 members = _aggregationVerifiers[aggregationVerifier].memberCount;
        if (members == 0) revert UnknownAggregationVerifier(aggregationVerifier);
        if (aggregationVerifier.code.length == 0) revert VerifierHasNoCode(aggregationVerifier);
        if (inputs.length != modelIds.length || outputs.length != modelIds.length) revert BatchArityMismatch();
        if (modelIds.length != members) revert MemberCountMismatch(members, modelIds.length);
        if (proof.length < ACCUMULATOR_BYTES) revert BatchProofTooShort(proof.length);
        bytes memory values;
        for (uint256 i = 0; i < members; ++i) {
            bytes32 modelId = modelIds[i];
            (, uint256[] memory instances) = _checkedInstances(modelId, inputs[i], outputs[i]);
            if (_models[modelId].visibility != 0) revert BatchVisibilityNotSupported(modelId);
            uint256 digest = _circuitDigests[modelId];
            if (digest == 0) revert NoCircuitDigest(modelId);
            values = abi.encodePacked(values, _memberValues(digest, instances));
        }
        return _callVerifier(
            aggregationVerifier, abi.encodePacked(proof[:ACCUMULATOR_BYTES], values, proof[ACCUMULATOR_BYTES:])
        );
    }

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
    ///      side none) and encodes the public instances.
    function _checkedInstances(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs)
        private
        view
        returns (address verifier, uint256[] memory instances)
    {
        StoredModel storage info = _models[modelId];
        verifier = info.verifier;
        if (verifier == address(0)) revert UnknownModel(modelId);
        uint8 visibility = info.visibility;
        uint256 expected = InstanceEncoding.sideLength(visibility & 3, info.inputCount);
        if (inputs.length != expected) revert InputLengthMismatch(modelId, expected, inputs.length);
        expected = InstanceEncoding.sideLength((visibility >> 2) & 3, info.outputCount);
        if (outputs.length != expected) revert OutputLengthMismatch(modelId, expected, outputs.length);
        if (visibility == 0) return (verifier, InstanceEncoding.encode(modelId, inputs, outputs));
        instances = _encodeWithVisibility(modelId, inputs, outputs, visibility);
    }

    /// @dev `InstanceEncoding.encodeWithVisibility` with the model's recorded weights hash.
    function _encodeWithVisibility(
        bytes32 modelId,
        int256[] calldata inputs,
        int256[] calldata outputs,
        uint8 visibility
    ) private view returns (uint256[] memory) {
        uint256 weightsHash = _weightsHashes[modelId];
        return InstanceEncoding.encodeWithVisibility(modelId, inputs, outputs, visibility, weightsHash);
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
