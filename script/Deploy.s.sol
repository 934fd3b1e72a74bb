// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Vm, VM_ADDRESS} from "../tests/forge/utils/Vm.sol";
import {ModelRegistry} from "../contracts/ModelRegistry.sol";

/// @title Deploy
/// @notice Deploys a `ModelRegistry`, optionally a verifier and its model registration, and
///         records the addresses in `deployments/<chainId>.json` (format: deployments/README.md).
/// @dev Usage, with FORGE set to the forge binary from node_modules (see foundry.toml; NatSpec
///      forbids the at-sign of its path here):
///
///        $FORGE script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 \
///            --broadcast --private-key <deployer key>
///
///      Optional environment:
///        ZKINFER_VERIFIER_ARTIFACT  forge artifact of a verifier to deploy too, e.g.
///                                   "DemoMlpVerifier.sol:DemoMlpVerifier"
///        ZKINFER_MODEL_ID           bytes32; with a verifier, registers it under this id using
///        ZKINFER_INPUT_COUNT, ZKINFER_OUTPUT_COUNT, ZKINFER_INPUT_SCALE, ZKINFER_OUTPUT_SCALE
///                                   (all default to 0)
///      Without --broadcast the script only simulates and writes no file: a dry run's addresses
///      hold no code on the real chain.
contract Deploy {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @notice Runs the deployment and returns what it deployed.
    function run() external returns (ModelRegistry registry, address verifier) {
        string memory verifierArtifact = vm.envOr("ZKINFER_VERIFIER_ARTIFACT", string(""));
        bytes32 modelId = vm.envOr("ZKINFER_MODEL_ID", bytes32(0));

        vm.startBroadcast();
        registry = new ModelRegistry();
        if (bytes(verifierArtifact).length > 0) {
            verifier = deployArtifact(verifierArtifact);
            if (modelId != bytes32(0)) {
                registry.registerModel(
                    modelId,
                    verifier,
                    uint32(vm.envOr("ZKINFER_INPUT_COUNT", uint256(0))),
                    uint32(vm.envOr("ZKINFER_OUTPUT_COUNT", uint256(0))),
                    uint8(vm.envOr("ZKINFER_INPUT_SCALE", uint256(0))),
                    uint8(vm.envOr("ZKINFER_OUTPUT_SCALE", uint256(0)))
                );
            }
        }
        vm.stopBroadcast();

        if (vm.isContext(Vm.ForgeContext.ScriptBroadcast) || vm.isContext(Vm.ForgeContext.ScriptResume)) {
            writeDeployment(address(registry), verifier, verifier == address(0) ? bytes32(0) : modelId);
        }
    }

    /// @dev Creates a contract from a forge artifact's creation code. Runs inside the broadcast,
    ///      so forge turns the CREATE into a transaction like it does for `new`.
    function deployArtifact(string memory artifact) internal returns (address deployed) {
        bytes memory creationCode = vm.getCode(artifact);
        assembly {
            deployed := create(0, add(creationCode, 0x20), mload(creationCode))
        }
        require(deployed != address(0), "verifier deployment failed");
    }

    function writeDeployment(address registry, address verifier, bytes32 modelId) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", block.chainid);
        vm.serializeUint(key, "startBlock", block.number);
        vm.serializeAddress(key, "verifier", verifier);
        vm.serializeBytes32(key, "modelId", modelId);
        string memory json = vm.serializeAddress(key, "modelRegistry", registry);

        string memory dir = string.concat(vm.projectRoot(), "/deployments");
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
