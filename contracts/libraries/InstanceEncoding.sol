// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IModelRegistryErrors} from "../interfaces/IModelRegistry.sol";

/// @title InstanceEncoding
/// @notice Turns a model id and signed fixed-point inputs/outputs into the public instances
///         (BN254 scalar field elements) that a zkinfer verifier checks the proof against.
/// @dev This layout is a contract with the Rust prover and must change on both sides at once:
///
///      instances = [modelIdHi, modelIdLo, inputWords..., outputWords...]
///
///      - `modelIdHi = uint256(modelId) >> 128`, `modelIdLo = uint256(modelId) & (2**128 - 1)`:
///        a bytes32 does not fit in the ~254-bit field, two 128-bit halves always do.
///      - Values are packed `LANES_PER_WORD` (7) per word in `VALUE_BITS` (32) bit lanes, so a
///        word holds at most 224 bits and stays below the field modulus. Fewer words means less
///        calldata and fewer public-input multiplications in the verifier.
///      - A value `v` must satisfy `MIN_VALUE <= v <= MAX_VALUE`; its lane is `v + LANE_OFFSET`
///        (so `0 <= lane < 2**32`), and lane `j` of word `w` holds value `7 * w + j` at bit
///        offset `32 * j`. Lanes past the end of a list are zero (not offset).
///      - Inputs take `ceil(inputCount / 7)` words, then outputs `ceil(outputCount / 7)` words;
///        an input and an output never share a word.
///      - The verifier receives each word as a 32-byte big-endian uint256, concatenated, then
///        the raw proof bytes.
///
///      With visibilities (`encodeWithVisibility`), a hashed side is its hash (one field
///      element, passed as the side's only value) in place of its words, a private side has no
///      words, and hashed weights append their hash:
///
///      instances = [modelIdHi, modelIdLo, inputPart..., outputPart..., weightsHash?]
library InstanceEncoding {
    /// @notice Visibility code: the values are packed into the instances.
    uint8 internal constant PUBLIC = 0;

    /// @notice Visibility code: nothing is exposed (for weights: witnessed, bound by nothing).
    uint8 internal constant PRIVATE = 1;

    /// @notice Visibility code: one Poseidon hash is exposed.
    uint8 internal constant HASHED = 2;

    /// @notice The BN254 scalar field modulus: every instance is below it.
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Width in bits of one packed value lane.
    uint256 internal constant VALUE_BITS = 32;

    /// @notice How many value lanes share one public-instance word.
    uint256 internal constant LANES_PER_WORD = 7;

    /// @notice Added to each value so that its lane is non-negative.
    int256 internal constant LANE_OFFSET = int256(1) << (VALUE_BITS - 1);

    /// @notice The smallest value a lane can carry (-2**31).
    int256 internal constant MIN_VALUE = -LANE_OFFSET;

    /// @notice The largest value a lane can carry (2**31 - 1).
    int256 internal constant MAX_VALUE = LANE_OFFSET - 1;

    /// @notice Number of words the model id occupies at the start of the instances.
    uint256 internal constant MODEL_ID_WORDS = 2;

    uint256 private constant LOW_128_BITS = (uint256(1) << 128) - 1;

    /// @notice Number of words needed to pack `valueCount` values.
    function wordCount(uint256 valueCount) internal pure returns (uint256) {
        return (valueCount + LANES_PER_WORD - 1) / LANES_PER_WORD;
    }

    /// @notice Total number of public instances for a model with these input/output counts.
    function instanceCount(uint256 inputCount, uint256 outputCount) internal pure returns (uint256) {
        return MODEL_ID_WORDS + wordCount(inputCount) + wordCount(outputCount);
    }

    /// @notice Encodes a model id and its inputs and outputs as public instances.
    /// @dev Reverts with `ValueOutOfRange(index, value)` for a value outside
    ///      `[MIN_VALUE, MAX_VALUE]`; `index` counts inputs first, then outputs
    ///      (output `k` has index `inputs.length + k`).
    function encode(bytes32 modelId, int256[] calldata inputs, int256[] calldata outputs)
        internal
        pure
        returns (uint256[] memory instances)
    {
        uint256 inputWords = wordCount(inputs.length);
        instances = new uint256[](MODEL_ID_WORDS + inputWords + wordCount(outputs.length));
        instances[0] = uint256(modelId) >> 128;
        instances[1] = uint256(modelId) & LOW_128_BITS;
        _packInto(instances, MODEL_ID_WORDS, inputs, 0);
        _packInto(instances, MODEL_ID_WORDS + inputWords, outputs, inputs.length);
    }

    /// @notice Number of values a side takes in `verifyInference` under a visibility: its
    ///         count when public, 1 (the hash) when hashed, 0 when private.
    function sideLength(uint8 visibility, uint256 valueCount) internal pure returns (uint256) {
        if (visibility == PUBLIC) return valueCount;
        return visibility == HASHED ? 1 : 0;
    }

    /// @notice Encodes a model id, its inputs and outputs under their visibilities, and the
    ///         weights hash when the weights are hashed, as public instances.
    /// @dev `visibility = inputs | outputs << 2 | weights << 4` (codes PUBLIC, PRIVATE,
    ///      HASHED). The caller checks the lengths (`sideLength`). Public values revert as in
    ///      `encode`; a hash outside `[0, FIELD_MODULUS)` reverts `HashOutOfField(index, value)`.
    function encodeWithVisibility(
        bytes32 modelId,
        int256[] calldata inputs,
        int256[] calldata outputs,
        uint8 visibility,
        uint256 weightsHash
    ) internal pure returns (uint256[] memory instances) {
        // Scoped so that the stack holds few locals at once.
        {
            uint256 weightWords = visibility >> 4 == HASHED ? 1 : 0;
            uint256 total = MODEL_ID_WORDS + _words(visibility & 3, inputs.length)
                + _words((visibility >> 2) & 3, outputs.length) + weightWords;
            instances = new uint256[](total);
            if (weightWords != 0) instances[total - 1] = weightsHash;
        }
        instances[0] = uint256(modelId) >> 128;
        instances[1] = uint256(modelId) & LOW_128_BITS;
        _sideInto(instances, MODEL_ID_WORDS, inputs, visibility & 3, 0);
        uint256 outputWord = MODEL_ID_WORDS + _words(visibility & 3, inputs.length);
        _sideInto(instances, outputWord, outputs, (visibility >> 2) & 3, inputs.length);
    }

    /// @dev Words a side of `length` values takes: packed when public, one per hash otherwise.
    function _words(uint8 visibility, uint256 length) private pure returns (uint256) {
        return visibility == PUBLIC ? wordCount(length) : length;
    }

    /// @dev One side at `firstWord`: packed values (public) or the hashes as they are (hashed).
    function _sideInto(
        uint256[] memory instances,
        uint256 firstWord,
        int256[] calldata values,
        uint8 visibility,
        uint256 firstIndex
    ) private pure {
        if (visibility == PUBLIC) return _packInto(instances, firstWord, values, firstIndex);
        for (uint256 i = 0; i < values.length; ++i) {
            int256 h = values[i];
            if (h < 0) revert IModelRegistryErrors.HashOutOfField(firstIndex + i, h);
            // casting to 'uint256' is safe because h is not negative
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 word = uint256(h);
            if (word >= FIELD_MODULUS) revert IModelRegistryErrors.HashOutOfField(firstIndex + i, h);
            instances[firstWord + i] = word;
        }
    }

    /// @dev Writes the packed words of `values` into `instances` starting at `firstWord`.
    ///      `firstIndex` only labels errors, see `encode`. The words of `instances` it writes
    ///      must be zero and exist (`encode` allocates them). Yul, seven values (one word) per
    ///      iteration without branches: a lane is `value + 2**31`, in `[0, 2**32)` exactly when
    ///      the value is in range (any other value, negative ones included, wraps to 2**32 or
    ///      more), so the OR of all lanes is below 2**32 exactly when every value is; only then
    ///      are the words used. A `publicInputs` call with 794 values costs 138,723 gas this
    ///      way, 215,395 with the earlier loop that branched on each value (InstanceEncoding.t.sol).
    function _packInto(uint256[] memory instances, uint256 firstWord, int256[] calldata values, uint256 firstIndex)
        private
        pure
    {
        uint256 lanes;
        assembly ("memory-safe") {
            let ptr := add(add(instances, 0x20), shl(5, firstWord))
            let p := values.offset
            let end := add(p, shl(5, values.length))
            let offset := 0x80000000
            // Whole words: seven values left at least.
            for {} iszero(gt(add(p, 0xe0), end)) { p := add(p, 0xe0) } {
                let lane := add(calldataload(p), offset)
                let word := lane
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0x20)), offset)
                word := or(word, shl(32, lane))
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0x40)), offset)
                word := or(word, shl(64, lane))
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0x60)), offset)
                word := or(word, shl(96, lane))
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0x80)), offset)
                word := or(word, shl(128, lane))
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0xa0)), offset)
                word := or(word, shl(160, lane))
                lanes := or(lanes, lane)
                lane := add(calldataload(add(p, 0xc0)), offset)
                mstore(ptr, or(word, shl(192, lane)))
                lanes := or(lanes, lane)
                ptr := add(ptr, 0x20)
            }
            // The last, partial word.
            if lt(p, end) {
                let word := 0
                for { let shift := 0 } lt(p, end) {
                    p := add(p, 0x20)
                    shift := add(shift, 32)
                } {
                    let lane := add(calldataload(p), offset)
                    word := or(word, shl(shift, lane))
                    lanes := or(lanes, lane)
                }
                mstore(ptr, word)
            }
        }
        if (lanes > 0xffffffff) _revertOutOfRange(values, firstIndex);
    }

    /// @dev Reverts with `ValueOutOfRange` for the first value of `values` out of range (the
    ///      failure path of `_packInto`, so it may be slow).
    function _revertOutOfRange(int256[] calldata values, uint256 firstIndex) private pure {
        for (uint256 i = 0; i < values.length; ++i) {
            int256 v = values[i];
            if (v < MIN_VALUE || v > MAX_VALUE) revert IModelRegistryErrors.ValueOutOfRange(firstIndex + i, v);
        }
    }
}
