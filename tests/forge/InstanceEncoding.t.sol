// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {Registrations} from "./utils/Registrations.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";

/// @notice Fuzzes the registry's public-instance encoding against an independent reference
///         written differently on purpose (sign-bit flip instead of offset addition,
///         multiplication instead of shifts, word-major instead of value-major loops).
contract InstanceEncodingTest is Test {
    int256 internal constant MIN_VALUE = -(2 ** 31);
    int256 internal constant MAX_VALUE = 2 ** 31 - 1;
    /// @dev Keeps fuzz runs fast while still covering several full and partial words.
    uint256 internal constant MAX_FUZZ_LENGTH = 40;

    ModelRegistry internal registry;
    address internal verifier;

    function setUp() public {
        registry = new ModelRegistry();
        verifier = address(new CalldataAllowlistVerifierDouble());
    }

    function testFuzz_PublicInputs_MatchReference(
        bytes32 modelId,
        int256[] memory rawInputs,
        int256[] memory rawOutputs
    ) public {
        vm.assume(modelId != bytes32(0));
        int256[] memory inputs = boundValues(rawInputs);
        int256[] memory outputs = boundValues(rawOutputs);
        bytes32 id =
            registry.registerModel(Registrations.plain(modelId, verifier, inputs.length, outputs.length, 0, 0, 1));

        uint256[] memory actual = registry.publicInputs(id, inputs, outputs);
        assertEq(actual, referenceInstances(modelId, inputs, outputs), "encoding differs from reference");
    }

    function testFuzz_RevertWhen_AnyValueOutOfRange(int256 value, uint256 position, bool inOutputs) public {
        vm.assume(value < MIN_VALUE || value > MAX_VALUE);
        uint32 inputCount = 8;
        uint32 outputCount = 3;
        bytes32 modelId = registry.registerModel(
            Registrations.plain(keccak256("out-of-range"), verifier, inputCount, outputCount, 0, 0, 1)
        );

        int256[] memory inputs = new int256[](inputCount);
        int256[] memory outputs = new int256[](outputCount);
        uint256 index;
        if (inOutputs) {
            position = bound(position, 0, outputCount - 1);
            outputs[position] = value;
            index = inputCount + position;
        } else {
            position = bound(position, 0, inputCount - 1);
            inputs[position] = value;
            index = position;
        }

        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, index, value));
        registry.verifyInference(modelId, inputs, outputs, hex"00");
    }

    /// @dev With several values out of range, the first (inputs before outputs) is named.
    function testFuzz_RevertNamesTheFirstValueOutOfRange(uint256 first, uint256 second, int256 value) public {
        vm.assume(value < MIN_VALUE || value > MAX_VALUE);
        uint32 count = 23;
        bytes32 modelId =
            registry.registerModel(Registrations.plain(keccak256("first-bad"), verifier, count, 1, 0, 0, 1));
        first = bound(first, 0, count - 1);
        second = bound(second, first, count - 1);
        int256[] memory inputs = new int256[](count);
        inputs[first] = value;
        inputs[second] = MIN_VALUE - 1;
        int256[] memory outputs = new int256[](1);
        outputs[0] = MAX_VALUE + 1;
        int256 named = first == second ? MIN_VALUE - 1 : value;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, first, named));
        registry.publicInputs(modelId, inputs, outputs);
    }

    /// @dev The encoding of an MNIST-sized input (784 values, extremes included) and 10 outputs:
    ///      matches the reference, and its gas is logged (`-vv`).
    function test_PublicInputs_784Values() public {
        int256[] memory inputs = new int256[](784);
        for (uint256 i = 0; i < inputs.length; ++i) {
            inputs[i] = i % 3 == 0 ? MIN_VALUE + int256(i) : MAX_VALUE - int256(i * 7919);
        }
        int256[] memory outputs = new int256[](10);
        outputs[9] = MIN_VALUE;
        bytes32 commitment = keccak256("mnist");
        bytes32 id = registry.registerModel(Registrations.plain(commitment, verifier, 784, 10, 0, 0, 1));
        uint256 before = gasleft();
        uint256[] memory actual = registry.publicInputs(id, inputs, outputs);
        emit log_named_uint("publicInputs gas, 794 values (call from a contract)", before - gasleft());
        assertEq(actual, referenceInstances(commitment, inputs, outputs), "encoding differs from reference");
    }

    // ---------------------------------------------------------------- reference

    function referenceInstances(bytes32 modelId, int256[] memory inputs, int256[] memory outputs)
        internal
        pure
        returns (uint256[] memory instances)
    {
        uint256[] memory inputWords = referenceWords(inputs);
        uint256[] memory outputWords = referenceWords(outputs);
        instances = new uint256[](2 + inputWords.length + outputWords.length);
        // Truncation is the point: the high and the low 16 bytes.
        // forge-lint: disable-next-line(unsafe-typecast)
        instances[0] = uint256(uint128(bytes16(modelId)));
        instances[1] = uint256(uint128(uint256(modelId)));
        for (uint256 w = 0; w < inputWords.length; ++w) {
            instances[2 + w] = inputWords[w];
        }
        for (uint256 w = 0; w < outputWords.length; ++w) {
            instances[2 + inputWords.length + w] = outputWords[w];
        }
    }

    function referenceWords(int256[] memory values) internal pure returns (uint256[] memory words) {
        uint256 count = values.length / 7;
        if (values.length % 7 != 0) count += 1;
        words = new uint256[](count);
        for (uint256 w = 0; w < count; ++w) {
            for (uint256 j = 0; j < 7 && 7 * w + j < values.length; ++j) {
                words[w] += referenceLane(values[7 * w + j]) * 2 ** (32 * j);
            }
        }
    }

    /// @dev Two's complement int32 with the sign bit flipped equals v + 2**31.
    ///      Callers pass values already bounded to the int32 range.
    function referenceLane(int256 value) internal pure returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(uint32(int32(value)) ^ 0x80000000);
    }

    // ---------------------------------------------------------------- helpers

    function boundValues(int256[] memory raw) internal pure returns (int256[] memory values) {
        uint256 length = raw.length < MAX_FUZZ_LENGTH ? raw.length : MAX_FUZZ_LENGTH;
        values = new int256[](length);
        for (uint256 i = 0; i < length; ++i) {
            values[i] = bound(raw[i], MIN_VALUE, MAX_VALUE);
        }
    }
}
