// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {Registrations} from "./utils/Registrations.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";

/// @notice `verifyInferenceBatch`, circuit digests and aggregation-verifier registration,
///         against a double that accepts exactly one calldata: the accumulator, then per
///         member digest and hand-computed instances, then the proof. The real aggregated
///         proof is checked in AggregationProof.t.sol and on anvil (tests/aggregation.rs).
contract ModelRegistryBatchTest is Test {
    bytes32 internal constant COMMITMENT_A = bytes32(uint256(0xA) << 128 | 0x1);
    bytes32 internal constant COMMITMENT_B = bytes32(uint256(0xB) << 128 | 0x2);
    uint256 internal constant DIGEST_A = 0xd1;
    uint256 internal constant DIGEST_B = 0xd2;
    address internal constant REGISTRANT = address(0xA11CE);
    bytes internal constant TAIL = hex"deadbeef0011";
    uint256 internal constant BATCH_PROOF_LENGTH = 12 * 32 + 6;

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal aggregator;
    CalldataAllowlistVerifierDouble internal single;
    bytes32 internal modelA;
    bytes32 internal modelB;
    bytes32 internal configKey;

    function member(bytes32 commitment, uint256 digest)
        internal
        view
        returns (IModelRegistry.ModelRegistration memory r)
    {
        r = Registrations.plain(commitment, address(single), 1, 1, 8, 16, 1376);
        r.circuitDigest = digest;
    }

    function digestsOf(uint256 a, uint256 b) internal pure returns (uint256[] memory d) {
        d = new uint256[](2);
        (d[0], d[1]) = (a, b);
    }

    function setUp() public {
        registry = new ModelRegistry();
        aggregator = new CalldataAllowlistVerifierDouble();
        single = new CalldataAllowlistVerifierDouble();
        vm.startPrank(REGISTRANT);
        modelA = registry.registerModel(member(COMMITMENT_A, DIGEST_A));
        modelB = registry.registerModel(member(COMMITMENT_B, DIGEST_B));
        vm.stopPrank();
        configKey = registry.registerAggregationVerifier(
            address(aggregator), digestsOf(DIGEST_A, DIGEST_B), uint32(BATCH_PROOF_LENGTH)
        );
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
        view
        returns (bytes32[] memory ids, int256[][] memory inputs, int256[][] memory outputs, bytes memory proof)
    {
        ids = new bytes32[](2);
        ids[0] = modelA;
        ids[1] = modelB;
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
        assertTrue(registry.verifyInferenceBatch(ids, x, y, proof), "batch");
        assertEq(configKey, registry.batchConfigKey(digestsOf(DIGEST_A, DIGEST_B)), "config key");
        assertEq(configKey, keccak256(abi.encodePacked(DIGEST_A, DIGEST_B)), "key derivation");
    }

    function test_Batch_RejectsTamperedProofInputOutput() public view {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        proof[proof.length - 1] ^= 0x01;
        assertFalse(registry.verifyInferenceBatch(ids, x, y, proof), "tampered proof");
        proof[proof.length - 1] ^= 0x01;
        proof[0] ^= 0x01;
        assertFalse(registry.verifyInferenceBatch(ids, x, y, proof), "tampered accumulator");
        proof[0] ^= 0x01;
        x[1][0] = 0;
        assertFalse(registry.verifyInferenceBatch(ids, x, y, proof), "changed input");
        x[1][0] = -1;
        y[0][0] = -2;
        assertFalse(registry.verifyInferenceBatch(ids, x, y, proof), "changed output");
    }

    /// @dev Swapped members have another configuration (digests B, A): no verifier for it.
    function test_RevertWhen_MembersSwapped() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        (ids[0], ids[1]) = (ids[1], ids[0]);
        bytes32 key = keccak256(abi.encodePacked(DIGEST_B, DIGEST_A));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NoAggregationVerifier.selector, key));
        registry.verifyInferenceBatch(ids, x, y, proof);
    }

    function test_RevertWhen_MemberModelUnknownOrWithoutDigest() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        ids[1] = bytes32(uint256(0xC));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, ids[1]));
        registry.verifyInferenceBatch(ids, x, y, proof);
        ids[1] = registry.registerModel(member(COMMITMENT_B, 0));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NoCircuitDigest.selector, ids[1]));
        registry.verifyInferenceBatch(ids, x, y, proof);
    }

    /// @dev Issue 13, attack 2: an attacker's aggregation verifier (accept-all) cannot be
    ///      registered, nor named by the caller; a member registered with another digest
    ///      (another circuit, e.g. the attacker's) has no verifier.
    function test_RevertWhen_AttackerRegistersOrImpliesAnotherAggregator() public {
        AcceptAllAggregator acceptAll = new AcceptAllAggregator();
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, address(0xBAD)));
        registry.registerAggregationVerifier(address(acceptAll), digestsOf(DIGEST_A, 0xbad), uint32(BATCH_PROOF_LENGTH));

        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        vm.prank(address(0xBAD));
        ids[1] = registry.registerModel(member(COMMITMENT_B, 0xbad));
        bytes32 key = keccak256(abi.encodePacked(DIGEST_A, uint256(0xbad)));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NoAggregationVerifier.selector, key));
        registry.verifyInferenceBatch(ids, x, y, proof);
    }

    function test_RevertWhen_ArityOrProofLengthWrong() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        bytes32[] memory one = new bytes32[](1);
        one[0] = modelA;
        vm.expectRevert(IModelRegistryErrors.BatchArityMismatch.selector);
        registry.verifyInferenceBatch(one, x, y, proof);
        vm.expectRevert(IModelRegistryErrors.EmptyBatch.selector);
        registry.verifyInferenceBatch(new bytes32[](0), x, y, proof);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.ProofLengthMismatch.selector, BATCH_PROOF_LENGTH, 4)
        );
        registry.verifyInferenceBatch(ids, x, y, hex"00112233");
        bytes memory longer = abi.encodePacked(proof, uint8(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.ProofLengthMismatch.selector, BATCH_PROOF_LENGTH, BATCH_PROOF_LENGTH + 1
            )
        );
        registry.verifyInferenceBatch(ids, x, y, longer);
    }

    function test_RevertWhen_AggregatorCodeChanges() public {
        (bytes32[] memory ids, int256[][] memory x, int256[][] memory y, bytes memory proof) = batch();
        bytes32 registered = address(aggregator).codehash;
        vm.etch(address(aggregator), address(new AcceptAllAggregator()).code);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.VerifierCodeChanged.selector,
                address(aggregator),
                registered,
                address(aggregator).codehash
            )
        );
        registry.verifyInferenceBatch(ids, x, y, proof);
    }

    function test_AggregatorList_OwnerOnlyAppendOnlyAndFreezes() public {
        assertEq(registry.owner(), address(this), "owner is the deployer");
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.AggregationVerifierAlreadyRegistered.selector, configKey)
        );
        registry.registerAggregationVerifier(address(single), digestsOf(DIGEST_A, DIGEST_B), uint32(BATCH_PROOF_LENGTH));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, REGISTRANT));
        registry.registerAggregationVerifier(REGISTRANT, digestsOf(DIGEST_B, DIGEST_A), uint32(BATCH_PROOF_LENGTH));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidProofLength.selector, 12 * 32));
        registry.registerAggregationVerifier(address(aggregator), digestsOf(DIGEST_B, DIGEST_A), 12 * 32);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidCircuitDigest.selector, 0));
        registry.registerAggregationVerifier(address(aggregator), digestsOf(DIGEST_B, 0), uint32(BATCH_PROOF_LENGTH));
        vm.expectRevert(IModelRegistryErrors.EmptyBatch.selector);
        registry.registerAggregationVerifier(address(aggregator), new uint256[](0), uint32(BATCH_PROOF_LENGTH));
        // The same verifier under a second configuration.
        bytes32 second = registry.registerAggregationVerifier(
            address(aggregator), digestsOf(DIGEST_B, DIGEST_A), uint32(BATCH_PROOF_LENGTH)
        );
        bytes32[] memory keys = registry.aggregationConfigKeys();
        assertEq(keys.length, 2, "two entries");
        assertEq(keys[0], configKey, "first");
        assertEq(keys[1], second, "second");
        IModelRegistry.AggregationVerifierInfo memory info = registry.getAggregationVerifier(configKey);
        assertEq(info.verifier, address(aggregator), "verifier");
        assertEq(info.verifierCodeHash, address(aggregator).codehash, "code hash");
        assertEq(info.memberCount, 2, "member count");
        assertEq(info.proofLength, BATCH_PROOF_LENGTH, "proof length");

        vm.prank(REGISTRANT);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, REGISTRANT));
        registry.freezeAggregationVerifiers();
        registry.freezeAggregationVerifiers();
        assertTrue(registry.aggregationVerifiersFrozen(), "frozen");
        vm.expectRevert(IModelRegistryErrors.AggregationVerifiersAreFrozen.selector);
        registry.registerAggregationVerifier(
            address(aggregator), digestsOf(DIGEST_A, DIGEST_A), uint32(BATCH_PROOF_LENGTH)
        );
        vm.expectRevert(IModelRegistryErrors.AggregationVerifiersAreFrozen.selector);
        registry.freezeAggregationVerifiers();
        assertEq(registry.circuitDigest(modelB), DIGEST_B, "digest");
    }

    /// @notice Aggregation keys name a registered universal verifier version, are owner-only and
    ///         end with the same freeze (the real key and proof: tests/aggregation.rs on anvil).
    function test_AggregationKeys_NeedARegisteredVersionAndTheOwner() public {
        uint256[] memory digests = digestsOf(DIGEST_B, DIGEST_A);
        uint32 length = uint32(BATCH_PROOF_LENGTH);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownVerifierVersion.selector, 0));
        registry.registerAggregationKey(address(single), 0, digests, length);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownVerifierVersion.selector, 1));
        registry.registerAggregationKey(address(single), 1, digests, length);
        uint16 version = registry.registerVerifier(address(aggregator));
        vm.prank(REGISTRANT);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, REGISTRANT));
        registry.registerAggregationKey(address(single), version, digests, length);
        bytes32 key = registry.registerAggregationKey(address(single), version, digests, length);
        IModelRegistry.AggregationVerifierInfo memory info = registry.getAggregationVerifier(key);
        assertEq(info.verifier, address(single), "key contract");
        assertEq(uint256(info.verifierVersion), version, "version");
        assertEq(uint256(registry.getAggregationVerifier(configKey).verifierVersion), 0, "self-contained");
        registry.freezeAggregationVerifiers();
        vm.expectRevert(IModelRegistryErrors.AggregationVerifiersAreFrozen.selector);
        registry.registerAggregationKey(address(single), version, digestsOf(DIGEST_A, DIGEST_A), length);
    }
}

/// @notice An aggregation "verifier" that accepts everything: the attacker's contract.
contract AcceptAllAggregator {
    fallback() external {}
}
