// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.19;

/// @title ZkinferVerifier
/// @notice One verifier for every circuit zkinfer compiles: halo2 proofs (SHPLONK, KZG on BN254,
///         Keccak transcript as snark-verifier's `EvmTranscript`). The circuit-specific part, the
///         verifying key, is data: the runtime code of a key contract (`0x00` then the key), read
///         with EXTCODECOPY. Its layout is written by zkinfer-evm (`VkData::to_bytes`); the header
///         indices below are checked against that crate by a test.
/// @dev The SRS is pinned at deployment: `[1]G2` and `[s]G2` are immutable, so a key or proof
///      made on another SRS cannot verify here. Proofs must have exactly the key's length, every
///      scalar must be canonical (< r) and every point canonical and on the curve.
contract ZkinferVerifier {
    /// @notice The key contract is not a key of this verifier's layout version, or its domain's
    ///         numbers disagree (`w * w^-1` or `n * (1/n)` not 1).
    error UnsupportedKey(address vk, uint256 version);
    /// @notice The number of public values differs from the key's.
    error InstanceCount(uint256 expected, uint256 actual);
    /// @notice The proof has trailing or missing bytes.
    error ProofLength(uint256 expected, uint256 actual);

    /// @notice Layout version of the keys this verifier reads.
    uint256 public constant VK_VERSION = 4;

    /// @dev A key's header: 16-bit fields (field i at byte 2i), then field elements (word i at
    ///      byte HEADER_FIELD_BYTES + 32i); zkinfer-evm's `HEADER` and `HEADER_WORDS`, checked by a test.
    uint256 private constant H_VERSION = 0;
    uint256 private constant H_K = 1;
    uint256 private constant H_NUM_INSTANCE = 2;
    uint256 private constant H_NUM_PHASES = 3;
    uint256 private constant H_NUM_CHUNKS = 4;
    uint256 private constant H_NUM_EVALS = 5;
    uint256 private constant H_NUM_PRE = 6;
    uint256 private constant H_NUM_COMMITMENTS = 7;
    uint256 private constant H_NUM_CHALLENGES = 8;
    uint256 private constant H_NUM_WITNESS = 9;
    uint256 private constant H_NUM_OPS = 10;
    uint256 private constant H_MAX_STACK = 11;
    uint256 private constant H_NUM_LAGRANGE = 12;
    uint256 private constant H_NUM_ROTATIONS = 13;
    uint256 private constant H_NUM_SETS = 14;
    uint256 private constant H_OFF_PHASES = 15;
    uint256 private constant H_OFF_PRE = 16;
    uint256 private constant H_OFF_CONSTS = 17;
    uint256 private constant H_OFF_LAGRANGE = 18;
    uint256 private constant H_OFF_CODE = 19;
    uint256 private constant H_OFF_ROTATIONS = 20;
    uint256 private constant H_OFF_SETS = 21;
    uint256 private constant H_PROOF_LEN = 22;
    uint256 private constant H_NUM_CONSTS = 23;
    uint256 private constant H_ACCUMULATOR = 24;
    uint256 private constant W_N_INV = 0;
    uint256 private constant W_OMEGA = 1;
    uint256 private constant W_OMEGA_INV = 2;
    uint256 private constant W_INIT = 3;
    uint256 private constant HEADER_FIELD_BYTES = 50;
    uint256 private constant HEADER_BYTES = 178;
    /// @dev An aggregation circuit's KZG accumulator among the public values: per coordinate
    ///      ACC_LIMBS limbs of ACC_LIMB_BITS bits, least significant first (zkinfer-evm's
    ///      `ACCUMULATOR_LIMBS`, `ACCUMULATOR_LIMB_BITS`).
    uint256 private constant ACC_LIMBS = 3;
    uint256 private constant ACC_LIMB_BITS = 88;

    uint256 private immutable G2_X1;
    uint256 private immutable G2_X0;
    uint256 private immutable G2_Y1;
    uint256 private immutable G2_Y0;
    uint256 private immutable S_G2_X1;
    uint256 private immutable S_G2_X0;
    uint256 private immutable S_G2_Y1;
    uint256 private immutable S_G2_Y0;

    /// @param g2 The SRS's `[1]G2` as the pairing precompile reads it (`x.c1, x.c0, y.c1, y.c0`).
    /// @param sG2 The SRS's `[s]G2`, same order.
    constructor(uint256[4] memory g2, uint256[4] memory sG2) {
        (G2_X1, G2_X0, G2_Y1, G2_Y0) = (g2[0], g2[1], g2[2], g2[3]);
        (S_G2_X1, S_G2_X0, S_G2_Y1, S_G2_Y0) = (sG2[0], sG2[1], sG2[2], sG2[3]);
    }

    /// @notice The SRS this verifier accepts.
    function srs() external view returns (uint256[4] memory g2, uint256[4] memory sG2) {
        g2 = [G2_X1, G2_X0, G2_Y1, G2_Y0];
        sG2 = [S_G2_X1, S_G2_X0, S_G2_Y1, S_G2_Y0];
    }

    /// @notice Verifies `proof` for the public values `instances` against the key held by `vk`.
    /// @return ok Whether the proof is valid; malformed values (non-canonical scalars, points off
    ///         the curve) give false, a wrong public value count or proof length reverts.
    function verify(address vk, uint256[] calldata instances, bytes calldata proof) external view returns (bool ok) {
        uint256[8] memory g;
        g = [G2_X1, G2_X0, G2_Y1, G2_Y0, S_G2_X1, S_G2_X0, S_G2_Y1, S_G2_Y0];
        bytes4 unsupported = UnsupportedKey.selector;
        bytes4 countError = InstanceCount.selector;
        bytes4 lengthError = ProofLength.selector;
        assembly {
            // Memory: Solidity's own below 0x400; fixed slots from 0x400 (slot(0) is the
            // allocation pointer); the key from 0xa00; then arrays.
            function slot(i) -> p {
                p := add(0x400, shl(5, i))
            }
            // A 16-bit field of the key's header (the key's other 16-bit numbers are read as
            // shr(240, mload(p)) in place: a Yul function call costs more than the read).
            function hdr(i) -> v {
                v := shr(240, mload(add(0xa00, shl(1, i))))
            }
            function hword(i) -> v {
                v := mload(add(0xa00, add(HEADER_FIELD_BYTES, shl(5, i))))
            }
            function section(i) -> p {
                p := add(0xa00, hdr(i))
            }
            function alloc(words) -> p {
                p := mload(0x400)
                mstore(0x400, add(p, shl(5, words)))
            }
            function fr() -> r {
                r := 21888242871839275222246405745257275088548364400416034343698204186575808495617
            }
            function fq() -> q {
                q := 21888242871839275222246405745257275088696311157297823662689037894645226208583
            }
            function fail(selector, a, b) {
                mstore(0, selector)
                mstore(4, a)
                mstore(0x24, b)
                revert(0, 0x44)
            }
            function onCurve(x, y) -> valid {
                let q := fq()
                valid := and(and(lt(x, q), lt(y, q)), eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q)))
            }
            // Keccak of the buffer (a lone 32-byte state gets a 0x01 byte appended, as
            // snark-verifier's transcript does); the hash becomes the new state.
            function squeeze(len) -> c {
                let buf := mload(slot(3))
                if eq(len, 0x20) {
                    mstore8(add(buf, 0x20), 1)
                    len := 0x21
                }
                let h := keccak256(buf, len)
                mstore(buf, h)
                c := mod(h, fr())
            }
            // Appends n points from the proof at `cursor` to the buffer at `len`; checks them.
            function absorbPoints(len, cursor, n) -> newLen, valid {
                let at := add(mload(slot(3)), len)
                calldatacopy(at, cursor, shl(6, n))
                valid := 1
                for { let j := 0 } lt(j, n) { j := add(j, 1) } {
                    let p := add(at, shl(6, j))
                    valid := and(valid, onCurve(mload(p), mload(add(p, 0x20))))
                }
                newLen := add(len, shl(6, n))
            }
            function modexp(b, e, m) -> v {
                let p := mload(0x400)
                mstore(p, 0x20)
                mstore(add(p, 0x20), 0x20)
                mstore(add(p, 0x40), 0x20)
                mstore(add(p, 0x60), b)
                mstore(add(p, 0x80), e)
                mstore(add(p, 0xa0), m)
                if iszero(staticcall(gas(), 0x05, p, 0xc0, p, 0x20)) { revert(0, 0) }
                v := mload(p)
            }
            // In place a[i] := 1 / a[i] (Montgomery's trick: one exponentiation). A zero entry
            // makes every result zero, and the pairing then fails.
            function batchInvert(a, n) {
                let r := fr()
                let scratch := alloc(n)
                let acc := 1
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    mstore(add(scratch, shl(5, i)), acc)
                    acc := mulmod(acc, mload(add(a, shl(5, i))), r)
                }
                let inv := modexp(acc, sub(r, 2), r)
                for { let i := n } gt(i, 0) {} {
                    i := sub(i, 1)
                    let p := add(a, shl(5, i))
                    let v := mload(p)
                    mstore(p, mulmod(inv, mload(add(scratch, shl(5, i))), r))
                    inv := mulmod(inv, v, r)
                }
            }
            // The accumulator (slots 20, 21) += (x, y) * s (no multiplication for s = 1).
            function mulAcc(x, y, s) {
                let p := mload(0x400)
                switch s
                case 1 {
                    mstore(add(p, 0x40), x)
                    mstore(add(p, 0x60), y)
                }
                default {
                    mstore(p, x)
                    mstore(add(p, 0x20), y)
                    mstore(add(p, 0x40), s)
                    if iszero(staticcall(gas(), 0x07, p, 0x60, add(p, 0x40), 0x40)) { revert(0, 0) }
                }
                mstore(p, mload(slot(20)))
                mstore(add(p, 0x20), mload(slot(21)))
                if iszero(staticcall(gas(), 0x06, p, 0x80, slot(20), 0x40)) { revert(0, 0) }
            }
            // w^e for each of n signed 16-bit exponents at src, a word each from dst: from w^-1
            // for negative ones; an exponent one above the previous costs one multiplication.
            function omegaPowers(src, n, dst) {
                let r := fr()
                let omega := hword(W_OMEGA)
                let prevE := 0x10000
                let prev := 0
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    let e := signextend(1, shr(240, mload(add(src, shl(1, i)))))
                    let v := 1
                    switch eq(e, add(prevE, 1))
                    case 1 { v := mulmod(prev, omega, r) }
                    default {
                        let b := omega
                        let x := e
                        if slt(e, 0) {
                            b := hword(W_OMEGA_INV)
                            x := sub(0, e)
                        }
                        for {} x {} {
                            if and(x, 1) { v := mulmod(v, b, r) }
                            b := mulmod(b, b, r)
                            x := shr(1, x)
                        }
                    }
                    mstore(add(dst, shl(5, i)), v)
                    prevE := e
                    prev := v
                }
            }
            // Byte size of a query set's record: two 16-bit counts, per shift a 16-bit rotation
            // index and a word, per polynomial (1 + shifts) 16-bit indices.
            function setSize(p) -> size {
                let k := shr(240, mload(p))
                size := add(4, add(mul(34, k), shl(1, mul(shr(240, mload(add(p, 2))), add(k, 1)))))
            }

            // Loads the key and checks the public value count and the proof length.
            function loadKey() {
                let key := mload(slot(28))
                let size := extcodesize(key)
                if lt(size, add(1, HEADER_BYTES)) { fail(mload(slot(30)), key, 0) }
                extcodecopy(key, 0xa00, 1, sub(size, 1))
                if iszero(eq(hdr(H_VERSION), VK_VERSION)) { fail(mload(slot(30)), key, hdr(H_VERSION)) }
                // The domain's numbers must agree (w^-1, 1/n): the verifier derives w^r from them.
                {
                    let r := fr()
                    let domainOk := eq(mulmod(hword(W_OMEGA), hword(W_OMEGA_INV), r), 1)
                    domainOk := and(domainOk, eq(mulmod(hword(W_N_INV), shl(hdr(H_K), 1), r), 1))
                    if iszero(domainOk) { fail(mload(slot(30)), key, hdr(H_VERSION)) }
                }
                if iszero(eq(mload(slot(25)), hdr(H_NUM_INSTANCE))) {
                    fail(mload(slot(31)), hdr(H_NUM_INSTANCE), mload(slot(25)))
                }
                if iszero(eq(mload(slot(27)), hdr(H_PROOF_LEN))) {
                    fail(mload(slot(32)), hdr(H_PROOF_LEN), mload(slot(27)))
                }
                mstore(0x400, add(0xa00, and(add(size, 0x3f), not(0x1f))))
            }

            // Replays the transcript: the key's digest, the public values, then the proof in order.
            function readProof() -> valid {
                let r := fr()
                let nInst := hdr(H_NUM_INSTANCE)
                let numEvals := hdr(H_NUM_EVALS)
                // The value table of the numerator program: evaluation slots, challenges, z,
                // constants, Lagrange values.
                let numSlots := add(numEvals, 2)
                let table :=
                    alloc(
                        add(add(numSlots, hdr(H_NUM_CHALLENGES)), add(add(1, hdr(H_NUM_CONSTS)), hdr(H_NUM_LAGRANGE)))
                    )
                mstore(slot(2), table)
                mstore(slot(1), add(table, shl(5, numSlots)))
                let buf := alloc(add(add(nInst, 4), shr(5, mload(slot(27)))))
                mstore(slot(3), buf)
                mstore(buf, hword(W_INIT))
                valid := 1
                let instOffset := mload(slot(24))
                calldatacopy(add(buf, 0x20), instOffset, shl(5, nInst))
                for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                    valid := and(valid, lt(mload(add(buf, shl(5, add(i, 1)))), r))
                }
                let len := add(0x20, shl(5, nInst))
                let cursor := mload(slot(26))
                let ci := 0
                let phases := section(H_OFF_PHASES)
                for { let ph := 0 } lt(ph, hdr(H_NUM_PHASES)) { ph := add(ph, 1) } {
                    let n := shr(240, mload(add(phases, shl(2, ph))))
                    let fine := 0
                    len, fine := absorbPoints(len, cursor, n)
                    valid := and(valid, fine)
                    cursor := add(cursor, shl(6, n))
                    for { let j := shr(240, mload(add(phases, add(shl(2, ph), 2)))) } gt(j, 0) { j := sub(j, 1) } {
                        mstore(add(mload(slot(1)), shl(5, ci)), squeeze(len))
                        len := 0x20
                        ci := add(ci, 1)
                    }
                }
                {
                    let fine := 0
                    len, fine := absorbPoints(len, cursor, hdr(H_NUM_CHUNKS))
                    valid := and(valid, fine)
                    cursor := add(cursor, shl(6, hdr(H_NUM_CHUNKS)))
                }
                mstore(slot(4), squeeze(len))
                let evals := mload(slot(2))
                calldatacopy(add(buf, 0x20), cursor, shl(5, numEvals))
                calldatacopy(add(evals, 0x20), cursor, shl(5, numEvals))
                for { let j := 0 } lt(j, numEvals) { j := add(j, 1) } {
                    valid := and(valid, lt(mload(add(evals, shl(5, add(j, 1)))), r))
                }
                cursor := add(cursor, shl(5, numEvals))
                mstore(slot(6), squeeze(add(0x20, shl(5, numEvals))))
                mstore(slot(7), squeeze(0x20))
                {
                    let fine := 0
                    len, fine := absorbPoints(0x20, cursor, 1)
                    valid := and(valid, fine)
                }
                mstore(slot(8), cursor)
                mstore(slot(5), squeeze(0x60))
                cursor := add(cursor, 0x40)
                valid := and(valid, onCurve(calldataload(cursor), calldataload(add(cursor, 0x20))))
                mstore(slot(9), cursor)
            }

            // z^n, the rotations' z' - z w^r, and the first batch of denominators: instance rows,
            // Lagrange rows, z^n - 1, the SHPLONK weights, the sets' Z_S.
            function denominators() {
                let r := fr()
                let z := mload(slot(4))
                let zn := z
                for { let i := 0 } lt(i, hdr(H_K)) { i := add(i, 1) } { zn := mulmod(zn, zn, r) }
                mstore(slot(10), zn)
                let diffs := alloc(hdr(H_NUM_ROTATIONS))
                mstore(slot(18), diffs)
                {
                    // w^r of the rotations (slot 17) and w^i of the Lagrange rows (slot 35).
                    let rots := alloc(hdr(H_NUM_ROTATIONS))
                    omegaPowers(section(H_OFF_ROTATIONS), hdr(H_NUM_ROTATIONS), rots)
                    mstore(slot(17), rots)
                    let lagOmegas := alloc(hdr(H_NUM_LAGRANGE))
                    omegaPowers(section(H_OFF_LAGRANGE), hdr(H_NUM_LAGRANGE), lagOmegas)
                    mstore(slot(35), lagOmegas)
                }
                {
                    let zp := mload(slot(5))
                    let rots := mload(slot(17))
                    for { let i := 0 } lt(i, hdr(H_NUM_ROTATIONS)) { i := add(i, 1) } {
                        mstore(add(diffs, shl(5, i)), addmod(zp, sub(r, mulmod(z, mload(add(rots, shl(5, i))), r)), r))
                    }
                }
                let nShifts := 0
                {
                    let p := section(H_OFF_SETS)
                    for { let s := 0 } lt(s, hdr(H_NUM_SETS)) { s := add(s, 1) } {
                        nShifts := add(nShifts, shr(240, mload(p)))
                        p := add(p, setSize(p))
                    }
                }
                mstore(slot(15), nShifts)
                let nInst := hdr(H_NUM_INSTANCE)
                let nLag := hdr(H_NUM_LAGRANGE)
                let total := add(add(add(nInst, nLag), 1), add(nShifts, hdr(H_NUM_SETS)))
                mstore(slot(23), total)
                let inv := alloc(total)
                mstore(slot(14), inv)
                {
                    let omega := hword(W_OMEGA)
                    let w := 1
                    for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                        mstore(add(inv, shl(5, i)), addmod(z, sub(r, w), r))
                        w := mulmod(w, omega, r)
                    }
                    let lags := mload(slot(35))
                    for { let i := 0 } lt(i, nLag) { i := add(i, 1) } {
                        mstore(add(inv, shl(5, add(nInst, i))), addmod(z, sub(r, mload(add(lags, shl(5, i)))), r))
                    }
                    mstore(add(inv, shl(5, add(nInst, nLag))), addmod(zn, sub(r, 1), r))
                }
                setDenominators(add(inv, shl(5, add(add(nInst, nLag), 1))))
            }
            function setDenominators(q) {
                let r := fr()
                let z := mload(slot(4))
                let diffs := mload(slot(18))
                let zs := alloc(hdr(H_NUM_SETS))
                mstore(slot(16), zs)
                let p := section(H_OFF_SETS)
                for { let s := 0 } lt(s, hdr(H_NUM_SETS)) { s := add(s, 1) } {
                    let k := shr(240, mload(p))
                    let zpow := 1
                    for { let i := 1 } lt(i, k) { i := add(i, 1) } { zpow := mulmod(zpow, z, r) }
                    let prod := 1
                    for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                        let e := add(add(p, 4), mul(34, j))
                        let d := mload(add(diffs, shl(5, shr(240, mload(e)))))
                        mstore(q, mulmod(mulmod(mload(add(e, 2)), zpow, r), d, r))
                        q := add(q, 0x20)
                        prod := mulmod(prod, d, r)
                    }
                    mstore(add(zs, shl(5, s)), prod)
                    p := add(p, setSize(p))
                }
                for { let s := 0 } lt(s, hdr(H_NUM_SETS)) { s := add(s, 1) } {
                    mstore(add(q, shl(5, s)), mload(add(zs, shl(5, s))))
                }
                mstore(slot(11), mload(zs))
            }

            // After the inversion: the instance column's evaluation (slot 0), the Lagrange
            // values, and the quotient's evaluation, numerator / (z^n - 1).
            function evaluations() {
                let r := fr()
                let inv := mload(slot(14))
                let nInst := hdr(H_NUM_INSTANCE)
                let nLag := hdr(H_NUM_LAGRANGE)
                let numer := mulmod(addmod(mload(slot(10)), sub(r, 1), r), hword(W_N_INV), r)
                {
                    let acc := 0
                    let w := 1
                    let omega := hword(W_OMEGA)
                    let instOffset := mload(slot(24))
                    for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                        let t := mulmod(w, mload(add(inv, shl(5, i))), r)
                        acc := addmod(acc, mulmod(calldataload(add(instOffset, shl(5, i))), t, r), r)
                        w := mulmod(w, omega, r)
                    }
                    mstore(mload(slot(2)), mulmod(acc, numer, r))
                }
                // z and the constants into the value table; the Lagrange values after them.
                let zAt := add(mload(slot(1)), shl(5, hdr(H_NUM_CHALLENGES)))
                mstore(zAt, mload(slot(4)))
                let consts := section(H_OFF_CONSTS)
                for { let i := 0 } lt(i, hdr(H_NUM_CONSTS)) { i := add(i, 1) } {
                    mstore(add(zAt, shl(5, add(i, 1))), mload(add(consts, shl(5, i))))
                }
                let lagVals := add(zAt, shl(5, add(hdr(H_NUM_CONSTS), 1)))
                let lags := mload(slot(35))
                for { let i := 0 } lt(i, nLag) { i := add(i, 1) } {
                    let t := mulmod(mload(add(lags, shl(5, i))), mload(add(inv, shl(5, add(nInst, i)))), r)
                    mstore(add(lagVals, shl(5, i)), mulmod(t, numer, r))
                }
                let num := runProgram()
                let zn1Inv := mload(add(inv, shl(5, add(nInst, nLag))))
                mstore(add(mload(slot(2)), shl(5, add(hdr(H_NUM_EVALS), 1))), mulmod(num, zn1Inv, r))
            }
            // The quotient numerator's stack program (see zkinfer-evm's `op`): the top of the
            // stack in `top`, the rest in memory; operands index the value table.
            function runProgram() -> top {
                let r := fr()
                let sp := alloc(add(hdr(H_MAX_STACK), 2))
                let table := mload(slot(2))
                let at := section(H_OFF_CODE)
                for { let end := add(at, mul(hdr(H_NUM_OPS), 3)) } lt(at, end) { at := add(at, 3) } {
                    let w := mload(at)
                    let v := mload(add(table, shl(5, and(shr(232, w), 0xffff))))
                    switch byte(0, w)
                    case 0 {
                        mstore(sp, top)
                        sp := add(sp, 0x20)
                        top := v
                    }
                    case 3 { top := mulmod(top, v, r) }
                    case 1 { top := addmod(top, v, r) }
                    case 2 { top := addmod(top, sub(r, v), r) }
                    case 5 {
                        sp := sub(sp, 0x20)
                        top := addmod(mload(sp), top, r)
                    }
                    case 6 {
                        sp := sub(sp, 0x20)
                        top := mulmod(mload(sp), top, r)
                    }
                    case 4 { top := mod(sub(r, top), r) }
                    default { revert(0, 0) }
                }
            }

            // SHPLONK: per set its commitment coefficient Z_S1 / Z_S and the sum of its weights.
            function setCoefficients() {
                let r := fr()
                let nSets := hdr(H_NUM_SETS)
                let wq := add(mload(slot(14)), shl(5, add(add(hdr(H_NUM_INSTANCE), hdr(H_NUM_LAGRANGE)), 1)))
                let zsInv := add(wq, shl(5, mload(slot(15))))
                let cc := alloc(nSets)
                let sums := alloc(nSets)
                mstore(slot(19), cc)
                mstore(slot(22), sums)
                let zs1 := mload(slot(11))
                let p := section(H_OFF_SETS)
                for { let s := 0 } lt(s, nSets) { s := add(s, 1) } {
                    let c := 1
                    if s { c := mulmod(zs1, mload(add(zsInv, shl(5, s))), r) }
                    mstore(add(cc, shl(5, s)), c)
                    let sum := 0
                    for { let j := shr(240, mload(p)) } gt(j, 0) { j := sub(j, 1) } {
                        sum := addmod(sum, mload(wq), r)
                        wq := add(wq, 0x20)
                    }
                    mstore(add(sums, shl(5, s)), sum)
                    p := add(p, setSize(p))
                }
                batchInvert(sums, nSets)
            }
            // Each commitment's coefficient (gamma^s mu^i Z_S1 / Z_S) and the constant term.
            function accumulate() {
                let r := fr()
                let coeffs := alloc(hdr(H_NUM_COMMITMENTS))
                mstore(slot(12), coeffs)
                for { let i := 0 } lt(i, hdr(H_NUM_COMMITMENTS)) { i := add(i, 1) } {
                    mstore(add(coeffs, shl(5, i)), 0)
                }
                let wq := add(mload(slot(14)), shl(5, add(add(hdr(H_NUM_INSTANCE), hdr(H_NUM_LAGRANGE)), 1)))
                let p := section(H_OFF_SETS)
                let gammaPow := 1
                mstore(slot(13), 0)
                for { let s := 0 } lt(s, hdr(H_NUM_SETS)) { s := add(s, 1) } {
                    let k := shr(240, mload(p))
                    let c := mload(add(mload(slot(19)), shl(5, s)))
                    let rc := mulmod(c, mload(add(mload(slot(22)), shl(5, s))), r)
                    p := accumulateSet(add(add(p, 4), mul(34, k)), shr(240, mload(add(p, 2))), k, wq, gammaPow, c, rc)
                    wq := add(wq, shl(5, k))
                    gammaPow := mulmod(gammaPow, mload(slot(7)), r)
                }
            }
            function accumulateSet(q, np, k, wq, muPow, c, rc) -> end {
                let r := fr()
                let evals := mload(slot(2))
                for { let i := 0 } lt(i, np) { i := add(i, 1) } {
                    let rEval := 0
                    for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                        let e := mload(add(evals, shl(5, shr(240, mload(add(q, shl(1, add(j, 1))))))))
                        rEval := addmod(rEval, mulmod(mload(add(wq, shl(5, j))), e, r), r)
                    }
                    let cp := add(mload(slot(12)), shl(5, shr(240, mload(q))))
                    mstore(cp, addmod(mload(cp), mulmod(muPow, c, r), r))
                    let t := mulmod(muPow, mulmod(rEval, rc, r), r)
                    mstore(slot(13), addmod(mload(slot(13)), sub(r, t), r))
                    muPow := mulmod(muPow, mload(slot(6)), r)
                    q := add(q, shl(1, add(k, 1)))
                }
                end := q
            }

            // The combined opening: lhs = sum of coefficient * commitment + constant * G1
            // - Z_S1 * W + z' * W', the pair (lhs, W') folded into the key's accumulator if it
            // has one; then e(lhs, [1]G2) * e(-W', [s]G2) == 1.
            function pairingCheck() -> good {
                let r := fr()
                mstore(slot(20), 0)
                mstore(slot(21), 0)
                let coeffs := mload(slot(12))
                let numPre := hdr(H_NUM_PRE)
                let pre := section(H_OFF_PRE)
                for { let i := 0 } lt(i, numPre) { i := add(i, 1) } {
                    let c := mload(add(coeffs, shl(5, i)))
                    if c { mulAcc(mload(add(pre, shl(6, i))), mload(add(pre, add(shl(6, i), 0x20))), c) }
                }
                let proofOffset := mload(slot(26))
                let numWitness := hdr(H_NUM_WITNESS)
                for { let i := 0 } lt(i, numWitness) { i := add(i, 1) } {
                    let c := mload(add(coeffs, shl(5, add(add(numPre, 1), i))))
                    let at := add(proofOffset, shl(6, i))
                    if c { mulAcc(calldataload(at), calldataload(add(at, 0x20)), c) }
                }
                {
                    let c := mload(add(coeffs, shl(5, sub(hdr(H_NUM_COMMITMENTS), 1))))
                    let zn := mload(slot(10))
                    for { let i := 0 } lt(i, hdr(H_NUM_CHUNKS)) { i := add(i, 1) } {
                        let at := add(proofOffset, shl(6, add(numWitness, i)))
                        mulAcc(calldataload(at), calldataload(add(at, 0x20)), c)
                        c := mulmod(c, zn, r)
                    }
                }
                // Constant terms on the generator (1, 2): every powers-of-tau SRS's first point.
                mulAcc(1, 2, mload(slot(13)))
                let w := mload(slot(8))
                mulAcc(calldataload(w), calldataload(add(w, 0x20)), sub(r, mload(slot(11))))
                let wp := mload(slot(9))
                mulAcc(calldataload(wp), calldataload(add(wp, 0x20)), mload(slot(5)))
                // The pair is (lhs, W') in slots 20, 21 and 33, 34.
                mstore(slot(33), calldataload(wp))
                mstore(slot(34), calldataload(add(wp, 0x20)))
                good := 1
                if hdr(H_ACCUMULATOR) { good := foldAccumulator() }
                let gPtr := mload(slot(29))
                let p := mload(0x400)
                mstore(p, mload(slot(20)))
                mstore(add(p, 0x20), mload(slot(21)))
                mstore(add(p, 0x40), mload(gPtr))
                mstore(add(p, 0x60), mload(add(gPtr, 0x20)))
                mstore(add(p, 0x80), mload(add(gPtr, 0x40)))
                mstore(add(p, 0xa0), mload(add(gPtr, 0x60)))
                mstore(add(p, 0xc0), mload(slot(33)))
                mstore(add(p, 0xe0), mod(sub(fq(), mload(slot(34))), fq()))
                mstore(add(p, 0x100), mload(add(gPtr, 0x80)))
                mstore(add(p, 0x120), mload(add(gPtr, 0xa0)))
                mstore(add(p, 0x140), mload(add(gPtr, 0xc0)))
                mstore(add(p, 0x160), mload(add(gPtr, 0xe0)))
                // Yul evaluates arguments right to left: read the output only after the call.
                let success := staticcall(gas(), 0x08, p, 0x180, p, 0x20)
                good := and(good, and(success, eq(mload(p), 1)))
            }
            // An aggregation circuit's accumulator (A_l, A_r), read from its limbs among the
            // public values, folded into this proof's pair (lhs, W') as snark-verifier's decider
            // folds two: c = keccak(A_l, A_r, lhs, W') mod r, then (A_l + c lhs, A_r + c W').
            // False for a limb over its bits (the top one within a word) or a point off the curve.
            function foldAccumulator() -> valid {
                let p := mload(0x400)
                let at := add(mload(slot(24)), shl(5, sub(hdr(H_ACCUMULATOR), 1)))
                valid := 1
                for { let c := 0 } lt(c, 4) { c := add(c, 1) } {
                    let v := 0
                    for { let j := 0 } lt(j, ACC_LIMBS) { j := add(j, 1) } {
                        let limb := calldataload(add(at, shl(5, add(mul(c, ACC_LIMBS), j))))
                        let shift := mul(j, ACC_LIMB_BITS)
                        let bits := ACC_LIMB_BITS
                        if gt(add(shift, bits), 256) { bits := sub(256, shift) }
                        valid := and(valid, iszero(shr(bits, limb)))
                        v := or(v, shl(shift, limb))
                    }
                    mstore(add(p, shl(5, c)), v)
                }
                valid := and(
                    valid,
                    and(onCurve(mload(p), mload(add(p, 0x20))), onCurve(mload(add(p, 0x40)), mload(add(p, 0x60))))
                )
                if valid {
                    mstore(add(p, 0x80), mload(slot(20)))
                    mstore(add(p, 0xa0), mload(slot(21)))
                    mstore(add(p, 0xc0), mload(slot(33)))
                    mstore(add(p, 0xe0), mload(slot(34)))
                    let c := mod(keccak256(p, 0x100), fr())
                    mulAddTo(add(p, 0x80), c, p, slot(20))
                    mulAddTo(add(p, 0xc0), c, add(p, 0x40), slot(33))
                }
            }
            // out := point(q) + s * point(m), points as two words in memory; scratch above 0x100
            // from the allocation pointer.
            function mulAddTo(m, s, q, out) {
                let t := add(mload(0x400), 0x100)
                mstore(t, mload(m))
                mstore(add(t, 0x20), mload(add(m, 0x20)))
                mstore(add(t, 0x40), s)
                if iszero(staticcall(gas(), 0x07, t, 0x60, t, 0x40)) { revert(0, 0) }
                mstore(add(t, 0x40), mload(q))
                mstore(add(t, 0x60), mload(add(q, 0x20)))
                if iszero(staticcall(gas(), 0x06, t, 0x80, out, 0x40)) { revert(0, 0) }
            }

            mstore(slot(24), instances.offset)
            mstore(slot(25), instances.length)
            mstore(slot(26), proof.offset)
            mstore(slot(27), proof.length)
            mstore(slot(28), vk)
            mstore(slot(29), g)
            mstore(slot(30), unsupported)
            mstore(slot(31), countError)
            mstore(slot(32), lengthError)
            loadKey()
            ok := readProof()
            if ok {
                denominators()
                batchInvert(mload(slot(14)), mload(slot(23)))
                evaluations()
                setCoefficients()
                accumulate()
                ok := pairingCheck()
            }
        }
    }
}
