// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @notice The fields of a proof fixture (`fixtures/*/proof.json`, written by
///         scripts/regen-fixtures.sh) that the registry tests use.
struct ProofFixture {
    /// @dev The circuit's model commitment (the file's `modelId`).
    bytes32 commitment;
    int256[] inputs;
    int256[] outputs;
    bytes proof;
    uint8 inputScale;
    uint8 outputScale;
}

/// @notice Reads proof fixtures, failing with the command that writes them when one is missing.
library ProofFixtures {
    Vm internal constant VM = Vm(VM_ADDRESS);

    /// @param relative The fixture's path from the project root, starting with `/`.
    function read(string memory relative) internal view returns (ProofFixture memory f) {
        string memory path = string.concat(VM.projectRoot(), relative);
        require(VM.exists(path), string.concat(relative, " is missing: run scripts/regen-fixtures.sh"));
        string memory json = VM.readFile(path);
        f.commitment = VM.parseJsonBytes32(json, ".modelId");
        f.inputs = VM.parseJsonIntArray(json, ".inputs");
        f.outputs = VM.parseJsonIntArray(json, ".outputs");
        f.proof = VM.parseJsonBytes(json, ".proof");
        f.inputScale = uint8(VM.parseJsonUint(json, ".inputScale"));
        f.outputScale = uint8(VM.parseJsonUint(json, ".outputScale"));
    }
}
