// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
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
    bytes32 internal constant MODEL_ID = 0x0123456789abcdef00112233445566778899aabbccddeefffedcba9876543210;
    uint32 internal constant INPUT_COUNT = 9;
    uint32 internal constant OUTPUT_COUNT = 3;
    uint8 internal constant INPUT_SCALE = 7;
    uint8 internal constant OUTPUT_SCALE = 9;
    address internal constant REGISTRANT = address(0xA11CE);

    bytes internal constant PROOF = hex"deadbeef00112233445566778899aabbccddeeff";

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal verifier;

    function setUp() public {
        registry = new ModelRegistry();
        verifier = new CalldataAllowlistVerifierDouble();
        verifier.accept(keccak256(abi.encodePacked(expectedInstances(), PROOF)));
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
        registry.registerModel(MODEL_ID, address(verifier), INPUT_COUNT, OUTPUT_COUNT, INPUT_SCALE, OUTPUT_SCALE);
    }

    // ---------------------------------------------------------------- registration

    function test_RegisterModel_StoresEntry() public {
        vm.roll(1234);
        vm.warp(1_700_000_000);
        registerSample();

        IModelRegistry.ModelInfo memory info = registry.getModel(MODEL_ID);
        assertEq(info.verifier, address(verifier), "verifier");
        assertEq(info.inputCount, INPUT_COUNT, "inputCount");
        assertEq(info.outputCount, OUTPUT_COUNT, "outputCount");
        assertEq(info.inputScale, INPUT_SCALE, "inputScale");
        assertEq(info.outputScale, OUTPUT_SCALE, "outputScale");
        assertEq(info.registrant, REGISTRANT, "registrant");
        assertEq(info.registeredAtBlock, 1234, "block");
        assertEq(info.registeredAtTime, 1_700_000_000, "time");
        assertTrue(registry.isRegistered(MODEL_ID), "isRegistered");
    }

    function test_RegisterModel_EmitsModelRegistered() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ModelRegistered(
            MODEL_ID, address(verifier), REGISTRANT, INPUT_COUNT, OUTPUT_COUNT, INPUT_SCALE, OUTPUT_SCALE
        );
        registerSample();
    }

    function test_IsRegistered_FalseForUnknownId() public view {
        assertFalse(registry.isRegistered(MODEL_ID), "unknown id reported as registered");
    }

    function test_RevertWhen_SameIdRegisteredTwice() public {
        registerSample();
        CalldataAllowlistVerifierDouble otherVerifier = new CalldataAllowlistVerifierDouble();

        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ModelAlreadyRegistered.selector, MODEL_ID));
        registry.registerModel(MODEL_ID, address(otherVerifier), 1, 1, 0, 0);

        // The original entry is untouched.
        IModelRegistry.ModelInfo memory info = registry.getModel(MODEL_ID);
        assertEq(info.verifier, address(verifier), "verifier overwritten");
        assertEq(info.inputCount, INPUT_COUNT, "inputCount overwritten");
        assertEq(info.registrant, REGISTRANT, "registrant overwritten");
    }

    function test_RevertWhen_SameIdAndVerifierRegisteredTwiceBySameAccount() public {
        registerSample();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ModelAlreadyRegistered.selector, MODEL_ID));
        vm.prank(REGISTRANT);
        registry.registerModel(MODEL_ID, address(verifier), INPUT_COUNT, OUTPUT_COUNT, INPUT_SCALE, OUTPUT_SCALE);
    }

    function test_RevertWhen_ModelIdIsZero() public {
        vm.expectRevert(IModelRegistryErrors.ZeroModelId.selector);
        registry.registerModel(bytes32(0), address(verifier), 1, 1, 0, 0);
    }

    function test_RevertWhen_VerifierIsAccountWithoutCode() public {
        address eoa = address(0xBEEF);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, eoa));
        registry.registerModel(MODEL_ID, eoa, 1, 1, 0, 0);
        assertFalse(registry.isRegistered(MODEL_ID), "registered despite revert");
    }

    function test_RevertWhen_VerifierIsZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, address(0)));
        registry.registerModel(MODEL_ID, address(0), 1, 1, 0, 0);
    }

    function test_RevertWhen_GetModelForUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, MODEL_ID));
        registry.getModel(MODEL_ID);
    }

    // ---------------------------------------------------------------- verifyInference

    function test_VerifyInference_AcceptsExactExpectedCalldata() public {
        registerSample();
        bool ok = registry.verifyInference(MODEL_ID, sampleInputs(), sampleOutputs(), PROOF);
        assertTrue(ok, "valid inference rejected");
    }

    function test_VerifyInference_RejectsOtherProof() public {
        registerSample();
        bytes memory proof = PROOF;
        proof[proof.length - 1] ^= 0x01;
        assertFalse(registry.verifyInference(MODEL_ID, sampleInputs(), sampleOutputs(), proof), "bad proof");
        assertFalse(registry.verifyInference(MODEL_ID, sampleInputs(), sampleOutputs(), ""), "empty proof");
    }

    function test_VerifyInference_RejectsChangedInputOrOutput() public {
        registerSample();
        int256[] memory inputs = sampleInputs();
        inputs[8] += 1;
        assertFalse(registry.verifyInference(MODEL_ID, inputs, sampleOutputs(), PROOF), "changed input");

        int256[] memory outputs = sampleOutputs();
        outputs[2] = -1;
        assertFalse(registry.verifyInference(MODEL_ID, sampleInputs(), outputs, PROOF), "changed output");
    }

    function test_VerifyInference_ReportsGas() public {
        registerSample();
        int256[] memory inputs = sampleInputs();
        int256[] memory outputs = sampleOutputs();
        uint256 before = gasleft();
        registry.verifyInference(MODEL_ID, inputs, outputs, PROOF);
        emit log_named_uint("verifyInference gas (9 in, 3 out, double verifier)", before - gasleft());
    }

    function test_RevertWhen_VerifyingUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, MODEL_ID));
        registry.verifyInference(MODEL_ID, sampleInputs(), sampleOutputs(), PROOF);
    }

    function test_RevertWhen_InputCountDiffers() public {
        registerSample();
        int256[] memory tooFew = new int256[](INPUT_COUNT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.InputLengthMismatch.selector, MODEL_ID, INPUT_COUNT, INPUT_COUNT - 1
            )
        );
        registry.verifyInference(MODEL_ID, tooFew, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_OutputCountDiffers() public {
        registerSample();
        int256[] memory tooMany = new int256[](OUTPUT_COUNT + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.OutputLengthMismatch.selector, MODEL_ID, OUTPUT_COUNT, OUTPUT_COUNT + 1
            )
        );
        registry.verifyInference(MODEL_ID, sampleInputs(), tooMany, PROOF);
    }

    function test_RevertWhen_VerifierCodeDisappearsAfterRegistration() public {
        registerSample();
        vm.etch(address(verifier), "");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, address(verifier)));
        registry.verifyInference(MODEL_ID, sampleInputs(), sampleOutputs(), PROOF);
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
        uint256[] memory words = registry.publicInputs(MODEL_ID, inputs, outputs);
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
        registry.verifyInference(MODEL_ID, inputs, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_InputIsBelowMinusTwoToThe31() public {
        registerSample();
        int256[] memory inputs = new int256[](INPUT_COUNT);
        inputs[0] = -(2 ** 31) - 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, 0, -(2 ** 31) - 1));
        registry.verifyInference(MODEL_ID, inputs, sampleOutputs(), PROOF);
    }

    function test_RevertWhen_OutputOutOfRange_IndexCountsInputsFirst() public {
        registerSample();
        int256[] memory outputs = new int256[](OUTPUT_COUNT);
        outputs[1] = type(int256).min;
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.ValueOutOfRange.selector, INPUT_COUNT + 1, type(int256).min)
        );
        registry.publicInputs(MODEL_ID, sampleInputs(), outputs);
    }

    // ---------------------------------------------------------------- encoding

    function test_PublicInputs_MatchHandComputedWords() public {
        registerSample();
        assertEq(registry.publicInputs(MODEL_ID, sampleInputs(), sampleOutputs()), expectedInstances(), "words");
    }

    function test_RevertWhen_PublicInputsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, MODEL_ID));
        registry.publicInputs(MODEL_ID, sampleInputs(), sampleOutputs());
    }
}
