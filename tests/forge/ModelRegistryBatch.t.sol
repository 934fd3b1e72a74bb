// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";

/// @notice `verifyInferenceBatch`, circuit digests and aggregation-verifier registration,
///         against a double that accepts exactly one calldata: the accumulator, then per
///         member digest and hand-computed instances, then the proof. The real aggregated
///         proof is checked on anvil (tests/aggregation.rs).
contract ModelRegistryBatchTest is Test {
    bytes32 internal constant MODEL_A = bytes32(uint256(0xA) << 128 | 0x1);
    bytes32 internal constant MODEL_B = bytes32(uint256(0xB) << 128 | 0x2);
    uint256 internal constant DIGEST_A = 0xd1;
    uint256 internal constant DIGEST_B = 0xd2;
    address internal constant REGISTRANT = address(0xA11CE);
    bytes internal constant TAIL = hex"deadbeef0011";

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal aggregator;
    CalldataAllowlistVerifierDouble internal single;

    function setUp() public {
        registry = new ModelRegistry();
        aggregator = new CalldataAllowlistVerifierDouble();
        single = new CalldataAllowlistVerifierDouble();
        vm.startPrank(REGISTRANT);
        registry.registerModel(MODEL_A, address(single), 1, 1, 8, 16);
        registry.registerModel(MODEL_B, address(single), 1, 1, 8, 16);
        registry.registerCircuitDigest(MODEL_A, DIGEST_A);
        registry.registerCircuitDigest(MODEL_B, DIGEST_B);
        vm.stopPrank();
        registry.registerAggregationVerifier(address(aggregator), 2);
        aggregator.accept(keccak256(expectedCalldata()));
    }

    function accumulator() internal pure returns (bytes memory acc) {
        for (uint256 i = 0; i < 12; ++i) {
            acc = abi.encodePacked(acc, uint256(i + 1));
        }
    }

    function expectedCalldata() internal pure returns (bytes memory) {
        // lane = v + 2**31: A has input 5 and output -3, B input -1 and output 7. No model id
        // words: the digest stands for the model's circuit, id included.
        bytes memory a = abi.encodePacked(DIGEST_A, uint256(0x80000005), uint256(0x7ffffffd));
        bytes memory b = abi.encodePacked(DIGEST_B, uint256(0x7fffffff), uint256(0x80000007));
        return abi.encodePacked(accumulator(), a, b, TAIL);
    }

    function batch()
        internal
        pure
        returns (bytes32[] memory ids, int256[][] memory inputs, int256[][] memory outputs, bytes memory proof)
    {
        ids = new bytes32[](2);
        ids[0] = MODEL_A;
        ids[1] = MODEL_B;
        inputs = new int256[][](2);
        outputs = new int256[][](2);
        inputs[0] = new int256[](1);
        inputs[1] = new int256[](1);
        outputs[0] = new int256[](1);
        outputs[1] = new int256[](1);
        inputs[0][0] = 5;
        outputs[0][0] = -3;
        inputs[1][0] = -1;
        outputs[1][0] = 7;
        proof = abi.encodePacked(accumulator(), TAIL);
    }

    function test_Batch_AcceptsExactMembers() public view {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        assertTrue(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "batch");
    }

    function test_Batch_RejectsTamperedProofInputOutputAndOrder() public view {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        proof[proof.length - 1] ^= 0x01;
        assertFalse(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "tampered proof");
        proof[proof.length - 1] ^= 0x01;
        proof[0] ^= 0x01;
        assertFalse(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "tampered accumulator");
        proof[0] ^= 0x01;
        x[1][0] = 0;
        assertFalse(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "changed input");
        x[1][0] = -1;
        y[0][0] = -2;
        assertFalse(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "changed output");
        y[0][0] = -3;
        (ids[0], ids[1]) = (ids[1], ids[0]);
        assertFalse(registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof), "swapped members");
    }

    function test_RevertWhen_MemberModelUnknownOrWithoutDigest() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        ids[1] = bytes32(uint256(0xC));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, ids[1]));
        registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof);
        registry.registerModel(ids[1], address(single), 1, 1, 8, 16);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NoCircuitDigest.selector, ids[1]));
        registry.verifyInferenceBatch(address(aggregator), ids, x, y, proof);
    }

    function test_RevertWhen_VerifierOrShapeWrong() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.UnknownAggregationVerifier.selector, address(single))
        );
        registry.verifyInferenceBatch(address(single), ids, x, y, proof);
        bytes32[] memory one = new bytes32[](1);
        one[0] = MODEL_A;
        vm.expectRevert(IModelRegistryErrors.BatchArityMismatch.selector);
        registry.verifyInferenceBatch(address(aggregator), one, x, y, proof);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.BatchProofTooShort.selector, 4));
        registry.verifyInferenceBatch(address(aggregator), ids, x, y, hex"00112233");
    }

    function test_RevertWhen_DigestOrVerifierRegisteredTwiceOrByOthers() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.CircuitDigestAlreadySet.selector, MODEL_A));
        vm.prank(REGISTRANT);
        registry.registerCircuitDigest(MODEL_A, 0xd3);
        registry.registerModel(bytes32(uint256(0xE)), address(single), 1, 1, 8, 16);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.NotRegistrant.selector, bytes32(uint256(0xE)), REGISTRANT)
        );
        vm.prank(REGISTRANT);
        registry.registerCircuitDigest(bytes32(uint256(0xE)), 0xd3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.AggregationVerifierAlreadyRegistered.selector, address(aggregator)
            )
        );
        registry.registerAggregationVerifier(address(aggregator), 3);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, REGISTRANT));
        registry.registerAggregationVerifier(REGISTRANT, 2);
        assertEq(registry.getAggregationVerifier(address(aggregator)).memberCount, 2, "member count");
        assertEq(registry.circuitDigest(MODEL_B), DIGEST_B, "digest");
    }
}
