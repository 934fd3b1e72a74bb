// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

// Invariants of the model registry, which consumers trust by pinning a model id. Honest and
// attacker accounts register models (new, repeated, squatting an honest commitment with other
// content, naming unknown verifier versions), the owner and an attacker register and freeze
// universal verifiers, aggregation verifiers and aggregation keys (naming known, unknown and
// zero versions), time passes and a key's code is swapped (a metamorphic
// contract). Whatever happens: a registered entry never changes, its id stays the hash of what
// was registered with its key's code hash at registration, verifier entries never change, and
// nothing joins a frozen set. The handler (handlers/RegistryHandler.sol) predicts each call's
// outcome, down to the exact revert data.

import {Test} from "./utils/Test.sol";
import {InvariantTargets} from "./utils/InvariantTargets.sol";
import {RegistryHandler} from "./handlers/RegistryHandler.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";

/// @notice The registry invariants, checked after every handler call.
contract InvariantRegistryTest is Test, InvariantTargets {
    RegistryHandler internal handler;
    ModelRegistry internal registry;

    function setUp() public {
        handler = new RegistryHandler();
        registry = handler.registry();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = RegistryHandler.registerModel.selector;
        selectors[1] = RegistryHandler.reregister.selector;
        selectors[2] = RegistryHandler.squat.selector;
        selectors[3] = RegistryHandler.registerVerifier.selector;
        selectors[4] = RegistryHandler.freezeVerifiers.selector;
        selectors[5] = RegistryHandler.registerAggregationVerifier.selector;
        selectors[6] = RegistryHandler.freezeAggregationVerifiers.selector;
        selectors[7] = RegistryHandler.advanceClock.selector;
        selectors[8] = RegistryHandler.swapKeyCode.selector;
        selectors[9] = RegistryHandler.registerAggregationKey.selector;
        targetSelector(address(handler), selectors);
    }

    /// @dev Every field `getModel`, `getVisibility` and `circuitDigest` return is as registered.
    function invariant_RegisteredEntriesNeverChange() public view {
        for (uint256 i = 0; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            (IModelRegistry.ModelRegistration memory r, IModelRegistry.ModelInfo memory want) = handler.entry(i);
            IModelRegistry.ModelInfo memory got = registry.getModel(id);
            assertEq(abi.encode(got), abi.encode(want), "a registered entry changed");
            IModelRegistry.ModelVisibility memory visibility = registry.getVisibility(id);
            assertEq(abi.encode(visibility), abi.encode(r.visibility), "visibility changed");
            assertEq(registry.circuitDigest(id), r.circuitDigest, "circuit digest changed");
        }
    }

    /// @dev An id is the hash of its registration with the key's code hash at registration; the
    ///      registry gives that registration this id exactly while the key's code is unchanged.
    function invariant_IdsStayBoundToTheirKey() public view {
        uint256 count = handler.idCount();
        for (uint256 i = 0; i < count; ++i) {
            bytes32 id = handler.ids(i);
            (IModelRegistry.ModelRegistration memory r, IModelRegistry.ModelInfo memory info) = handler.entry(i);
            assertEq(handler.idOf(r, info.verifierCodeHash), id, "id is not the hash of its content");
            bool sameCode = keccak256(r.verifier.code) == info.verifierCodeHash;
            assertTrue((registry.computeModelId(r) == id) == sameCode, "computeModelId unbound from the key code");
            for (uint256 j = i + 1; j < count; ++j) {
                assertTrue(handler.ids(j) != id, "two registrations share an id");
            }
        }
    }

    /// @dev Versions and aggregation entries are append-only and never change.
    function invariant_VerifierEntriesNeverChange() public view {
        IModelRegistry.UniversalVerifierInfo[] memory versions = handler.versions();
        assertEq(registry.verifierCount(), versions.length, "verifier count");
        for (uint256 v = 0; v < versions.length; ++v) {
            IModelRegistry.UniversalVerifierInfo memory got = registry.getVerifier(uint16(v + 1));
            assertEq(got.verifier, versions[v].verifier, "a version's verifier changed");
            assertEq(got.codeHash, versions[v].codeHash, "a version's code hash changed");
        }
        bytes32[] memory keys = handler.configKeys();
        bytes32[] memory registered = registry.aggregationConfigKeys();
        assertEq(registered.length, keys.length, "config key count");
        for (uint256 k = 0; k < keys.length; ++k) {
            assertEq(registered[k], keys[k], "config keys reordered");
            IModelRegistry.AggregationVerifierInfo memory got = registry.getAggregationVerifier(keys[k]);
            assertEq(abi.encode(got), abi.encode(handler.aggregator(keys[k])), "an aggregation entry changed");
        }
    }

    function invariant_NothingJoinsAFrozenSet() public view {
        assertTrue(registry.verifiersFrozen() == handler.verifiersFrozen(), "verifiers frozen flag");
        if (handler.verifiersFrozen()) {
            assertEq(registry.verifierCount(), handler.versionsAtFreeze(), "a version joined after the freeze");
        }
        assertTrue(registry.aggregationVerifiersFrozen() == handler.aggregationFrozen(), "aggregation frozen flag");
        if (handler.aggregationFrozen()) {
            uint256 keys = registry.aggregationConfigKeys().length;
            assertEq(keys, handler.configKeysAtFreeze(), "an aggregation verifier joined after the freeze");
        }
    }

    /// @dev Every call succeeded or reverted exactly as the handler predicted.
    function invariant_EveryCallBehavedAsPredicted() public view {
        assertEq(handler.surprises(), 0, handler.firstSurprise());
    }
}
