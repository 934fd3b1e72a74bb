// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @title ModelIds
/// @notice The one definition of a registry model id (crates/chain `model_id` computes the
///         same; a test checks they agree).
library ModelIds {
    /// @notice Domain of model ids, so that an id is never a hash of anything else.
    bytes32 internal constant MODEL_ID_DOMAIN = keccak256("zkinfer.registry.model.v1");

    /// @notice `keccak256(abi.encode(MODEL_ID_DOMAIN, codeHash, registration))`: every field of
    ///         the registration is a static word, so this is 16 words hashed.
    /// @param registration What is registered.
    /// @param codeHash The verifier's EXTCODEHASH.
    /// @return The model id.
    function compute(IModelRegistry.ModelRegistration calldata registration, bytes32 codeHash)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(MODEL_ID_DOMAIN, codeHash, registration));
    }
}
