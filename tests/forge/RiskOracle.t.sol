// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {CalldataAllowlistVerifierDouble} from "./CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistryErrors} from "../../contracts/interfaces/IModelRegistry.sol";
import {RiskOracle} from "../../contracts/consumers/RiskOracle.sol";

/// @notice The consumer changes state only when the registry verifies the posted inference.
contract RiskOracleTest is Test {
    bytes32 internal constant MODEL_ID = keccak256("zkinfer/risk-classifier/v1");
    uint32 internal constant FEATURE_COUNT = 8;
    uint32 internal constant CLASS_COUNT = 3;
    address internal constant POSTER = address(0xB0B);
    bytes internal constant PROOF = hex"c0ffee";

    ModelRegistry internal registry;
    RiskOracle internal oracle;

    event RiskUpdated(uint8 riskClass, int256[] logits, address indexed poster);

    function setUp() public {
        registry = new ModelRegistry();
        oracle = new RiskOracle(registry, MODEL_ID);
        CalldataAllowlistVerifierDouble verifier = new CalldataAllowlistVerifierDouble();
        registry.registerModel(MODEL_ID, address(verifier), FEATURE_COUNT, CLASS_COUNT, 8, 8);

        // PROOF "proves" one logit vector per class, plus a tie, for `features()`.
        verifier.accept(acceptedCalldataHash(logitsFor(0)));
        verifier.accept(acceptedCalldataHash(logitsFor(1)));
        verifier.accept(acceptedCalldataHash(logitsFor(2)));
        verifier.accept(acceptedCalldataHash(tiedLogits()));
    }

    // ---------------------------------------------------------------- fixtures

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
        return keccak256(abi.encodePacked(registry.publicInputs(MODEL_ID, features(), logits), PROOF));
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

        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, MODEL_ID));
        oracle.postAssessment(features(), logitsFor(2), hex"c0ffef");

        // Nothing moved.
        assertEq(oracle.riskClass(), 0, "class changed");
        assertEq(oracle.assessmentCount(), 1, "count changed");
        assertEq(oracle.maxLoanToValueBps(), 8000, "ltv changed");
    }

    function test_RevertWhen_LogitsDoNotMatchProof() public {
        int256[] memory forged = logitsFor(0);
        forged[2] = 1_000; // claim "stressed" with the proof for "calm"
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, MODEL_ID));
        oracle.postAssessment(features(), forged, PROOF);
        assertEq(oracle.assessmentCount(), 0, "count changed");
    }

    function test_RevertWhen_FeaturesDoNotMatchProof() public {
        int256[] memory changed = features();
        changed[0] += 1;
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.InferenceNotVerified.selector, MODEL_ID));
        oracle.postAssessment(changed, logitsFor(0), PROOF);
    }

    function test_RevertWhen_ShapeIsWrong_RegistryErrorBubblesUp() public {
        int256[] memory twoLogits = new int256[](2);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.OutputLengthMismatch.selector, MODEL_ID, CLASS_COUNT, 2)
        );
        oracle.postAssessment(features(), twoLogits, PROOF);
    }

    function test_RevertWhen_NoLogits() public {
        vm.expectRevert(abi.encodeWithSelector(RiskOracle.UnsupportedLogitCount.selector, 0));
        oracle.postAssessment(features(), new int256[](0), PROOF);
    }

    function test_RevertWhen_ModelNotRegistered() public {
        RiskOracle orphan = new RiskOracle(registry, keccak256("never registered"));
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistryErrors.UnknownModel.selector, keccak256("never registered"))
        );
        orphan.postAssessment(features(), logitsFor(0), PROOF);
    }
}
