// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {RiskOracle} from "../../contracts/consumers/RiskOracle.sol";
import {ZkinferVerifier} from "../../contracts/verifier/ZkinferVerifier.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";
import {IZkinferVerifier} from "../../contracts/interfaces/IZkinferVerifier.sol";
import {Registrations} from "./utils/Registrations.sol";
import {KeyFixture, ProofFixture, ProofFixtures} from "./utils/ProofFixtures.sol";

/// @notice The registry with the universal verifier: the owner registers `ZkinferVerifier` as
///         version 1, the demo model registers only its key contract, and the real proof
///         (`fixtures/risk_mlp/proof.json`, key `fixtures/risk_mlp/universal-key.json`, both
///         written by scripts/regen-fixtures.sh) verifies through `verifyInference`.
contract RegistryUniversalTest is Test {
    ModelRegistry internal registry;
    ZkinferVerifier internal verifier;
    address internal key;
    bytes internal keyCreation;
    uint256[4] internal g2;
    uint256[4] internal sG2;

    bytes32 internal commitment;
    bytes32 internal modelId;
    int256[] internal inputs;
    int256[] internal outputs;
    bytes internal proof;
    uint8 internal inputScale;
    uint8 internal outputScale;

    function setUp() public {
        ProofFixture memory f = ProofFixtures.read("/fixtures/risk_mlp/proof.json");
        (commitment, inputs, outputs, proof) = (f.commitment, f.inputs, f.outputs, f.proof);
        (inputScale, outputScale) = (f.inputScale, f.outputScale);
        KeyFixture memory k = ProofFixtures.readKey("/fixtures/risk_mlp/universal-key.json");
        (keyCreation, g2, sG2) = (k.creation, k.g2, k.sG2);

        registry = new ModelRegistry();
        verifier = new ZkinferVerifier(g2, sG2);
        assertEq(uint256(registry.registerVerifier(address(verifier))), 1, "first version");
        key = create(keyCreation);
        modelId = registry.registerModel(registration(key, 1));
    }

    // ---------------------------------------------------------------- helpers

    function create(bytes memory creation) internal returns (address deployed) {
        deployed = ProofFixtures.deploy(creation);
    }

    function registration(address keyAddress, uint16 version)
        internal
        view
        returns (IModelRegistry.ModelRegistration memory r)
    {
        r = Registrations.plain(
            commitment, keyAddress, inputs.length, outputs.length, inputScale, outputScale, proof.length
        );
        r.verifierVersion = version;
    }

    function verifies(bytes32 id, int256[] memory ins, int256[] memory outs, bytes memory p)
        internal
        view
        returns (bool)
    {
        return registry.verifyInference(id, ins, outs, p);
    }

    // ---------------------------------------------------------------- tests

    function test_RealProofVerifiesThroughTheUniversalVerifier() public {
        (int256[] memory ins, int256[] memory outs, bytes memory p) = (inputs, outputs, proof);
        uint256 before = gasleft();
        bool ok = verifies(modelId, ins, outs, p);
        emit log_named_uint("verifyInference gas (universal verifier), real demo proof", before - gasleft());
        assertTrue(ok, "genuine proof rejected");
        IModelRegistry.ModelInfo memory info = registry.getModel(modelId);
        assertEq(uint256(info.verifierVersion), 1, "version recorded");
        assertEq(info.verifier, key, "key recorded");
        assertEq(info.verifierCodeHash, key.codehash, "key code hash recorded");
        assertEq(registry.computeModelId(registration(key, 1)), modelId, "id");
    }

    function test_SelectorsMatchTheVerifier() public pure {
        assertEq(bytes32(IZkinferVerifier.verify.selector), bytes32(ZkinferVerifier.verify.selector), "verify selector");
        assertEq(bytes32(IZkinferVerifier.srs.selector), bytes32(ZkinferVerifier.srs.selector), "srs selector");
    }

    /// forge-config: default.fuzz.runs = 1024
    function testFuzz_FlippedProofByteIsRefused(uint256 at, uint8 mask) public view {
        at = bound(at, 0, proof.length - 1);
        bytes memory p = bytes.concat(proof);
        p[at] = p[at] ^ bytes1(mask == 0 ? 1 : mask);
        assertFalse(verifies(modelId, inputs, outputs, p), "a flipped proof byte was accepted");
    }

    function test_ChangedInputOrOutputIsRefused() public view {
        int256[] memory ins = inputs;
        ins[0] += 1;
        assertFalse(verifies(modelId, ins, outputs, proof), "changed input accepted");
        int256[] memory outs = outputs;
        outs[1] -= 1;
        assertFalse(verifies(modelId, inputs, outs, proof), "changed output accepted");
    }

    function test_TrailingBytesRevert() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.ProofLengthMismatch.selector, proof.length, proof.length + 1)
        );
        registry.verifyInference(modelId, inputs, outputs, bytes.concat(proof, hex"00"));
    }

    function test_VersionsAreOwnerOnlyAppendOnlyAndFreeze() public {
        vm.prank(address(0xA11CE));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, address(0xA11CE)));
        registry.registerVerifier(address(verifier));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.UnknownVerifierVersion.selector, uint16(2)));
        registry.registerModel(registration(key, 2));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, address(0xBEEF)));
        registry.registerVerifier(address(0xBEEF));
        assertEq(uint256(registry.registerVerifier(address(new ZkinferVerifier(g2, sG2)))), 2, "second version");
        registry.freezeVerifiers();
        assertTrue(registry.verifiersFrozen(), "frozen");
        vm.expectRevert(IModelRegistryErrors.VerifiersAreFrozen.selector);
        registry.registerVerifier(address(verifier));
        assertEq(uint256(registry.verifierCount()), 2, "two versions");
        assertEq(registry.getVerifier(1).verifier, address(verifier), "version 1 unchanged");
        assertEq(registry.getVerifier(1).codeHash, address(verifier).codehash, "code hash");
    }

    /// @dev A verifier pinned to another SRS (here [s]G2 = [1]G2), registered as its own
    ///      version: the same key and proof do not verify there, and the id differs.
    function test_AnotherSrsDoesNotVerify() public {
        uint16 version = registry.registerVerifier(address(new ZkinferVerifier(g2, g2)));
        bytes32 other = registry.registerModel(registration(key, version));
        assertTrue(other != modelId, "one id for two versions");
        assertFalse(verifies(other, inputs, outputs, proof), "a verifier on another SRS accepted");
    }

    /// @dev Another key (the key's last byte changed) gets another id, and the proof does not
    ///      verify against it.
    function test_AnotherKeyDoesNotVerify() public {
        bytes memory changed = bytes.concat(keyCreation);
        changed[changed.length - 1] = changed[changed.length - 1] ^ 0x01;
        address otherKey = create(changed);
        bytes32 other = registry.registerModel(registration(otherKey, 1));
        assertTrue(other != modelId, "one id for two keys");
        assertFalse(verifies(other, inputs, outputs, proof), "the proof verified against another key");
    }

    /// @dev Code that changes after registration (a metamorphic contract) is refused, for the
    ///      key and for the universal verifier.
    function test_ChangedKeyOrVerifierCodeReverts() public {
        bytes memory keyCode = key.code;
        vm.etch(key, hex"00");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.VerifierCodeChanged.selector, key, keccak256(keyCode), keccak256(hex"00")
            )
        );
        registry.verifyInference(modelId, inputs, outputs, proof);
        vm.etch(key, keyCode);
        assertTrue(verifies(modelId, inputs, outputs, proof), "restored");
        bytes memory verifierCode = address(verifier).code;
        vm.etch(address(verifier), hex"600160005260206000f3"); // returns 1 for everything
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistryErrors.VerifierCodeChanged.selector,
                address(verifier),
                keccak256(verifierCode),
                keccak256(hex"600160005260206000f3")
            )
        );
        registry.verifyInference(modelId, inputs, outputs, proof);
    }

    /// @dev A squatter registering the same commitment with an accept-all self-contained
    ///      verifier gets another id; the oracle pinned to the honest id acts on real proofs only.
    function test_SquatterDoesNotAffectThePinnedConsumer() public {
        address acceptAll = create(hex"600a600c600039600a6000f3600160005260206000f3");
        bytes32 squatted = registry.registerModel(registration(acceptAll, 0));
        assertTrue(squatted != modelId, "the squatter took the id");
        RiskOracle oracle = new RiskOracle(registry, modelId);
        int256[] memory fabricated = outputs;
        fabricated[2] = 2 ** 20;
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, modelId));
        oracle.postAssessment(inputs, fabricated, proof);
        oracle.postAssessment(inputs, outputs, proof);
        assertEq(oracle.assessmentCount(), 1, "acted on the real proof");
        assertEq(uint256(oracle.riskClass()), 0, "calm");
    }
}
