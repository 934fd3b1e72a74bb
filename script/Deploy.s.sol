// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Vm, VM_ADDRESS} from "../tests/forge/utils/Vm.sol";
import {ModelRegistry} from "../contracts/ModelRegistry.sol";
import {IModelRegistry} from "../contracts/interfaces/IModelRegistry.sol";
import {IZkinferVerifier} from "../contracts/interfaces/IZkinferVerifier.sol";
import {ZkinferVerifier} from "../contracts/verifier/ZkinferVerifier.sol";

/// @title Deploy
/// @notice Deploys a `ModelRegistry` (or reuses one), optionally a verifier (snark-verifier's
///         self-contained contract, version 0) or a universal key (with the universal verifier
///         it needs) and its model registration, and records the addresses in `deployments/<chainId>.json` (format:
///         deployments/README.md, shared with `zkinfer deploy`).
/// @dev Usage, with FORGE set to the forge binary from node_modules (see foundry.toml; NatSpec
///      forbids the at-sign of its path here):
///
///        $FORGE script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 \
///            --broadcast --private-key <deployer key>
///
///      Optional environment:
///        ZKINFER_REGISTRY           address of a ModelRegistry to reuse instead of deploying
///                                   one; ignored (with a note) when it has no code on the chain
///        ZKINFER_VERIFIER_ARTIFACT  forge artifact of a verifier to deploy too, e.g.
///                                   "RiskMlpVerifier.sol:RiskMlpVerifier"
///        ZKINFER_UNIVERSAL_KEY      instead: a `universal-key.json` (`zkinfer
///                                   create-evm-verifier`; path from the project root or
///                                   absolute) whose key contract is deployed and registered
///                                   under the registry's `ZkinferVerifier` version pinned to
///                                   the key's SRS; without one, a `ZkinferVerifier` on that
///                                   SRS is deployed and registered as the next version (the
///                                   registry's owner only). Its `proofLen`, when present,
///                                   is the proof length
///        ZKINFER_MODEL_COMMITMENT   bytes32, the circuit's model commitment (proof.json's
///                                   modelId); with a verifier, registers the model with
///        ZKINFER_INPUT_COUNT, ZKINFER_OUTPUT_COUNT, ZKINFER_INPUT_SCALE, ZKINFER_OUTPUT_SCALE,
///        ZKINFER_PROOF_LENGTH       (all default to 0; public inputs and outputs, fixed
///                                   weights, no circuit digest). The registry derives the
///                                   model id; the file records it.
///        ZKINFER_MODEL_NAME         the model's human name in the file (default empty)
///
///      The file records the registry and the model registered by this run. When the existing
///      file names the registry used, its startBlock and its other models are kept, those the
///      registry still confirms (registered, same verifier); otherwise the file is replaced. A
///      verifier deployed without ZKINFER_MODEL_COMMITMENT is not registered and not recorded.
///      Like a hand-made transaction, the script does not refuse a dev-SRS key on a public
///      chain (`zkinfer deploy` does): check the key's `srsHash` before pointing it at one.
///      Without --broadcast the script only simulates and writes no file: a dry run's addresses
///      hold no code on the real chain.
contract Deploy {
    Vm internal constant vm = Vm(VM_ADDRESS);
    /// @dev forge prints `log(string)` calls to this address (console.log) in the script output.
    address internal constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    /// @dev Object keys of forge's in-memory JSON serializer (global to the run).
    string internal constant ROOT_KEY = "zkinfer.deployment";
    string internal constant MODELS_KEY = "zkinfer.deployment.models";

    /// @notice Runs the deployment and returns what it deployed (or reused).
    function run() external returns (ModelRegistry registry, address verifier) {
        bytes32 modelId;
        Entry memory entry;
        entry.commitment = vm.envOr("ZKINFER_MODEL_COMMITMENT", bytes32(0));
        entry.name = vm.envOr("ZKINFER_MODEL_NAME", string(""));
        address existing = vm.envOr("ZKINFER_REGISTRY", address(0));
        uint256 startBlock = block.number;

        if (existing != address(0) && existing.code.length == 0) {
            note(string.concat("ZKINFER_REGISTRY ", vm.toString(existing), " has no code: deploying a new registry"));
            existing = address(0);
        }
        // A fresh verifier or key gives a fresh model id (the id covers its address), so a model
        // is never "already registered" here.
        if (entry.commitment != bytes32(0)) requirePlainName(entry.name);

        vm.startBroadcast();
        // Contracts from their artifacts, not `new`: their creation code inside this script
        // would push it over EIP-170 (forge build --sizes).
        registry = existing != address(0)
            ? ModelRegistry(existing)
            : ModelRegistry(create(vm.getCode("ModelRegistry.sol:ModelRegistry")));
        (modelId, entry.verifier, entry.version) = deployAndRegister(registry, entry.commitment);
        vm.stopBroadcast();
        verifier = entry.verifier;

        if (verifier != address(0) && modelId == bytes32(0)) {
            note(string.concat("verifier ", vm.toString(verifier), " is not registered (no ZKINFER_MODEL_COMMITMENT)"));
        }
        if (vm.isContext(Vm.ForgeContext.ScriptBroadcast) || vm.isContext(Vm.ForgeContext.ScriptResume)) {
            writeDeployment(registry, startBlock, modelId, entry);
        }
        if (modelId != bytes32(0)) note(string.concat("registered model id ", vm.toString(modelId)));
    }

    /// @dev Deploys what the environment names (a verifier artifact or a universal key) and,
    ///      with a commitment, registers the model. Runs inside the broadcast.
    function deployAndRegister(ModelRegistry registry, bytes32 commitment)
        internal
        returns (bytes32 modelId, address verifier, uint16 version)
    {
        string memory verifierArtifact = vm.envOr("ZKINFER_VERIFIER_ARTIFACT", string(""));
        string memory universalKey = vm.envOr("ZKINFER_UNIVERSAL_KEY", string(""));
        require(
            bytes(verifierArtifact).length == 0 || bytes(universalKey).length == 0,
            "set ZKINFER_VERIFIER_ARTIFACT or ZKINFER_UNIVERSAL_KEY, not both"
        );
        uint256 proofLength = envUint("ZKINFER_PROOF_LENGTH", type(uint24).max);
        if (bytes(verifierArtifact).length > 0) verifier = create(vm.getCode(verifierArtifact));
        if (bytes(universalKey).length > 0) (verifier, version, proofLength) = deployKey(registry, universalKey);
        if (verifier != address(0) && commitment != bytes32(0)) {
            modelId = registry.registerModel(registration(commitment, verifier, version, proofLength));
        }
    }

    /// @dev A model entry of the file.
    struct Entry {
        bytes32 commitment;
        string name;
        address verifier;
        uint16 version;
    }

    /// @dev The registration the environment describes (public, public, fixed; no digest).
    function registration(bytes32 commitment, address verifier, uint16 version, uint256 proofLength)
        internal
        view
        returns (IModelRegistry.ModelRegistration memory r)
    {
        r.commitment = commitment;
        r.verifier = verifier;
        r.verifierVersion = version;
        r.inputCount = uint32(envUint("ZKINFER_INPUT_COUNT", type(uint32).max));
        r.outputCount = uint32(envUint("ZKINFER_OUTPUT_COUNT", type(uint32).max));
        r.inputScale = uint8(envUint("ZKINFER_INPUT_SCALE", type(uint8).max));
        r.outputScale = uint8(envUint("ZKINFER_OUTPUT_SCALE", type(uint8).max));
        r.proofLength = uint32(proofLength);
    }

    /// @dev Deploys the key contract of a `universal-key.json` and finds (or deploys and
    ///      registers) the universal verifier pinned to its SRS. Runs inside the broadcast.
    function deployKey(ModelRegistry registry, string memory file)
        internal
        returns (address key, uint16 version, uint256 proofLength)
    {
        string memory path = bytes(file)[0] == "/" ? file : string.concat(vm.projectRoot(), "/", file);
        require(vm.exists(path), string.concat("ZKINFER_UNIVERSAL_KEY: no file ", path));
        string memory json = vm.readFile(path);
        uint256[4] memory g2;
        uint256[4] memory sG2;
        {
            uint256[] memory g = vm.parseJsonUintArray(json, ".g2");
            uint256[] memory sg = vm.parseJsonUintArray(json, ".sG2");
            require(g.length == 4 && sg.length == 4, string.concat(path, ": g2 and sG2 must have 4 words each"));
            for (uint256 i = 0; i < 4; i++) {
                (g2[i], sG2[i]) = (g[i], sg[i]);
            }
        }
        proofLength = vm.keyExistsJson(json, ".proofLen")
            ? vm.parseJsonUint(json, ".proofLen")
            : envUint("ZKINFER_PROOF_LENGTH", type(uint24).max);
        bytes memory creation = vm.parseJsonBytes(json, ".keyCreationCode");
        // The key's layout version: its first 16-bit field, after the creation prefix (12 bytes)
        // and the runtime code's leading STOP.
        require(creation.length > 15, string.concat(path, ": keyCreationCode is too short to hold a key"));
        uint256 layout = (uint256(uint8(creation[13])) << 8) | uint8(creation[14]);
        version = pinnedVersion(registry, g2, sG2, layout);
        if (version == 0) {
            ZkinferVerifier universal = ZkinferVerifier(
                create(bytes.concat(vm.getCode("ZkinferVerifier.sol:ZkinferVerifier"), abi.encode(g2, sG2)))
            );
            require(
                universal.VK_VERSION() == layout,
                string.concat(path, ": a key of another layout version than this ZkinferVerifier's")
            );
            version = registry.registerVerifier(address(universal));
            note(
                string.concat(
                    "registered ZkinferVerifier ",
                    vm.toString(address(universal)),
                    " as version ",
                    vm.toString(uint256(version))
                )
            );
        }
        key = create(creation);
    }

    /// @dev The newest registered universal verifier version pinned to this SRS that reads keys
    ///      of `layout`, or 0.
    function pinnedVersion(ModelRegistry registry, uint256[4] memory g2, uint256[4] memory sG2, uint256 layout)
        internal
        view
        returns (uint16)
    {
        for (uint16 v = registry.verifierCount(); v > 0; --v) {
            address verifier = registry.getVerifier(v).verifier;
            try IZkinferVerifier(verifier).srs() returns (uint256[4] memory g, uint256[4] memory s) {
                bool same = keccak256(abi.encode(g, s)) == keccak256(abi.encode(g2, sG2));
                if (same && ZkinferVerifier(verifier).VK_VERSION() == layout) return v;
            } catch {}
        }
        return 0;
    }

    /// @dev CREATE of `creationCode` (reverting when it deploys nothing); inside the broadcast,
    ///      forge turns it into a transaction.
    function create(bytes memory creationCode) internal returns (address deployed) {
        assembly {
            deployed := create(0, add(creationCode, 0x20), mload(creationCode))
        }
        require(deployed != address(0) && deployed.code.length > 0, "contract deployment failed");
    }

    /// @dev Writes `deployments/<chainId>.json`; `modelId` zero means no model to add.
    function writeDeployment(ModelRegistry registry, uint256 startBlock, bytes32 modelId, Entry memory entry) internal {
        string memory dir = string.concat(vm.projectRoot(), "/deployments");
        string memory path = string.concat(dir, "/", vm.toString(block.chainid), ".json");
        string memory models = vm.serializeJson(MODELS_KEY, "{}");

        if (vm.exists(path)) {
            string memory old = vm.readFile(path);
            if (recordsRegistry(old, address(registry))) {
                if (vm.keyExistsJson(old, ".startBlock")) {
                    uint256 oldStart = vm.parseJsonUint(old, ".startBlock");
                    if (oldStart < startBlock) startBlock = oldStart;
                }
                models = keepModels(old, registry, modelId, models);
            } else {
                note(string.concat("replacing ", path, ": it records another registry"));
            }
        }
        if (modelId != bytes32(0)) models = addModel(vm.toString(modelId), entry, address(0));

        vm.serializeJson(ROOT_KEY, "{}");
        vm.serializeUint(ROOT_KEY, "chainId", block.chainid);
        vm.serializeUint(ROOT_KEY, "startBlock", startBlock);
        vm.serializeAddress(ROOT_KEY, "modelRegistry", address(registry));
        // A string holding a JSON object is stored as that object: `models` nests.
        string memory json = vm.serializeString(ROOT_KEY, "models", models);

        vm.createDir(dir, true);
        vm.writeJson(json, path);
        note(string.concat("wrote ", path));
    }

    /// @dev Whether an existing file's `modelRegistry` is `registry` (false if unreadable).
    function recordsRegistry(string memory json, address registry) internal view returns (bool) {
        if (!vm.keyExistsJson(json, ".modelRegistry")) return false;
        try vm.parseJsonAddress(json, ".modelRegistry") returns (address recorded) {
            return recorded == registry;
        } catch {
            return false;
        }
    }

    /// @dev Re-adds the models of an existing file, except `skip` and entries the registry does
    ///      not confirm (a file left from an earlier chain with a registry at the same address).
    function keepModels(string memory json, ModelRegistry registry, bytes32 skip, string memory models)
        internal
        returns (string memory)
    {
        if (!vm.keyExistsJson(json, ".models")) return models;
        string[] memory ids = vm.parseJsonKeys(json, ".models");
        for (uint256 i = 0; i < ids.length; ++i) {
            string memory at = string.concat(".models.", ids[i]);
            bytes32 id;
            try vm.parseBytes32(ids[i]) returns (bytes32 parsed) {
                id = parsed;
            } catch {
                continue;
            }
            if (id == bytes32(0) || id == skip || !vm.keyExistsJson(json, string.concat(at, ".verifier"))) continue;
            address verifier = vm.parseJsonAddress(json, string.concat(at, ".verifier"));
            if (!registry.isRegistered(id) || registry.getModel(id).verifier != verifier) {
                note(string.concat("dropping model ", ids[i], ": not registered with that verifier"));
                continue;
            }
            string memory name = vm.keyExistsJson(json, string.concat(at, ".name"))
                ? vm.parseJsonString(json, string.concat(at, ".name"))
                : "";
            address consumer = vm.keyExistsJson(json, string.concat(at, ".consumer"))
                ? vm.parseJsonAddress(json, string.concat(at, ".consumer"))
                : address(0);
            requirePlainName(name);
            IModelRegistry.ModelInfo memory info = registry.getModel(id);
            models = addModel(vm.toString(id), Entry(info.commitment, name, verifier, info.verifierVersion), consumer);
        }
        return models;
    }

    /// @dev Adds `{name, commitment, verifier[, verifierVersion][, consumer]}` under `id` (the
    ///      registry's id) to the models object; returns it.
    function addModel(string memory id, Entry memory e, address consumer) internal returns (string memory models) {
        string memory key = string.concat(MODELS_KEY, ".", id);
        vm.serializeJson(key, "{}");
        vm.serializeString(key, "name", e.name);
        vm.serializeBytes32(key, "commitment", e.commitment);
        string memory entry = vm.serializeAddress(key, "verifier", e.verifier);
        if (e.version != 0) entry = vm.serializeUint(key, "verifierVersion", e.version);
        if (consumer != address(0)) entry = vm.serializeAddress(key, "consumer", consumer);
        models = vm.serializeString(MODELS_KEY, id, entry);
    }

    /// @dev forge's serializeString stores a string that parses as a JSON object as that object,
    ///      so such a name would not round-trip.
    function requirePlainName(string memory name) internal pure {
        bytes memory b = bytes(name);
        uint256 i = 0;
        while (i < b.length && (b[i] == " " || b[i] == "\t" || b[i] == "\n" || b[i] == "\r")) ++i;
        require(i == b.length || b[i] != "{", "model name must not start with '{' (forge would write an object)");
    }

    /// @dev An optional unsigned environment variable (default 0), at most `max`.
    function envUint(string memory name, uint256 max) internal view returns (uint256 value) {
        value = vm.envOr(name, uint256(0));
        require(value <= max, string.concat(name, " is out of range"));
    }

    /// @dev console.log(string), without importing forge-std.
    function note(string memory message) internal view {
        (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string)", message));
        ok;
    }
}
