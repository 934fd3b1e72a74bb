// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IModelRegistry} from "../../../contracts/interfaces/IModelRegistry.sol";

/// @notice Builds registry registrations for the tests.
library Registrations {
    /// @dev A registration with public inputs and outputs, fixed weights and no circuit digest.
    function plain(
        bytes32 commitment,
        address verifier,
        uint256 inputCount,
        uint256 outputCount,
        uint8 inputScale,
        uint8 outputScale,
        uint256 proofLength
    ) internal pure returns (IModelRegistry.ModelRegistration memory r) {
        r.commitment = commitment;
        r.verifier = verifier;
        r.inputCount = uint32(inputCount);
        r.outputCount = uint32(outputCount);
        r.inputScale = inputScale;
        r.outputScale = outputScale;
        r.proofLength = uint32(proofLength);
    }
}
