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

/// @notice Models registered with visibilities: the layout of the instances the registry sends
///         (pinned by a verifier double that accepts exactly the hand-computed calldata), the
///         length rules per side, hashes outside the field, the weights hash recorded with the
///         model, and the registration checks.
contract ModelRegistryVisibilityTest is Test, IModelRegistryEvents {
    bytes32 internal constant MODEL_ID = 0x0123456789abcdef00112233445566778899aabbccddeefffedcba9876543210;
    uint32 internal constant INPUT_COUNT = 9;
    uint32 internal constant OUTPUT_COUNT = 3;
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant INPUT_HASH = 0x2b1c5e3f00000000000000000000000000000000000000000000000000000abc;
    uint256 internal constant WEIGHTS_HASH = 0x1d9e0f7700000000000000000000000000000000000000000000000000000def;
    uint8 internal constant PUBLIC = 0;
    uint8 internal constant PRIVATE = 1;
    uint8 internal constant HASHED = 2;

    bytes internal constant PROOF = hex"deadbeef00112233445566778899aabbccddeeff";

    ModelRegistry internal registry;
    CalldataAllowlistVerifierDouble internal verifier;
    /// @dev The id of the latest `register`.
    bytes32 internal modelId;

    function setUp() public {
        registry = new ModelRegistry();
        verifier = new CalldataAllowlistVerifierDouble();
    }

    // ---------------------------------------------------------------- fixtures

    function outputs() internal pure returns (int256[] memory values) {
        values = new int256[](3);
        values[0] = 3;
        values[1] = -3;
        values[2] = 0;
    }

    function one(uint256 hash) internal pure returns (int256[] memory values) {
        values = new int256[](1);
        values[0] = int256(hash);
    }

    function flipped() internal pure returns (bytes memory proof) {
        proof = PROOF;
        proof[0] ^= 0x01;
    }

    function none() internal pure returns (int256[] memory) {
        return new int256[](0);
    }

    function vis(uint8 inputs, uint8 outputs_, uint8 weights, uint256 weightsHash)
        internal
        pure
        returns (IModelRegistry.ModelVisibility memory)
    {
        return IModelRegistry.ModelVisibility({
            inputs: inputs, outputs: outputs_, weights: weights, weightsHash: weightsHash
        });
    }

    function registration(IModelRegistry.ModelVisibility memory v)
        internal
        view
        returns (IModelRegistry.ModelRegistration memory r)
    {
        r = Registrations.plain(MODEL_ID, address(verifier), INPUT_COUNT, OUTPUT_COUNT, 8, 8, PROOF.length);
        r.visibility = v;
    }

    function register(IModelRegistry.ModelVisibility memory v) internal {
        modelId = registry.registerModel(registration(v));
    }

    /// @dev Hand-computed: [idHi, idLo, input hash, packed outputs (lanes 2..0: 0, -3, 3), weights hash].
    function hashedInstances() internal pure returns (uint256[] memory words) {
        words = new uint256[](5);
        words[0] = 0x0123456789abcdef0011223344556677;
        words[1] = 0x8899aabbccddeefffedcba9876543210;
        words[2] = INPUT_HASH;
        words[3] = 0x800000007ffffffd80000003;
        words[4] = WEIGHTS_HASH;
    }

    // ---------------------------------------------------------------- hashed inputs + hashed weights

    function test_HashedInputsAndWeights_SendsHashesInPlace() public {
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        verifier.accept(keccak256(abi.encodePacked(hashedInstances(), PROOF)));
        assertEq(registry.publicInputs(modelId, one(INPUT_HASH), outputs()), hashedInstances(), "instances");
        assertTrue(registry.verifyInference(modelId, one(INPUT_HASH), outputs(), PROOF), "honest");
    }

    function test_HashedInputsAndWeights_TamperedFail() public {
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        verifier.accept(keccak256(abi.encodePacked(hashedInstances(), PROOF)));
        assertFalse(registry.verifyInference(modelId, one(INPUT_HASH + 1), outputs(), PROOF), "other input hash");
        int256[] memory changed = outputs();
        changed[1] = -2;
        assertFalse(registry.verifyInference(modelId, one(INPUT_HASH), changed, PROOF), "other output");
        assertFalse(registry.verifyInference(modelId, one(INPUT_HASH), outputs(), flipped()), "other proof");
    }

    function test_OtherWeightsHash_SameVerifier_Fails() public {
        // The same circuit registered again with another weights hash (another model id): the
        // proof made with the first weights does not verify under it.
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        bytes32 firstId = modelId;
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH + 1));
        bytes32 otherId = modelId;
        modelId = firstId;
        verifier.accept(keccak256(abi.encodePacked(hashedInstances(), PROOF)));
        uint256[] memory other = registry.publicInputs(otherId, one(INPUT_HASH), outputs());
        assertEq(other[4], WEIGHTS_HASH + 1, "the registry appends the recorded weights hash");
        assertFalse(registry.verifyInference(otherId, one(INPUT_HASH), outputs(), PROOF), "other weights hash");
    }

    function test_RevertWhen_HashedSideGetsValues() public {
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.InputLengthMismatch.selector, modelId, 1, INPUT_COUNT)
        );
        registry.verifyInference(modelId, new int256[](INPUT_COUNT), outputs(), PROOF);
    }

    function test_RevertWhen_HashOutsideTheField() public {
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.HashOutOfField.selector, 0, int256(R)));
        registry.verifyInference(modelId, one(R), outputs(), PROOF);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.HashOutOfField.selector, 0, int256(-1)));
        registry.verifyInference(modelId, one(type(uint256).max), outputs(), PROOF);
    }

    // ---------------------------------------------------------------- private and hashed outputs

    function test_PrivateInputsHashedOutputs() public {
        register(vis(PRIVATE, HASHED, PUBLIC, 0));
        uint256[] memory words = new uint256[](3);
        words[0] = 0x0123456789abcdef0011223344556677;
        words[1] = 0x8899aabbccddeefffedcba9876543210;
        words[2] = INPUT_HASH;
        verifier.accept(keccak256(abi.encodePacked(words, PROOF)));
        assertTrue(registry.verifyInference(modelId, none(), one(INPUT_HASH), PROOF), "honest");
        assertFalse(registry.verifyInference(modelId, none(), one(INPUT_HASH - 1), PROOF), "other output hash");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InputLengthMismatch.selector, modelId, 0, 1));
        registry.verifyInference(modelId, one(1), one(INPUT_HASH), PROOF);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.OutputLengthMismatch.selector, modelId, 1, 0));
        registry.verifyInference(modelId, none(), none(), PROOF);
    }

    // ---------------------------------------------------------------- registration

    function test_RegisterWithVisibility_Stores() public {
        register(vis(HASHED, PRIVATE, HASHED, WEIGHTS_HASH));
        IModelRegistry.ModelVisibility memory v = registry.getVisibility(modelId);
        assertEq(v.inputs, HASHED, "inputs");
        assertEq(v.outputs, PRIVATE, "outputs");
        assertEq(v.weights, HASHED, "weights");
        assertEq(v.weightsHash, WEIGHTS_HASH, "weightsHash");
        IModelRegistry.ModelInfo memory info = registry.getModel(modelId);
        assertEq(info.verifier, address(verifier), "verifier");
        assertEq(info.inputCount, INPUT_COUNT, "inputCount");
        assertEq(info.outputScale, 8, "outputScale");
    }

    function test_PlainRegistration_IsPublicPublicFixed() public {
        register(vis(PUBLIC, PUBLIC, PUBLIC, 0));
        IModelRegistry.ModelVisibility memory v = registry.getVisibility(modelId);
        assertEq(v.inputs + v.outputs + v.weights, 0, "default visibility");
        assertEq(v.weightsHash, 0, "no weights hash");
    }

    function test_RevertWhen_VisibilityCodeUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidVisibility.selector, 3, 0, 0));
        register(vis(3, PUBLIC, PUBLIC, 0));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidVisibility.selector, 0, 0, 4));
        register(vis(PUBLIC, PUBLIC, 4, 0));
        assertFalse(registry.isRegistered(registry.computeModelId(registration(vis(3, 0, 0, 0)))), "registered");
    }

    function test_RevertWhen_WeightsHashDoesNotFit() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidWeightsHash.selector, 0));
        register(vis(PUBLIC, PUBLIC, HASHED, 0));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidWeightsHash.selector, R));
        register(vis(PUBLIC, PUBLIC, HASHED, R));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.InvalidWeightsHash.selector, WEIGHTS_HASH));
        register(vis(PUBLIC, PUBLIC, PRIVATE, WEIGHTS_HASH));
    }

    function test_RevertWhen_UnknownModelVisibility() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, MODEL_ID));
        registry.getVisibility(MODEL_ID);
    }

    function test_Visibility_IsPartOfTheId() public {
        register(vis(PUBLIC, PUBLIC, PUBLIC, 0));
        bytes32 plainId = modelId;
        register(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        assertTrue(modelId != plainId, "same id for other visibilities");
        register(vis(PUBLIC, PUBLIC, PRIVATE, 0));
        assertTrue(registry.isRegistered(plainId) && registry.isRegistered(modelId), "both entries");
    }

    function test_RevertWhen_BatchMemberNotPublic() public {
        IModelRegistry.ModelRegistration memory r = registration(vis(HASHED, PUBLIC, HASHED, WEIGHTS_HASH));
        r.circuitDigest = 0xd1;
        modelId = registry.registerModel(r);
        uint256[] memory digests = new uint256[](1);
        digests[0] = 0xd1;
        registry.registerAggregationVerifier(address(verifier), digests, 12 * 32 + 4);
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = modelId;
        int256[][] memory ins = new int256[][](1);
        ins[0] = one(INPUT_HASH);
        int256[][] memory outs = new int256[][](1);
        outs[0] = outputs();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.BatchVisibilityNotSupported.selector, modelId));
        registry.verifyInferenceBatch(ids, ins, outs, new bytes(12 * 32 + 4));
    }
}
