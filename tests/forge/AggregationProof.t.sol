// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";
import {Registrations} from "./utils/Registrations.sol";
import {KeyFixture, ProofFixtures} from "./utils/ProofFixtures.sol";
import {ZkinferVerifier} from "../../contracts/verifier/ZkinferVerifier.sol";

/// @notice End to end: a real aggregation proof (two demo-model inferences, k=20, dev SRS)
///         checked through `verifyInferenceBatch`, and every tampered case refused. The cases
///         run twice: with the verifier snark-verifier generated for the aggregation circuit
///         (`AggregationProofTest`) and with the universal `ZkinferVerifier` reading the root's
///         key (`UniversalAggregationProofTest`).
/// @dev Inputs, produced by the Rust toolchain (scripts/regen-fixtures.sh):
///      - `fixtures/aggregation/batch.json` (format zkinfer.aggregation.v1): members (modelId,
///        inputs, outputs, inputScale, outputScale, circuitDigest), instances (the 12
///        accumulator words, then per member its digest and instance words), proof (hex);
///      - `contracts/generated/AggregationVerifier.sol`, contract `AggregationVerifier`;
///      - `fixtures/aggregation/universal-key.json`: the root's key (creation code) and the SRS's
///        G2 points for `ZkinferVerifier`;
///      - `contracts/generated/RiskMlpVerifier.sol`: the members' model needs a registered
///        single-proof verifier (any contract with code would do; this one is the real one),
///        and `fixtures/risk_mlp/proof.json` gives its proof length.
///      The fixture's `modelId` is the circuit's model commitment; the registry derives the ids.
///      Verifiers are deployed from their artifacts (see RiskMlpProof.t.sol for why). The cargo
///      test `aggregation_fixture_and_verifier_match_the_current_circuit` fails while the
///      fixture or the verifier no longer match the circuits.
abstract contract AggregationProofCases is Test {
    string internal constant FIXTURE = "/fixtures/aggregation/batch.json";
    string internal constant AGGREGATION_ARTIFACT = "AggregationVerifier.sol:AggregationVerifier";
    string internal constant MODEL_ARTIFACT = "RiskMlpVerifier.sol:RiskMlpVerifier";
    uint256 internal constant ACCUMULATOR_WORDS = 12;

    ModelRegistry internal registry;
    /// @dev The contract that checks the proof, and the address the registry records for the
    ///      members' configuration (the same, or the universal verifier's key).
    address internal aggregationVerifier;
    address internal registeredAggregator;
    address internal modelVerifier;
    uint256 internal singleProofLength;

    bytes32[] internal modelIds;
    int256[][] internal inputs;
    int256[][] internal outputs;
    /// @dev The registry's `proof` argument: accumulator words, then the proof bytes.
    bytes internal batchProof;

    function setUp() public {
        string memory path = string.concat(vm.projectRoot(), FIXTURE);
        require(vm.exists(path), "fixtures/aggregation/batch.json is missing: run scripts/regen-fixtures.sh");
        string memory json = vm.readFile(path);
        uint256[] memory instances = vm.parseJsonUintArray(json, ".instances");
        bytes memory accumulator;
        for (uint256 i = 0; i < ACCUMULATOR_WORDS; ++i) {
            accumulator = abi.encodePacked(accumulator, instances[i]);
        }
        batchProof = bytes.concat(accumulator, vm.parseJsonBytes(json, ".proof"));

        singleProofLength =
        vm.parseJsonBytes(vm.readFile(string.concat(vm.projectRoot(), "/fixtures/risk_mlp/proof.json")), ".proof")
        .length;

        registry = new ModelRegistry();
        modelVerifier = deployArtifact(MODEL_ARTIFACT);
        uint256[] memory digests = new uint256[](2);
        for (uint256 i = 0; i < 2; ++i) {
            string memory member = string.concat(".members[", vm.toString(i), "]");
            inputs.push(vm.parseJsonIntArray(json, string.concat(member, ".inputs")));
            outputs.push(vm.parseJsonIntArray(json, string.concat(member, ".outputs")));
            IModelRegistry.ModelRegistration memory r = Registrations.plain(
                vm.parseJsonBytes32(json, string.concat(member, ".modelId")),
                modelVerifier,
                inputs[i].length,
                outputs[i].length,
                uint8(vm.parseJsonUint(json, string.concat(member, ".inputScale"))),
                uint8(vm.parseJsonUint(json, string.concat(member, ".outputScale"))),
                singleProofLength
            );
            r.circuitDigest = vm.parseJsonUint(json, string.concat(member, ".circuitDigest"));
            digests[i] = r.circuitDigest;
            bytes32 id = registry.computeModelId(r);
            // Both members prove the same model: register it once.
            if (!registry.isRegistered(id)) registry.registerModel(r);
            modelIds.push(id);
        }
        (aggregationVerifier, registeredAggregator) = registerAggregator(digests, uint32(batchProof.length));
    }

    /// @dev Deploys the verifier under test and registers it for `digests`: returns the contract
    ///      that checks the proof and the address the registry records.
    function registerAggregator(uint256[] memory digests, uint32 proofLength)
        internal
        virtual
        returns (address verifying, address registered);

    // ---------------------------------------------------------------- helpers

    function verify(bytes32[] memory ids, int256[][] memory ins, int256[][] memory outs, bytes memory proof)
        internal
        view
        returns (bool)
    {
        return registry.verifyInferenceBatch(ids, ins, outs, proof);
    }

    /// @dev A different in-range value: +1, or -1 at the top of the lane range.
    function nudged(int256 value) internal pure returns (int256) {
        return value == 2 ** 31 - 1 ? value - 1 : value + 1;
    }

    /// @dev A deep copy, so that a tampered case never changes the stored batch.
    function copy(int256[][] storage values) internal view returns (int256[][] memory out) {
        out = new int256[][](values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            out[i] = values[i];
        }
    }

    // ---------------------------------------------------------------- tests

    /// @dev forge's test EVM does not enforce EIP-170, so check the mainnet limit here.
    function test_AggregationVerifierHasCodeWithinSizeLimit() public view {
        assertTrue(aggregationVerifier.code.length > 0, "verifier has no code: every call would succeed");
        assertTrue(aggregationVerifier.code.length <= 24_576, "verifier exceeds the EIP-170 code size limit");
    }

    function test_RealBatchVerifiesThroughRegistry() public {
        (bytes32[] memory ids, int256[][] memory ins, int256[][] memory outs, bytes memory proof) =
            (modelIds, copy(inputs), copy(outputs), batchProof);
        uint256 before = gasleft();
        bool ok = verify(ids, ins, outs, proof);
        emit log_named_uint("verifyInferenceBatch gas, real batch of 2", before - gasleft());
        emit log_named_uint("proof bytes (with accumulator)", proof.length);
        assertTrue(ok, "genuine batch rejected");
    }

    function test_FlippedProofByteFails() public view {
        uint256 start = ACCUMULATOR_WORDS * 32;
        uint256[3] memory positions = [start, start + (batchProof.length - start) / 2, batchProof.length - 1];
        for (uint256 i = 0; i < positions.length; ++i) {
            bytes memory tampered = bytes.concat(batchProof);
            tampered[positions[i]] ^= 0x01;
            assertFalse(verify(modelIds, copy(inputs), copy(outputs), tampered), "tampered proof accepted");
        }
    }

    function test_FlippedAccumulatorByteFails() public view {
        for (uint256 word = 0; word < ACCUMULATOR_WORDS; word += 5) {
            bytes memory tampered = bytes.concat(batchProof);
            tampered[word * 32 + 31] ^= 0x01;
            assertFalse(verify(modelIds, copy(inputs), copy(outputs), tampered), "tampered accumulator accepted");
        }
    }

    function test_ChangedMemberInputFails() public view {
        for (uint256 m = 0; m < 2; ++m) {
            int256[][] memory changed = copy(inputs);
            changed[m][0] = nudged(changed[m][0]);
            assertFalse(verify(modelIds, changed, copy(outputs), batchProof), "changed member input accepted");
        }
    }

    function test_ChangedMemberOutputFails() public view {
        for (uint256 m = 0; m < 2; ++m) {
            int256[][] memory changed = copy(outputs);
            uint256 last = changed[m].length - 1;
            changed[m][last] = nudged(changed[m][last]);
            assertFalse(verify(modelIds, copy(inputs), changed, batchProof), "changed member output accepted");
        }
    }

    function test_SwappedMembersFail() public view {
        (int256[][] memory ins, int256[][] memory outs) = (copy(inputs), copy(outputs));
        (ins[0], ins[1]) = (ins[1], ins[0]);
        (outs[0], outs[1]) = (outs[1], outs[0]);
        assertFalse(verify(modelIds, ins, outs, batchProof), "members in swapped order accepted");
    }

    function test_UnregisteredMemberModelReverts() public {
        bytes32[] memory ids = modelIds;
        ids[1] = keccak256(abi.encode(ids[1]));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, ids[1]));
        registry.verifyInferenceBatch(ids, copy(inputs), copy(outputs), batchProof);
    }

    /// @dev Another registered model, with its own circuit, in a member's place: the members'
    ///      configuration (their digests) then has no aggregation verifier.
    function test_MemberUnderAnotherModelReverts() public {
        bytes32 otherId = registerOther(registry.circuitDigest(modelIds[0]) + 1);
        bytes32[] memory ids = modelIds;
        ids[0] = otherId;
        uint256 digest = registry.circuitDigest(modelIds[0]);
        bytes32 key = keccak256(abi.encodePacked(digest + 1, digest));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NoAggregationVerifier.selector, key));
        registry.verifyInferenceBatch(ids, copy(inputs), copy(outputs), batchProof);
    }

    /// @dev The trust model, pinned: a registrant vouches for its model's circuit digest as it
    ///      vouches for its single-proof verifier. Registering an existing circuit's digest
    ///      under one's own commitment gives another id, for which that circuit's proofs then
    ///      count (and changes nothing for the original model). Auditors recompute a model's
    ///      digest from its file.
    function test_DigestRegisteredUnderAnotherIdVouchesForThatId() public {
        bytes32 otherId = registerOther(registry.circuitDigest(modelIds[0]));
        bytes32[] memory ids = modelIds;
        ids[0] = otherId;
        assertTrue(verify(ids, copy(inputs), copy(outputs), batchProof), "the registrant's own digest");
        assertTrue(verify(modelIds, copy(inputs), copy(outputs), batchProof), "the original model");
    }

    function registerOther(uint256 digest) internal returns (bytes32) {
        IModelRegistry.ModelRegistration memory r = Registrations.plain(
            keccak256(abi.encode(modelIds[0])),
            modelVerifier,
            inputs[0].length,
            outputs[0].length,
            8,
            8,
            singleProofLength
        );
        r.circuitDigest = digest;
        return registry.registerModel(r);
    }

    /// @dev Issue 13, attack 6 for batches: trailing bytes and a truncated proof are refused.
    function test_TrailingOrMissingBatchProofBytesRevert() public {
        bytes memory longer = bytes.concat(batchProof, hex"00");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.ProofLengthMismatch.selector, batchProof.length, batchProof.length + 1
            )
        );
        registry.verifyInferenceBatch(modelIds, copy(inputs), copy(outputs), longer);
        bytes memory shorter = new bytes(batchProof.length - 1);
        for (uint256 i = 0; i < shorter.length; ++i) {
            shorter[i] = batchProof[i];
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.ProofLengthMismatch.selector, batchProof.length, batchProof.length - 1
            )
        );
        registry.verifyInferenceBatch(modelIds, copy(inputs), copy(outputs), shorter);
    }

    /// @dev Issue 13, attack 2: nobody but the owner registers an aggregation verifier, and the
    ///      caller cannot name one: the batch is checked by the registered one only.
    function test_AttackerCannotRegisterOrNameAnAggregator() public {
        address other = deployArtifact(AGGREGATION_ARTIFACT);
        uint256[] memory digests = new uint256[](2);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, address(0xBAD)));
        registry.registerAggregationVerifier(other, digests, uint32(batchProof.length));
        (digests[0], digests[1]) = (registry.circuitDigest(modelIds[0]), registry.circuitDigest(modelIds[1]));
        IModelRegistry.AggregationVerifierInfo memory info =
            registry.getAggregationVerifier(registry.batchConfigKey(digests));
        assertEq(info.verifier, registeredAggregator, "the registered aggregator");
        assertEq(info.verifierCodeHash, registeredAggregator.codehash, "its code hash");
    }
}

/// @notice The cases with snark-verifier's generated aggregation verifier.
contract AggregationProofTest is AggregationProofCases {
    function registerAggregator(uint256[] memory digests, uint32 proofLength)
        internal
        override
        returns (address verifying, address registered)
    {
        verifying = deployArtifact(AGGREGATION_ARTIFACT);
        registry.registerAggregationVerifier(verifying, digests, proofLength);
        registered = verifying;
    }
}

/// @notice The cases with the universal verifier (version 1 of the registry) and the root's key
///         (`registerAggregationKey`): the key tells the verifier where the accumulator is, and
///         the verifier folds it into the proof's own pairing.
contract UniversalAggregationProofTest is AggregationProofCases {
    string internal constant KEY_FIXTURE = "/fixtures/aggregation/universal-key.json";

    function registerAggregator(uint256[] memory digests, uint32 proofLength)
        internal
        override
        returns (address verifying, address registered)
    {
        KeyFixture memory k = ProofFixtures.readKey(KEY_FIXTURE);
        verifying = address(new ZkinferVerifier(k.g2, k.sG2));
        uint16 version = registry.registerVerifier(verifying);
        registered = ProofFixtures.deploy(k.creation);
        registry.registerAggregationKey(registered, version, digests, proofLength);
    }

    /// @dev Issue 13, attack 2, for keys: only the owner registers one, even naming a version.
    function test_AttackerCannotRegisterAKey() public {
        uint256[] memory digests = new uint256[](2);
        (digests[0], digests[1]) = (7, 8);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, address(0xBAD)));
        registry.registerAggregationKey(registeredAggregator, 1, digests, uint32(batchProof.length));
    }

    function test_KeyIsRecordedWithItsVersion() public view {
        uint256[] memory digests = new uint256[](2);
        (digests[0], digests[1]) = (registry.circuitDigest(modelIds[0]), registry.circuitDigest(modelIds[1]));
        IModelRegistry.AggregationVerifierInfo memory info =
            registry.getAggregationVerifier(registry.batchConfigKey(digests));
        assertEq(uint256(info.verifierVersion), 1, "the universal version");
        assertEq(registry.getVerifier(1).verifier, aggregationVerifier, "the verifier behind it");
    }

    /// @dev Any one flipped bit of the registry's proof argument (accumulator words included)
    ///      is refused: reverts of the verifier (a limb out of range, a point off the curve)
    ///      count as a refusal.
    function test_FlippedProofBytesFuzzed(uint256 at) public view {
        bytes memory tampered = bytes.concat(batchProof);
        at = bound(at, 0, tampered.length - 1);
        tampered[at] ^= 0x01;
        assertFalse(verify(modelIds, copy(inputs), copy(outputs), tampered), "tampered proof accepted");
    }
}
