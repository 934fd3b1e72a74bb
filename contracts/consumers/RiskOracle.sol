// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IInferenceVerifier} from "../interfaces/IInferenceVerifier.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {InstanceEncoding} from "../libraries/InstanceEncoding.sol";

/// @title RiskOracle
/// @notice Example consumer: a lending market's risk oracle driven by a proven ML classifier.
///         Anyone may post the classifier's output for current market features, but the oracle
///         only accepts it with a valid proof of inference, and only then moves the collateral
///         factor it publishes.
/// @dev The intended model takes 8 market features and produces 3 logits: class 0 = calm,
///      1 = volatile, 2 = stressed. The oracle does not check those counts itself: the registry
///      enforces the counts recorded for `modelId`, so swapping the model for one with another
///      shape needs no change here. Any class index beyond "stressed" is treated as stressed.
///      The model id is pinned at construction. Registry ids are content-addressed (they cover
///      the verifier's code hash, the shapes, scales and visibilities), so the pinned id means
///      one verifier and one statement forever. A model with private weights is refused at
///      construction: its proofs bind no weights, so any weights would "prove" any output.
contract RiskOracle {
    /// @notice Class index for a calm market.
    uint8 public constant CLASS_CALM = 0;
    /// @notice Class index for a volatile market.
    uint8 public constant CLASS_VOLATILE = 1;
    /// @notice Class index for a stressed market.
    uint8 public constant CLASS_STRESSED = 2;

    /// @notice Maximum loan-to-value, in basis points, while the market is calm.
    uint16 public constant CALM_LTV_BPS = 8000;
    /// @notice Maximum loan-to-value, in basis points, while the market is volatile.
    uint16 public constant VOLATILE_LTV_BPS = 6000;
    /// @notice Maximum loan-to-value, in basis points, while stressed or before any assessment.
    uint16 public constant STRESSED_LTV_BPS = 3000;

    /// @notice Where proofs are checked (normally the `ModelRegistry`).
    IInferenceVerifier public immutable inferenceVerifier;
    /// @notice The registered model whose outputs this oracle accepts.
    bytes32 public immutable modelId;

    /// @notice The class of the latest verified assessment (meaningless while `assessmentCount == 0`).
    uint8 public riskClass;
    /// @notice keccak256 of the ABI-encoded features of the latest verified assessment.
    bytes32 public lastFeaturesHash;
    /// @notice Block number of the latest verified assessment.
    uint256 public lastAssessmentBlock;
    /// @notice Number of verified assessments so far.
    uint256 public assessmentCount;

    /// @notice A verified assessment was recorded.
    /// @param riskClass The argmax class of the logits.
    /// @param logits The model outputs that were proven.
    /// @param poster The account that posted the assessment.
    event RiskUpdated(uint8 riskClass, int256[] logits, address indexed poster);

    /// @notice The proof did not verify for these features and logits.
    /// @param modelId The model the proof was checked against.
    error InferenceNotVerified(bytes32 modelId);

    /// @notice The model's weights are private (bound by nothing): its outputs mean nothing.
    /// @param modelId The refused model.
    error UnboundWeights(bytes32 modelId);

    /// @notice The logits cannot name a class: none at all, or more than a uint8 can index.
    /// @param count The number of logits supplied.
    error UnsupportedLogitCount(uint256 count);

    /// @dev Reverts `UnboundWeights` for a model with private weights, and the registry's
    ///      `UnknownModel` for an id it does not know.
    /// @param verifier The `ModelRegistry` the model is registered in.
    /// @param model The registered model id of the risk classifier.
    constructor(IModelRegistry verifier, bytes32 model) {
        if (verifier.getVisibility(model).weights == InstanceEncoding.PRIVATE) revert UnboundWeights(model);
        inferenceVerifier = verifier;
        modelId = model;
    }

    /// @notice Records a new risk assessment if its proof of inference verifies.
    /// @dev Reverts `InferenceNotVerified` on a bad proof; the registry's own errors (unknown
    ///      model, wrong lengths, out-of-range values) bubble up unchanged.
    /// @param features The model inputs (market features) as fixed-point integers.
    /// @param logits The model outputs (one logit per class) as fixed-point integers.
    /// @param proof The proof of inference.
    function postAssessment(int256[] calldata features, int256[] calldata logits, bytes calldata proof) external {
        if (logits.length == 0 || logits.length > uint256(type(uint8).max) + 1) {
            revert UnsupportedLogitCount(logits.length);
        }
        if (!inferenceVerifier.verifyInference(modelId, features, logits, proof)) {
            revert InferenceNotVerified(modelId);
        }

        uint8 class = _argmax(logits);
        riskClass = class;
        lastFeaturesHash = keccak256(abi.encode(features));
        lastAssessmentBlock = block.number;
        ++assessmentCount;
        emit RiskUpdated(class, logits, msg.sender);
    }

    /// @notice The collateral factor a lending market should apply right now.
    /// @return The maximum loan-to-value in basis points of the collateral value.
    function maxLoanToValueBps() external view returns (uint16) {
        // Without a verified assessment, assume the worst.
        if (assessmentCount == 0) return STRESSED_LTV_BPS;
        if (riskClass == CLASS_CALM) return CALM_LTV_BPS;
        if (riskClass == CLASS_VOLATILE) return VOLATILE_LTV_BPS;
        return STRESSED_LTV_BPS;
    }

    /// @dev Index of the largest logit; ties go to the later (riskier) class, to err on the
    ///      side of caution. The caller guarantees 1 to 256 logits.
    function _argmax(int256[] calldata logits) private pure returns (uint8 best) {
        for (uint256 i = 1; i < logits.length; ++i) {
            // i < logits.length <= 256, so it fits.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (logits[i] >= logits[best]) best = uint8(i);
        }
    }
}
