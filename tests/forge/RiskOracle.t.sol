// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {Registrations} from "./utils/Registrations.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";
import {RiskOracle} from "../../contracts/consumers/RiskOracle.sol";

/// @notice The consumer changes state only when the registry verifies the posted inference.
contract RiskOracleTest is Test {
    bytes32 internal constant COMMITMENT = keccak256("zkinfer/risk-classifier/v1");
    uint32 internal constant FEATURE_COUNT = 8;
    uint32 internal constant CLASS_COUNT = 3;
    address internal constant POSTER = address(0xB0B);
    bytes internal constant PROOF = hex"c0ffee";

    ModelRegistry internal registry;
    RiskOracle internal oracle;
    CalldataAllowlistVerifierDouble internal verifier;
    /// @dev The registry id of the classifier.
    bytes32 internal modelId;

    event RiskUpdated(uint8 riskClass, int256[] logits, address indexed poster);

    function setUp() public {
        registry = new ModelRegistry();
        verifier = new CalldataAllowlistVerifierDouble();
        modelId = registry.registerModel(registration(0));
        oracle = new RiskOracle(registry, modelId);

        // PROOF "proves" one logit vector per class, plus a tie, for `features()`.
        verifier.accept(acceptedCalldataHash(logitsFor(0)));
        verifier.accept(acceptedCalldataHash(logitsFor(1)));
        verifier.accept(acceptedCalldataHash(logitsFor(2)));
        verifier.accept(acceptedCalldataHash(tiedLogits()));
    }

    // ---------------------------------------------------------------- fixtures

    function registration(uint8 weights) internal view returns (IModelRegistry.ModelRegistration memory r) {
        r = Registrations.plain(COMMITMENT, address(verifier), FEATURE_COUNT, CLASS_COUNT, 8, 8, PROOF.length);
        r.visibility.weights = weights;
    }

    function features() internal pure returns (int256[] memory values) {
        values = new int256[](FEATURE_COUNT);
        for (uint256 i = 0; i < values.length; ++i) {
            // Mixed signs at fixed-point scale 2**8; i < 8 keeps the cast exact.
            // forge-lint: disable-next-line(unsafe-typecast)
            values[i] = int256(i * 37) - 100;
        }
    }

    /// @dev Negative logits with a clear winner, to exercise argmax below zero.
    function logitsFor(uint256 winner) internal pure returns (int256[] memory logits) {
        logits = new int256[](CLASS_COUNT);
        for (uint256 i = 0; i < logits.length; ++i) {
            logits[i] = i == winner ? -10 : -500;
        }
    }

    function tiedLogits() internal pure returns (int256[] memory logits) {
        logits = new int256[](CLASS_COUNT);
        logits[0] = 256;
        logits[1] = 256;
        logits[2] = -256;
    }

    function acceptedCalldataHash(int256[] memory logits) internal view returns (bytes32) {
        return keccak256(abi.encodePacked(registry.publicInputs(modelId, features(), logits), PROOF));
    }

    // ---------------------------------------------------------------- tests

    function test_BeforeAnyAssessment_UsesStressedLoanToValue() public view {
        assertEq(oracle.assessmentCount(), 0, "count");
        assertEq(oracle.maxLoanToValueBps(), 3000, "ltv");
    }

    function test_PostAssessment_RecordsVerifiedCalmMarket() public {
        vm.roll(777);
        vm.expectEmit(true, true, true, true, address(oracle));
        emit RiskUpdated(0, logitsFor(0), POSTER);

        vm.prank(POSTER);
        oracle.postAssessment(features(), logitsFor(0), PROOF);

        assertEq(oracle.riskClass(), 0, "class");
        assertEq(oracle.maxLoanToValueBps(), 8000, "ltv");
        assertEq(oracle.lastFeaturesHash(), keccak256(abi.encode(features())), "features hash");
        assertEq(oracle.lastAssessmentBlock(), 777, "block");
        assertEq(oracle.assessmentCount(), 1, "count");
    }

    function test_PostAssessment_ClassDrivesLoanToValue() public {
        oracle.postAssessment(features(), logitsFor(1), PROOF);
        assertEq(oracle.riskClass(), 1, "volatile class");
        assertEq(oracle.maxLoanToValueBps(), 6000, "volatile ltv");

        oracle.postAssessment(features(), logitsFor(2), PROOF);
        assertEq(oracle.riskClass(), 2, "stressed class");
        assertEq(oracle.maxLoanToValueBps(), 3000, "stressed ltv");
        assertEq(oracle.assessmentCount(), 2, "count");
    }

    function test_PostAssessment_TieGoesToRiskierClass() public {
        oracle.postAssessment(features(), tiedLogits(), PROOF);
        assertEq(oracle.riskClass(), 1, "tie should pick the later class");
    }

    function test_RevertWhen_ProofDoesNotVerify() public {
        oracle.postAssessment(features(), logitsFor(0), PROOF);

        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, modelId));
        oracle.postAssessment(features(), logitsFor(2), hex"c0ffef");

        // Nothing moved.
        assertEq(oracle.riskClass(), 0, "class changed");
        assertEq(oracle.assessmentCount(), 1, "count changed");
        assertEq(oracle.maxLoanToValueBps(), 8000, "ltv changed");
    }

    function test_RevertWhen_LogitsDoNotMatchProof() public {
        int256[] memory forged = logitsFor(0);
        forged[2] = 1_000; // claim "stressed" with the proof for "calm"
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, modelId));
        oracle.postAssessment(features(), forged, PROOF);
        assertEq(oracle.assessmentCount(), 0, "count changed");
    }

    function test_RevertWhen_FeaturesDoNotMatchProof() public {
        int256[] memory changed = features();
        changed[0] += 1;
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, modelId));
        oracle.postAssessment(changed, logitsFor(0), PROOF);
    }

    function test_RevertWhen_ShapeIsWrong_RegistryErrorBubblesUp() public {
        int256[] memory twoLogits = new int256[](2);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.OutputLengthMismatch.selector, modelId, CLASS_COUNT, 2)
        );
        oracle.postAssessment(features(), twoLogits, PROOF);
    }

    function test_RevertWhen_NoLogits() public {
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.UnsupportedLogitCount.selector, 0));
        oracle.postAssessment(features(), new int256[](0), PROOF);
    }

    function test_RevertWhen_ModelNotRegistered() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, keccak256("never registered"))
        );
        new RiskOracle(registry, keccak256("never registered"));
    }

    /// @dev Issue 13, attack 5: a model with private (unbound) weights is refused at
    ///      construction; hashed weights are bound and accepted.
    function test_RevertWhen_ModelWeightsArePrivate() public {
        bytes32 unbound = registry.registerModel(registration(1));
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.UnboundWeights.selector, unbound));
        new RiskOracle(registry, unbound);
        IModelRegistry.ModelRegistration memory hashed = registration(2);
        hashed.visibility.weightsHash = 0x1234;
        RiskOracle bound = new RiskOracle(registry, registry.registerModel(hashed));
        assertEq(bound.assessmentCount(), 0, "hashed weights accepted");
    }
}
