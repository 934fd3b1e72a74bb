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

/// @notice A key fixture for the universal verifier (`fixtures/*/universal-key.json`).
struct KeyFixture {
    /// @dev Creation code of the key contract.
    bytes creation;
    /// @dev The SRS's `[1]G2` and `[s]G2`, as `ZkinferVerifier`'s constructor takes them.
    uint256[4] g2;
    uint256[4] sG2;
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

    /// @param relative The key fixture's path from the project root, starting with `/`.
    function readKey(string memory relative) internal view returns (KeyFixture memory k) {
        string memory path = string.concat(VM.projectRoot(), relative);
        require(VM.exists(path), string.concat(relative, " is missing: run scripts/regen-fixtures.sh"));
        string memory json = VM.readFile(path);
        k.creation = VM.parseJsonBytes(json, ".keyCreationCode");
        uint256[] memory g = VM.parseJsonUintArray(json, ".g2");
        uint256[] memory s = VM.parseJsonUintArray(json, ".sG2");
        for (uint256 i = 0; i < 4; i++) {
            (k.g2[i], k.sG2[i]) = (g[i], s[i]);
        }
    }

    /// @notice Deploys `creation` (a key contract), failing if nothing was deployed.
    function deploy(bytes memory creation) internal returns (address deployed) {
        assembly {
            deployed := create(0, add(creation, 0x20), mload(creation))
        }
        require(deployed.code.length > 0, "contract not deployed");
    }
}
