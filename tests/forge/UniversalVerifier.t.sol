// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

import {Test} from "./utils/Test.sol";
import {ZkinferVerifier} from "../../contracts/verifier/ZkinferVerifier.sol";

/// @notice The universal verifier against a real proof of the demo model
///         (`fixtures/risk_mlp/proof.json`) and its key (`fixtures/risk_mlp/universal-key.json`:
///         the key contract's creation code and the dev SRS's G2 points), both written by the
///         Rust toolchain (scripts/regen-fixtures.sh; staleness checked by zkinfer-evm's tests).
contract UniversalVerifierTest is Test {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    ZkinferVerifier internal verifier;
    address internal key;
    bytes internal proof;
    uint256[] internal instances;
    uint256[4] internal g2;
    uint256[4] internal sG2;

    function setUp() public {
        string memory root = vm.projectRoot();
        string memory proofJson = vm.readFile(string.concat(root, "/fixtures/risk_mlp/proof.json"));
        proof = vm.parseJsonBytes(proofJson, ".proof");
        instances = vm.parseJsonUintArray(proofJson, ".instances");
        string memory keyJson = vm.readFile(string.concat(root, "/fixtures/risk_mlp/universal-key.json"));
        bytes memory creation = vm.parseJsonBytes(keyJson, ".keyCreationCode");
        uint256[] memory g = vm.parseJsonUintArray(keyJson, ".g2");
        uint256[] memory s = vm.parseJsonUintArray(keyJson, ".sG2");
        for (uint256 i = 0; i < 4; i++) {
            (g2[i], sG2[i]) = (g[i], s[i]);
        }
        address deployed;
        assembly {
            deployed := create(0, add(creation, 0x20), mload(creation))
        }
        require(deployed.code.length > 0, "key contract not deployed");
        key = deployed;
        verifier = new ZkinferVerifier(g2, sG2);
    }

    /// @dev Whether the verifier accepts; a revert counts as a refusal.
    function accepts(address vk, uint256[] memory values, bytes memory p) internal view returns (bool) {
        try verifier.verify(vk, values, p) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    /// @dev Adds `value` to the 32-byte big-endian word of `b` at byte `at` (no overflow here:
    ///      the words are below 2^254 and `value` below 2^254).
    function addToWord(bytes memory b, uint256 at, uint256 value) internal pure {
        uint256 word;
        assembly {
            word := mload(add(add(b, 0x20), at))
        }
        word += value;
        assembly {
            mstore(add(add(b, 0x20), at), word)
        }
    }

    function test_AcceptsTheRealProof() public view {
        assertTrue(verifier.verify(key, instances, proof), "the real proof was refused");
        (uint256[4] memory g, uint256[4] memory s) = verifier.srs();
        assertEq(g[1], g2[1], "[1]G2 pinned");
        assertEq(s[3], sG2[3], "[s]G2 pinned");
    }

    /// forge-config: default.fuzz.runs = 1024
    function testFuzz_RefusesAFlippedProofByte(uint256 at, uint8 mask) public view {
        at = bound(at, 0, proof.length - 1);
        bytes memory p = bytes.concat(proof);
        p[at] = p[at] ^ bytes1(mask == 0 ? 1 : mask);
        assertFalse(accepts(key, instances, p), "a flipped proof byte was accepted");
    }

    function testFuzz_RefusesAChangedPublicValue(uint256 index, uint256 delta) public view {
        index = bound(index, 0, instances.length - 1);
        delta = bound(delta, 1, R - 1);
        uint256[] memory values = instances;
        values[index] = addmod(values[index], delta, R);
        assertFalse(accepts(key, values, proof), "a changed public value was accepted");
    }

    function test_RefusesNonCanonicalEncodings() public view {
        // A public value as value + r: the same field element, another encoding.
        uint256[] memory values = instances;
        values[2] = values[2] + R;
        assertFalse(accepts(key, values, proof), "non-canonical public value");
        // An evaluation as value + r (evaluations end 128 bytes before the proof's end).
        bytes memory p = bytes.concat(proof);
        addToWord(p, p.length - 128 - 32, R);
        assertFalse(accepts(key, instances, p), "non-canonical evaluation");
        // W' off the curve (y + 1), and a coordinate as y + q.
        bytes memory offCurve = bytes.concat(proof);
        offCurve[offCurve.length - 1] = offCurve[offCurve.length - 1] ^ 0x01;
        assertFalse(accepts(key, instances, offCurve), "point off the curve");
        bytes memory bigY = bytes.concat(proof);
        addToWord(bigY, bigY.length - 32, Q);
        assertFalse(accepts(key, instances, bigY), "non-canonical coordinate");
    }

    function test_RevertsOnTrailingOrMissingBytes() public {
        uint256 n = proof.length;
        vm.expectRevert(abi.encodeWithSelector(ZkinferVerifier.ProofLength.selector, n, n + 1));
        verifier.verify(key, instances, bytes.concat(proof, hex"00"));
        bytes memory shorter = new bytes(n - 32);
        for (uint256 i = 0; i < shorter.length; i++) {
            shorter[i] = proof[i];
        }
        vm.expectRevert(abi.encodeWithSelector(ZkinferVerifier.ProofLength.selector, n, n - 32));
        verifier.verify(key, instances, shorter);
        uint256[] memory fewer = new uint256[](instances.length - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ZkinferVerifier.InstanceCount.selector, instances.length, instances.length - 1)
        );
        verifier.verify(key, fewer, proof);
    }

    function test_RefusesAnotherSrsAndNonKeys() public {
        // Pinned to [s]G2 = [1]G2: another SRS.
        ZkinferVerifier other = new ZkinferVerifier(g2, g2);
        assertFalse(other.verify(key, instances, proof), "a verifier on another SRS accepted");
        vm.expectRevert(abi.encodeWithSelector(ZkinferVerifier.UnsupportedKey.selector, address(0xBEEF), 0));
        verifier.verify(address(0xBEEF), instances, proof);
        assertFalse(accepts(address(verifier), instances, proof), "the verifier's own code taken as a key");
    }
}
