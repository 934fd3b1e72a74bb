// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "../utils/Test.sol";
import {PredictedCalls} from "../utils/PredictedCalls.sol";
import {CalldataAllowlistVerifierDouble} from "../CalldataAllowlistVerifierDouble.sol";
import {ModelRegistry} from "../../../contracts/ModelRegistry.sol";
import {ModelIds} from "../../../contracts/libraries/ModelIds.sol";
import {IModelRegistry, IModelRegistryErrors} from "../../../contracts/interfaces/IModelRegistry.sol";

/// @title RegistryHandler
/// @notice What tests/forge/InvariantRegistry.t.sol fuzzes: drives a `ModelRegistry` (which it
///         owns) and keeps its own record of every entry the registry accepted.
contract RegistryHandler is Test, PredictedCalls {
    address internal constant HONEST = address(0xA11CE);
    address internal constant ATTACKER = address(0xBAD);
    /// @dev A key whose code `swapKeyCode` toggles between two versions.
    address internal constant METAMORPHIC = address(0xC0DE);
    bytes internal constant CODE_A = hex"600160005260206000f3";
    bytes internal constant CODE_B = hex"00c0ffee";

    ModelRegistry public immutable registry;
    /// @dev Two doubles (one code, two addresses), the metamorphic key and an account without code.
    address[4] internal _keys;

    IModelRegistry.ModelRegistration[] internal _registrations;
    IModelRegistry.ModelInfo[] internal _infos;
    bytes32[] public ids;
    mapping(bytes32 modelId => bool) public isRecorded;

    IModelRegistry.UniversalVerifierInfo[] internal _versions;
    bool public verifiersFrozen;
    uint256 public versionsAtFreeze;

    bytes32[] internal _configKeys;
    mapping(bytes32 configKey => IModelRegistry.AggregationVerifierInfo) internal _aggregators;
    bool public aggregationFrozen;
    uint256 public configKeysAtFreeze;

    uint256 internal _time = 1_700_000_000;
    uint256 internal _block = 100;

    constructor() {
        registry = new ModelRegistry();
        vm.etch(METAMORPHIC, CODE_A);
        _keys = [
            address(new CalldataAllowlistVerifierDouble()),
            address(new CalldataAllowlistVerifierDouble()),
            METAMORPHIC,
            address(0xE0A)
        ];
    }

    /// @dev Applies the handler's own clock, and checks that the counts only grew.
    modifier step() {
        vm.warp(_time);
        vm.roll(_block);
        uint256 versionsBefore = registry.verifierCount();
        uint256 keysBefore = registry.aggregationConfigKeys().length;
        _;
        if (registry.verifierCount() < versionsBefore) _surprise("verifierCount decreased");
        if (registry.aggregationConfigKeys().length < keysBefore) _surprise("config keys decreased");
    }

    // ------------------------------------------------------------------ actions

    function registerModel(uint256 senderSeed, uint256 commitmentSeed, uint256 shapeSeed, uint256 visibilitySeed)
        external
        step
    {
        IModelRegistry.ModelRegistration memory r;
        uint256 c = commitmentSeed % 5;
        r.commitment = c == 0 ? bytes32(0) : keccak256(abi.encode("commitment", c));
        r.verifier = _keys[(commitmentSeed >> 8) % 4];
        r.verifierVersion = uint16((commitmentSeed >> 16) % (_versions.length + 2)); // may be unknown
        r.inputCount = uint32(shapeSeed % 4);
        r.outputCount = uint32((shapeSeed >> 8) % 4);
        r.inputScale = uint8((shapeSeed >> 16) % 3);
        r.outputScale = uint8((shapeSeed >> 24) % 3);
        r.proofLength = uint32(1 + (shapeSeed >> 32) % 4);
        r.circuitDigest = (shapeSeed >> 40) % 3;
        r.visibility.inputs = uint8(visibilitySeed % 3);
        r.visibility.outputs = uint8((visibilitySeed >> 8) % 3);
        r.visibility.weights = uint8((visibilitySeed >> 16) % 3);
        if (r.visibility.weights == 2) r.visibility.weightsHash = 1 + (visibilitySeed >> 24) % 2;
        _register(r, senderSeed % 2 == 0 ? HONEST : ATTACKER);
    }

    /// @dev Registers a recorded entry again, as is: refused unless its key's code changed.
    function reregister(uint256 senderSeed, uint256 index) external step {
        if (ids.length == 0) return;
        _register(_registrations[index % ids.length], senderSeed % 2 == 0 ? HONEST : ATTACKER);
    }

    /// @dev The attacker registers a recorded commitment with one thing changed.
    function squat(uint256 index, uint256 tweakSeed) external step {
        if (ids.length == 0) return;
        IModelRegistry.ModelRegistration memory r = _registrations[index % ids.length];
        uint256 tweak = tweakSeed % 4;
        if (tweak == 0) r.verifier = _keys[(tweakSeed >> 8) % 4];
        else if (tweak == 1) r.inputScale ^= 1;
        else if (tweak == 2) r.proofLength += 1;
        else r.visibility.inputs = r.visibility.inputs == 0 ? 1 : 0;
        _register(r, ATTACKER);
    }

    function registerVerifier(uint256 senderSeed, uint256 keySeed) external step {
        address sender = senderSeed % 3 == 0 ? ATTACKER : address(this);
        address key = _keys[keySeed % 4];
        bytes memory expected;
        if (sender != address(this)) expected = abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, sender);
        else if (verifiersFrozen) expected = abi.encodeWithSelector(IModelRegistryErrors.VerifiersAreFrozen.selector);
        else if (key.code.length == 0) expected = _noCode(key);
        vm.prank(sender);
        try registry.registerVerifier(key) returns (uint16 version) {
            if (expected.length != 0) return _surprise("registerVerifier accepted a forbidden call");
            if (version != _versions.length + 1) _surprise("registerVerifier skipped a version");
            _versions.push(IModelRegistry.UniversalVerifierInfo({verifier: key, codeHash: keccak256(key.code)}));
        } catch (bytes memory err) {
            _expectRevert("registerVerifier", err, expected);
        }
    }

    function freezeVerifiers(uint256 senderSeed) external step {
        address sender = senderSeed % 3 == 0 ? ATTACKER : address(this);
        bytes memory expected;
        if (sender != address(this)) expected = abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, sender);
        else if (verifiersFrozen) expected = abi.encodeWithSelector(IModelRegistryErrors.VerifiersAreFrozen.selector);
        vm.prank(sender);
        try registry.freezeVerifiers() {
            if (expected.length != 0) return _surprise("freezeVerifiers accepted a forbidden call");
            (verifiersFrozen, versionsAtFreeze) = (true, _versions.length);
        } catch (bytes memory err) {
            _expectRevert("freezeVerifiers", err, expected);
        }
    }

    function registerAggregationVerifier(uint256 senderSeed, uint256 keySeed, uint256 membersSeed) external step {
        _registerAggregation(senderSeed, keySeed, membersSeed, 0, false);
    }

    /// @dev A key for the universal verifier: `versionSeed` may name version 0 or an unknown one.
    function registerAggregationKey(uint256 senderSeed, uint256 keySeed, uint256 membersSeed, uint256 versionSeed)
        external
        step
    {
        _registerAggregation(senderSeed, keySeed, membersSeed, uint16(versionSeed % (_versions.length + 2)), true);
    }

    function freezeAggregationVerifiers(uint256 senderSeed) external step {
        address sender = senderSeed % 3 == 0 ? ATTACKER : address(this);
        bytes memory expected;
        if (sender != address(this)) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, sender);
        } else if (aggregationFrozen) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.AggregationVerifiersAreFrozen.selector);
        }
        vm.prank(sender);
        try registry.freezeAggregationVerifiers() {
            if (expected.length != 0) return _surprise("freezeAggregationVerifiers accepted a forbidden call");
            (aggregationFrozen, configKeysAtFreeze) = (true, _configKeys.length);
        } catch (bytes memory err) {
            _expectRevert("freezeAggregationVerifiers", err, expected);
        }
    }

    function advanceClock(uint256 secondsSeed, uint256 blocksSeed) external step {
        _time += bound(secondsSeed, 1, 30 days);
        _block += bound(blocksSeed, 1, 1000);
    }

    function swapKeyCode() external step {
        vm.etch(METAMORPHIC, keccak256(METAMORPHIC.code) == keccak256(CODE_A) ? CODE_B : CODE_A);
    }

    // ------------------------------------------------------------------ the record

    function entry(uint256 i)
        external
        view
        returns (IModelRegistry.ModelRegistration memory, IModelRegistry.ModelInfo memory)
    {
        return (_registrations[i], _infos[i]);
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function versions() external view returns (IModelRegistry.UniversalVerifierInfo[] memory) {
        return _versions;
    }

    function configKeys() external view returns (bytes32[] memory) {
        return _configKeys;
    }

    function aggregator(bytes32 configKey) external view returns (IModelRegistry.AggregationVerifierInfo memory) {
        return _aggregators[configKey];
    }

    /// @dev The id of `r` with a key whose code hash is `codeHash` (see `ModelIds`).
    function idOf(IModelRegistry.ModelRegistration memory r, bytes32 codeHash) public pure returns (bytes32) {
        return keccak256(abi.encode(ModelIds.MODEL_ID_DOMAIN, codeHash, r));
    }

    // ------------------------------------------------------------------ internals

    function _register(IModelRegistry.ModelRegistration memory r, address sender) internal {
        bytes memory expected;
        bytes32 id;
        if (r.commitment == bytes32(0)) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.ZeroModelId.selector);
        } else if (r.verifier.code.length == 0) {
            expected = _noCode(r.verifier);
        } else if (r.verifierVersion > _versions.length) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.UnknownVerifierVersion.selector, r.verifierVersion);
        } else {
            id = idOf(r, keccak256(r.verifier.code));
            if (isRecorded[id]) {
                expected = abi.encodeWithSelector(IModelRegistryErrors.ModelAlreadyRegistered.selector, id);
            }
        }
        vm.prank(sender);
        try registry.registerModel(r) returns (bytes32 got) {
            if (expected.length != 0) return _surprise("registerModel accepted a forbidden registration");
            if (got != id) _surprise("registerModel returned another id");
            _registrations.push(r);
            ids.push(got);
            isRecorded[got] = true;
            _infos.push(_expectedInfo(r, sender));
        } catch (bytes memory err) {
            _expectRevert("registerModel", err, expected);
        }
    }

    /// @dev The entry `getModel` must return for `r`, registered now by `sender`.
    function _expectedInfo(IModelRegistry.ModelRegistration memory r, address sender)
        internal
        view
        returns (IModelRegistry.ModelInfo memory info)
    {
        info.commitment = r.commitment;
        info.verifier = r.verifier;
        info.verifierVersion = r.verifierVersion;
        info.verifierCodeHash = keccak256(r.verifier.code);
        info.inputCount = r.inputCount;
        info.outputCount = r.outputCount;
        info.inputScale = r.inputScale;
        info.outputScale = r.outputScale;
        info.proofLength = r.proofLength;
        info.registrant = sender;
        info.registeredAtBlock = uint48(_block);
        info.registeredAtTime = uint48(_time);
    }

    /// @dev `registerAggregationKey` (`asKey`, naming `version`) or `registerAggregationVerifier`,
    ///      its outcome predicted in the registry's order of checks.
    function _registerAggregation(uint256 senderSeed, uint256 keySeed, uint256 membersSeed, uint16 version, bool asKey)
        internal
    {
        address sender = senderSeed % 3 == 0 ? ATTACKER : address(this);
        address key = _keys[keySeed % 4];
        uint256[] memory digests = new uint256[](1 + membersSeed % 2);
        for (uint256 i = 0; i < digests.length; ++i) {
            digests[i] = 1 + (membersSeed >> (8 * (i + 1))) % 3;
        }
        bytes32 configKey = keccak256(abi.encodePacked(digests));
        uint32 proofLength = uint32(12 * 32 + 1 + keySeed % 64);
        bytes memory expected;
        if (asKey && (version == 0 || version > _versions.length)) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.UnknownVerifierVersion.selector, version);
        } else if (sender != address(this)) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.NotOwner.selector, sender);
        } else if (aggregationFrozen) {
            expected = abi.encodeWithSelector(IModelRegistryErrors.AggregationVerifiersAreFrozen.selector);
        } else if (key.code.length == 0) {
            expected = _noCode(key);
        } else if (_aggregators[configKey].verifier != address(0)) {
            bytes4 selector = IModelRegistryErrors.AggregationVerifierAlreadyRegistered.selector;
            expected = abi.encodeWithSelector(selector, configKey);
        }
        string memory name = asKey ? "registerAggregationKey" : "registerAggregationVerifier";
        bytes memory data = asKey
            ? abi.encodeWithSelector(registry.registerAggregationKey.selector, key, version, digests, proofLength)
            : abi.encodeWithSelector(registry.registerAggregationVerifier.selector, key, digests, proofLength);
        vm.prank(sender);
        (bool ok, bytes memory ret) = address(registry).call(data);
        if (ok) {
            if (expected.length != 0) return _surprise(string.concat(name, " accepted a forbidden call"));
            if (abi.decode(ret, (bytes32)) != configKey) _surprise(string.concat(name, " returned another key"));
            _configKeys.push(configKey);
            _aggregators[configKey] = IModelRegistry.AggregationVerifierInfo({
                verifier: key,
                verifierCodeHash: keccak256(key.code),
                memberCount: uint32(digests.length),
                proofLength: proofLength,
                verifierVersion: version
            });
        } else {
            _expectRevert(name, ret, expected);
        }
    }

    function _noCode(address key) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IModelRegistryErrors.VerifierHasNoCode.selector, key);
    }
}
