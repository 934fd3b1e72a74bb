// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {Registrations} from "./utils/Registrations.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {
    IModelRegistry,
    IModelRegistryErrors,
    IModelRegistryEvents
} from "../../contracts/interfaces/IModelRegistry.sol";

/// @notice Registration rules and the `verifyInference` checks, against a verifier double that
///         accepts exactly one calldata: the hand-computed instances below followed by PROOF.
contract ModelRegistryTest is Test, IModelRegistryEvents {
    bytes32 internal constant COMMITMENT = 0x0123456789abcdef00112233445566778899aabbccddeefffedcba9876543210;
    uint32 internal constant INPUT_COUNT = 9;
    uint32 internal constant OUTPUT_COUNT = 3;
    uint8 internal constant INPUT_SCALE = 7;
    uint8 internal constant OUTPUT_SCALE = 9;
    address internal constant REGISTRANT = address(0xA11CE);

    bytes internal constant PROOF = hex"deadbeef00112233445566778899aabbccddeeff";

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal verifier;
    /// @dev The id the registry derives for `sample()`.
    bytes32 internal modelId;

    function setUp() public {
        registry = new ModelRegistry();
        verifier = new CalldataAllowlistVerifierDouble();
        verifier.accept(keccak256(abi.encodePacked(expectedInstances(), PROOF)));
        modelId = registry.computeModelId(sample());
    }

    function sample() internal view returns (IModelRegistry.ModelRegistration memory) {
        return Registrations.plain(
            COMMITMENT, address(verifier), INPUT_COUNT, OUTPUT_COUNT, INPUT_SCALE, OUTPUT_SCALE, PROOF.length
        );
    }

    // ---------------------------------------------------------------- fixtures

    /// @dev Inputs covering zero, both signs, both lane edges and a partial second word.
    function sampleInputs() internal pure returns (int256[] memory values) {
        values = new int256[](9);
        values[0] = 0;
        values[1] = 1;
        values[2] = -1;
        values[3] = 2 ** 31 - 1;
        values[4] = -(2 ** 31);
        values[5] = 5;
        values[6] = -7;
        values[7] = 100;
        values[8] = -100;
    }

    function sampleOutputs() internal pure returns (int256[] memory values) {
        values = new int256[](3);
        values[0] = 3;
        values[1] = -3;
        values[2] = 0;
    }

    /// @dev Computed by hand (lane = v + 2**31, lane j of a word at bit 32 * j), independently
    ///      of the contract: [modelIdHi, modelIdLo, 2 input words, 1 output word].
    function expectedInstances() internal pure returns (uint256[] memory words) {
        words = new uint256[](5);
        words[0] = 0x0123456789abcdef0011223344556677;
        words[1] = 0x8899aabbccddeefffedcba9876543210;
        // lanes 6..0: -7, 5, -2**31, 2**31-1, -1, 1, 0
        words[2] = 0x7ffffff98000000500000000ffffffff7fffffff8000000180000000;
        // lanes 1..0: -100, 100; lanes 2..6 are past the end and stay zero
        words[3] = 0x7fffff9c80000064;
        // lanes 2..0: 0, -3, 3
        words[4] = 0x800000007ffffffd80000003;
    }

    function registerSample() internal {
        vm.prank(REGISTRANT);
        assertEq(registry.registerModel(sample()), modelId, "registerModel returns computeModelId");
    }

    // ---------------------------------------------------------------- registration

    function test_RegisterModel_StoresEntry() public {
        vm.roll(1234);
        vm.warp(1_700_000_000);
        registerSample();

        IModelRegistry.ModelInfo memory info = registry.getModel(modelId);
        assertEq(info.commitment, COMMITMENT, "commitment");
        assertEq(info.verifier, address(verifier), "verifier");
        assertEq(info.verifierCodeHash, address(verifier).codehash, "code hash");
        assertEq(info.proofLength, PROOF.length, "proof length");
        assertEq(info.inputCount, INPUT_COUNT, "inputCount");
        assertEq(info.outputCount, OUTPUT_COUNT, "outputCount");
        assertEq(info.inputScale, INPUT_SCALE, "inputScale");
        assertEq(info.outputScale, OUTPUT_SCALE, "outputScale");
        assertEq(info.registrant, REGISTRANT, "registrant");
        assertEq(info.registeredAtBlock, 1234, "block");
        assertEq(info.registeredAtTime, 1_700_000_000, "time");
        assertTrue(registry.isRegistered(modelId), "isRegistered");
    }

    function test_RegisterModel_EmitsModelRegistered() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ModelRegistered(
            modelId,
            COMMITMENT,
            address(verifier),
            uint16(0),
            address(verifier).codehash,
            REGISTRANT,
            uint32(PROOF.length)
        );
        registerSample();
    }

    function test_IsRegistered_FalseForUnknownId() public view {
        assertFalse(registry.isRegistered(modelId), "unknown id reported as registered");
    }

    function test_ModelId_IsNotTheCommitment_AndCoversEveryField() public {
        assertTrue(modelId != COMMITMENT, "the id is derived, not the caller's value");
        IModelRegistry.ModelRegistration memory r = sample();
        bytes32[] memory ids = new bytes32[](11);
        ids[0] = modelId;
        r.commitment = bytes32(uint256(COMMITMENT) ^ 1);
        ids[1] = registry.computeModelId(r);
        r = sample();
        r.verifier = address(new CalldataAllowlistVerifierDouble());
        ids[2] = registry.computeModelId(r);
        r = sample();
        r.inputCount += 1;
        ids[3] = registry.computeModelId(r);
        r = sample();
        r.outputCount += 1;
        ids[4] = registry.computeModelId(r);
        r = sample();
        r.inputScale += 1;
        ids[5] = registry.computeModelId(r);
        r = sample();
        r.outputScale += 1;
        ids[6] = registry.computeModelId(r);
        r = sample();
        r.visibility.inputs = 2;
        ids[7] = registry.computeModelId(r);
        r = sample();
        r.visibility.weights = 2;
        r.visibility.weightsHash = 7;
        ids[8] = registry.computeModelId(r);
        r = sample();
        r.circuitDigest = 5;
        ids[9] = registry.computeModelId(r);
        r = sample();
        r.proofLength += 1;
        ids[10] = registry.computeModelId(r);
        for (uint256 i = 0; i < ids.length; ++i) {
            for (uint256 j = 0; j < i; ++j) {
                assertTrue(ids[i] != ids[j], "two registrations share an id");
            }
        }
    }

    /// @dev The vector crates/chain's `model_id` test checks the Rust derivation against.
    function test_ModelId_MatchesTheSharedVector() public {
        CalldataAllowlistVerifierDouble v = new CalldataAllowlistVerifierDouble();
        IModelRegistry.ModelRegistration memory r = Registrations.plain(COMMITMENT, address(v), 8, 3, 8, 16, 1376);
        r.visibility = IModelRegistry.ModelVisibility({inputs: 2, outputs: 1, weights: 2, weightsHash: 0x1234});
        r.circuitDigest = 0xd1;
        bytes32 codeHash = address(v).codehash;
        // Two halves: one 16-argument abi.encode is too deep for the legacy code generator.
        bytes32 expected = keccak256(
            bytes.concat(
                abi.encode(
                    keccak256("zkinfer.registry.model.v1"),
                    codeHash,
                    COMMITMENT,
                    address(v),
                    uint256(0),
                    uint256(8),
                    uint256(3),
                    uint256(8)
                ),
                abi.encode(
                    uint256(16), uint256(2), uint256(1), uint256(2), uint256(0x1234), uint256(0xd1), uint256(1376)
                )
            )
        );
        assertEq(registry.computeModelId(r), expected, "16-word derivation");
    }

    function test_RevertWhen_SameRegistrationTwice() public {
        registerSample();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ModelAlreadyRegistered.selector, modelId));
        registry.registerModel(sample());
        // The original entry is untouched.
        assertEq(registry.getModel(modelId).registrant, REGISTRANT, "registrant overwritten");
    }

    /// @dev Issue 13, attack 1: an attacker front-runs the honest registration with an
    ///      accept-all verifier. It gets another id; the honest registration still succeeds,
    ///      and a consumer pinned to the honest id never sees the attacker's verifier.
    function test_FrontRunRegistration_NeitherBlocksNorHijacks() public {
        AcceptAll acceptAll = new AcceptAll();
        IModelRegistry.ModelRegistration memory squat = sample();
        squat.verifier = address(acceptAll);
        vm.prank(address(0xBAD));
        bytes32 squatted = registry.registerModel(squat);
        assertTrue(squatted != modelId, "the attacker took the honest id");
        // Same commitment, shape and proof length: only the verifier differs.
        assertTrue(
            registry.verifyInference(squatted, sampleInputs(), sampleOutputs(), new bytes(PROOF.length)), "squatter"
        );

        registerSample();
        assertEq(registry.getModel(modelId).verifier, address(verifier), "honest entry");
        assertFalse(
            registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), new bytes(PROOF.length)),
            "a fabricated proof passes under the honest id"
        );
        assertTrue(registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), PROOF), "honest proof");
    }

    function test_RevertWhen_ModelCommitmentIsZero() public {
        vm.expectRevert(IModelRegistryErrors.ZeroModelId.selector);
        registry.registerModel(Registrations.plain(bytes32(0), address(verifier), 1, 1, 0, 0, 1));
    }

    function test_RevertWhen_ProofLengthIsZeroOrTooLarge() public {
        IModelRegistry.ModelRegistration memory r = sample();
        r.proofLength = 0;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidProofLength.selector, 0));
        registry.registerModel(r);
        r.proofLength = 2 ** 24;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidProofLength.selector, 2 ** 24));
        registry.registerModel(r);
    }

    function test_RevertWhen_VerifierIsAccountWithoutCode() public {
        address eoa = address(0xBEEF);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, eoa));
        registry.registerModel(Registrations.plain(COMMITMENT, eoa, 1, 1, 0, 0, 1));
    }

    function test_RevertWhen_VerifierIsZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, address(0)));
        registry.registerModel(Registrations.plain(COMMITMENT, address(0), 1, 1, 0, 0, 1));
    }

    function test_RevertWhen_GetModelForUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, modelId));
        registry.getModel(modelId);
    }

    // ---------------------------------------------------------------- verifyInference

    function test_VerifyInference_AcceptsExactExpectedCalldata() public {
        registerSample();
        bool ok = registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), PROOF);
        assertTrue(ok, "valid inference rejected");
    }

    function test_VerifyInference_RejectsOtherProof() public {
        registerSample();
        bytes memory proof = PROOF;
        proof[proof.length - 1] ^= 0x01;
        assertFalse(registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), proof), "bad proof");
    }

    /// @dev Issue 13, attack 6: trailing bytes after a valid proof, or a truncated proof.
    function test_RevertWhen_ProofHasTrailingOrMissingBytes() public {
        registerSample();
        bytes memory longer = abi.encodePacked(PROOF, uint8(0));
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.ProofLengthMismatch.selector, PROOF.length, PROOF.length + 1)
        );
        registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), longer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ProofLengthMismatch.selector, PROOF.length, 0));
        registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), "");
    }

    function test_VerifyInference_RejectsChangedInputOrOutput() public {
        registerSample();
        int256[] memory inputs = sampleInputs();
        inputs[8] += 1;
        assertFalse(registry.verifyInference(modelId, inputs, sampleOutputs(), PROOF), "changed input");

        int256[] memory outputs = sampleOutputs();
        outputs[2] = -1;
        assertFalse(registry.verifyInference(modelId, sampleInputs(), outputs, PROOF), "changed output");
    }

    function test_VerifyInference_ReportsGas() public {
        registerSample();
        int256[] memory inputs = sampleInputs();
        int256[] memory outputs = sampleOutputs();
        uint256 before = gasleft();
        registry.verifyInference(modelId, inputs, outputs, PROOF);
        emit log_named_uint("verifyInference gas (9 in, 3 out, double verifier)", before - gasleft());
    }

    function test_RevertWhen_VerifyingUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, modelId));
        registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), PROOF);
    }

    function test_RevertWhen_InputCountDiffers() public {
        registerSample();
        int256[] memory tooFew = new int256[](INPUT_COUNT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.InputLengthMismatch.selector, modelId, INPUT_COUNT, INPUT_COUNT - 1
            )
        );
        registry.verifyInference(modelId, tooFew, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_OutputCountDiffers() public {
        registerSample();
        int256[] memory tooMany = new int256[](OUTPUT_COUNT + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.OutputLengthMismatch.selector, modelId, OUTPUT_COUNT, OUTPUT_COUNT + 1
            )
        );
        registry.verifyInference(modelId, sampleInputs(), tooMany, PROOF);
    }

    function test_RevertWhen_VerifierCodeDisappearsAfterRegistration() public {
        registerSample();
        bytes32 registered = address(verifier).codehash;
        vm.etch(address(verifier), "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.VerifierCodeChanged.selector, address(verifier), registered, keccak256("")
            )
        );
        registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), PROOF);
    }

    /// @dev Issue 13, attack 3: the verifier's code changes after registration (a metamorphic
    ///      redeploy to accept-all): refused, whatever the new code says.
    function test_RevertWhen_VerifierCodeChangesAfterRegistration() public {
        registerSample();
        bytes32 registered = address(verifier).codehash;
        vm.etch(address(verifier), address(new AcceptAll()).code);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.VerifierCodeChanged.selector,
                address(verifier),
                registered,
                address(verifier).codehash
            )
        );
        registry.verifyInference(modelId, sampleInputs(), sampleOutputs(), new bytes(PROOF.length));
    }

    // ---------------------------------------------------------------- value range

    function test_ValueRange_AcceptsBothLaneEdges() public {
        registerSample();
        int256[] memory inputs = new int256[](INPUT_COUNT);
        int256[] memory outputs = new int256[](OUTPUT_COUNT);
        inputs[0] = -(2 ** 31);
        inputs[8] = 2 ** 31 - 1;
        outputs[0] = 2 ** 31 - 1;
        outputs[2] = -(2 ** 31);
        uint256[] memory words = registry.publicInputs(modelId, inputs, outputs);
        // Lane of -2**31 is 0, of 2**31 - 1 is 0xffffffff, of 0 is 0x80000000.
        assertEq(words[2], 0x80000000800000008000000080000000800000008000000000000000, "first input word");
        assertEq(words[3], 0xffffffff80000000, "second input word: input 8 in lane 1");
        assertEq(words[4], 0x0000000080000000ffffffff, "output word");
    }

    function test_RevertWhen_InputIsTwoToThe31() public {
        registerSample();
        int256[] memory inputs = new int256[](INPUT_COUNT);
        inputs[4] = 2 ** 31;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, 4, int256(2 ** 31)));
        registry.verifyInference(modelId, inputs, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_InputIsBelowMinusTwoToThe31() public {
        registerSample();
        int256[] memory inputs = new int256[](INPUT_COUNT);
        inputs[0] = -(2 ** 31) - 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, 0, -(2 ** 31) - 1));
        registry.verifyInference(modelId, inputs, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_OutputOutOfRange_IndexCountsInputsFirst() public {
        registerSample();
        int256[] memory outputs = new int256[](OUTPUT_COUNT);
        outputs[1] = type(int256).min;
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, INPUT_COUNT + 1, type(int256).min)
        );
        registry.publicInputs(modelId, sampleInputs(), outputs);
    }

    // ---------------------------------------------------------------- encoding

    function test_PublicInputs_MatchHandComputedWords() public {
        registerSample();
        assertEq(registry.publicInputs(modelId, sampleInputs(), sampleOutputs()), expectedInstances(), "words");
    }

    function test_RevertWhen_PublicInputsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, modelId));
        registry.publicInputs(modelId, sampleInputs(), sampleOutputs());
    }
}

/// @notice A "verifier" that accepts everything: the attacker's contract.
contract AcceptAll {
    fallback() external {}
}
