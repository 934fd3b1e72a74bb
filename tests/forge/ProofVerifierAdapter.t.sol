// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {ZkinferVerifier} from "../../contracts/verifier/ZkinferVerifier.sol";
import {ZkinferProofVerifier} from "../../contracts/adapters/ZkinferProofVerifier.sol";
import {IProofVerifier} from "../../contracts/interfaces/IProofVerifier.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";
import {Registrations} from "./utils/Registrations.sol";
import {KeyFixture, ProofFixture, ProofFixtures} from "./utils/ProofFixtures.sol";

/// @notice The ERC-8274 draft's `IProofVerifier` over the registry, with the real demo proof
///         (`fixtures/risk_mlp/proof.json`) through the universal verifier: true exactly when
///         `verifyInference` is, for the inputs and outputs the hashes commit to.
contract ProofVerifierAdapterTest is Test {
    ModelRegistry internal registry;
    ZkinferProofVerifier internal adapter;
    bytes32 internal modelId;
    address internal key;
    /// @dev The real demo proof, its values and the circuit's commitment.
    ProofFixture internal fx;

    function setUp() public {
        fx = ProofFixtures.read("/fixtures/risk_mlp/proof.json");
        KeyFixture memory k = ProofFixtures.readKey("/fixtures/risk_mlp/universal-key.json");
        registry = new ModelRegistry();
        registry.registerVerifier(address(new ZkinferVerifier(k.g2, k.sG2)));
        key = ProofFixtures.deploy(k.creation);
        modelId = registry.registerModel(registration(0));
        adapter = new ZkinferProofVerifier(registry, modelId);
    }

    function registration(uint8 weights) internal view returns (IModelRegistry.ModelRegistration memory r) {
        r = Registrations.plain(
            fx.commitment, key, fx.inputs.length, fx.outputs.length, fx.inputScale, fx.outputScale, fx.proof.length
        );
        r.verifierVersion = 1;
        r.visibility.weights = weights;
    }

    function check(int256[] memory ins, int256[] memory outs, bytes memory p) internal view returns (bool) {
        return adapter.verify(keccak256(abi.encode(ins)), keccak256(abi.encode(outs)), abi.encode(ins, outs), p);
    }

    /// @dev Gas logged with warm accounts and slots (the registry is called once first), so the
    ///      difference of the two figures is the adapter's own cost.
    function test_RealProofVerifiesThroughTheAdapter() public {
        assertTrue(registry.verifyInference(modelId, fx.inputs, fx.outputs, fx.proof), "registry rejected");
        uint256 before = gasleft();
        assertTrue(check(fx.inputs, fx.outputs, fx.proof), "genuine proof rejected");
        emit log_named_uint("IProofVerifier.verify gas (warm)", before - gasleft());
        before = gasleft();
        assertTrue(registry.verifyInference(modelId, fx.inputs, fx.outputs, fx.proof), "registry disagrees");
        emit log_named_uint("verifyInference gas (warm), the same proof", before - gasleft());
    }

    function test_HashesMustMatchTheMetadata() public view {
        bytes memory metadata = abi.encode(fx.inputs, fx.outputs);
        bytes32 inHash = keccak256(abi.encode(fx.inputs));
        bytes32 outHash = keccak256(abi.encode(fx.outputs));
        assertFalse(adapter.verify(bytes32(uint256(inHash) ^ 1), outHash, metadata, fx.proof), "input hash");
        assertFalse(adapter.verify(inHash, bytes32(uint256(outHash) ^ 1), metadata, fx.proof), "output hash");
        assertFalse(adapter.verify(outHash, inHash, metadata, fx.proof), "swapped hashes");
    }

    function test_ChangedOutputWithConsistentHashesIsRefused() public view {
        int256[] memory outs = fx.outputs;
        outs[0] += 1;
        assertFalse(check(fx.inputs, outs, fx.proof), "an output the model did not produce");
        int256[] memory ins = fx.inputs;
        ins[ins.length - 1] -= 1;
        assertFalse(check(ins, fx.outputs, fx.proof), "an input the proof is not about");
    }

    /// @dev Registry reverts (length, shape, range) come back as false, never as true.
    function test_RegistryFailuresAreFalse() public view {
        assertFalse(check(fx.inputs, fx.outputs, bytes.concat(fx.proof, hex"00")), "trailing byte");
        assertFalse(check(fx.inputs, fx.outputs, bytes(hex"")), "empty proof");
        int256[] memory shortOuts = new int256[](fx.outputs.length - 1);
        assertFalse(check(fx.inputs, shortOuts, fx.proof), "wrong output count");
        int256[] memory huge = fx.inputs;
        huge[0] = type(int256).max;
        assertFalse(check(huge, fx.outputs, fx.proof), "value out of range");
    }

    /// forge-config: default.fuzz.runs = 1024
    function testFuzz_FlippedProofByteIsRefused(uint256 at, uint8 mask) public view {
        at = bound(at, 0, fx.proof.length - 1);
        bytes memory p = bytes.concat(fx.proof);
        p[at] = p[at] ^ bytes1(mask == 0 ? 1 : mask);
        assertFalse(check(fx.inputs, fx.outputs, p), "a flipped proof byte was accepted");
    }

    function test_MetadataThatDoesNotDecodeReverts() public {
        vm.expectRevert();
        adapter.verify(bytes32(0), bytes32(0), hex"1234", fx.proof);
    }

    /// @dev The model is pinned: a second adapter for another registration of the same proof
    ///      shape has another profile, and private weights are refused.
    function test_ProfileCoversTheModelAndPrivateWeightsAreRefused() public {
        bytes32 unbound = registry.registerModel(registration(1));
        vm.expectRevert(abi.encodeWithSelector(ZkinferProofVerifier.UnboundWeights.selector, unbound));
        new ZkinferProofVerifier(registry, unbound);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, keccak256("none")));
        new ZkinferProofVerifier(registry, keccak256("none"));
        IModelRegistry.ModelRegistration memory hashed = registration(2);
        hashed.visibility.weightsHash = 0x1234;
        ZkinferProofVerifier other = new ZkinferProofVerifier(registry, registry.registerModel(hashed));
        assertTrue(other.proofProfile() != adapter.proofProfile(), "profiles of two models");
        assertEq(
            adapter.proofProfile(),
            keccak256(abi.encodePacked("zkinfer", "1", address(registry), modelId)),
            "profile encoding"
        );
        assertTrue(adapter.supportsInterface(type(IProofVerifier).interfaceId), "ERC-165 IProofVerifier");
        assertTrue(adapter.supportsInterface(0x01ffc9a7), "ERC-165 itself");
        assertFalse(adapter.supportsInterface(0xffffffff), "ERC-165 0xffffffff");
    }
}
