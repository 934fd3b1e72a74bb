//! The byte layout of a verifying key as the universal verifier reads it, and the code of the
//! contract that holds it.
//!
//! Layout version 4 is compact: every count, offset, index, rotation and row is a 16-bit
//! big-endian field and only field elements and points take 32-byte words, because deploying a
//! key costs about 200 gas per byte (version 1's word per small integer made registration cost
//! 1-3M gas). Version 4 stores the rotations and Lagrange rows as signed 16-bit numbers, from
//! which the verifier computes `w^r` (version 3 stored the words: 32 bytes each, about 6,900
//! gas of deployment, against a multiplication or a short exponentiation per verification), and
//! commits constant terms on the generator instead of a `G1` point in the key. A key is a
//! header of [`HEADER`]'s 16-bit fields (field `i` at byte `2i`, the same `H_*` names as the
//! Solidity verifier's constants), then [`HEADER_WORDS`]'s field elements, then sections whose
//! byte offsets the header gives: phases (`n, m` per phase, 16 bits each), preprocessed points
//! (`x, y`), the numerator's constants, the Lagrange rows `i` (signed 16 bits), the numerator's
//! code (three bytes per operation), the rotations `r` (signed 16 bits, ascending), and the
//! query sets (per set: `shifts, polys` (16 bits each), then per shift its rotation index (16
//! bits) and `ell` (a word), then per polynomial its commitment index and one evaluation slot
//! per shift, 16 bits each). `H_ACCUMULATOR` is 0, or one more than the public value index where
//! an aggregation circuit's KZG accumulator starts. Words need no alignment: the verifier reads
//! them from memory with `MLOAD`.

use halo2_base::halo2_proofs::halo2curves::bn256::{G1Affine, G2Affine};
use halo2_base::halo2_proofs::halo2curves::ff::PrimeField;

use super::vk_data::{fr_word, VkData};
use crate::{Error, Result};

/// Layout version written in the key and checked by the verifier.
pub const VK_VERSION: u64 = 4;

/// The header's 16-bit fields (field `i` at byte `2i`), shared with
/// `contracts/verifier/ZkinferVerifier.sol` (checked by a test).
pub const HEADER: [(&str, usize); 25] = [
    ("H_VERSION", 0),
    ("H_K", 1),
    ("H_NUM_INSTANCE", 2),
    ("H_NUM_PHASES", 3),
    ("H_NUM_CHUNKS", 4),
    ("H_NUM_EVALS", 5),
    ("H_NUM_PRE", 6),
    ("H_NUM_COMMITMENTS", 7),
    ("H_NUM_CHALLENGES", 8),
    ("H_NUM_WITNESS", 9),
    ("H_NUM_OPS", 10),
    ("H_MAX_STACK", 11),
    ("H_NUM_LAGRANGE", 12),
    ("H_NUM_ROTATIONS", 13),
    ("H_NUM_SETS", 14),
    ("H_OFF_PHASES", 15),
    ("H_OFF_PRE", 16),
    ("H_OFF_CONSTS", 17),
    ("H_OFF_LAGRANGE", 18),
    ("H_OFF_CODE", 19),
    ("H_OFF_ROTATIONS", 20),
    ("H_OFF_SETS", 21),
    ("H_PROOF_LEN", 22),
    ("H_NUM_CONSTS", 23),
    ("H_ACCUMULATOR", 24),
];

/// Limbs per coordinate of a KZG accumulator carried in the public values (an aggregation
/// circuit's `lhs.x, lhs.y, rhs.x, rhs.y`, least significant limb first), shared with the
/// Solidity verifier as `ACC_LIMBS` (checked by a test): snark-verifier-sdk's, whose aggregation
/// circuit writes it.
pub const ACCUMULATOR_LIMBS: usize = snark_verifier_sdk::LIMBS;

/// Bits per accumulator limb, the Solidity verifier's `ACC_LIMB_BITS`: snark-verifier-sdk's.
pub const ACCUMULATOR_LIMB_BITS: usize = snark_verifier_sdk::BITS;

/// The header's field elements after its 16-bit fields (word `i` at byte
/// [`HEADER_FIELD_BYTES`]` + 32i`), shared with the Solidity verifier as `W_*`.
pub const HEADER_WORDS: [(&str, usize); 4] =
    [("W_N_INV", 0), ("W_OMEGA", 1), ("W_OMEGA_INV", 2), ("W_INIT", 3)];

/// Bytes of the header's 16-bit fields.
pub const HEADER_FIELD_BYTES: usize = 2 * HEADER.len();

/// Bytes of the whole header.
pub const HEADER_BYTES: usize = HEADER_FIELD_BYTES + 32 * HEADER_WORDS.len();

/// `x` as a 32-byte big-endian word.
pub(crate) fn int(x: usize) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&(x as u64).to_be_bytes());
    w
}

/// A `G1` point as two 32-byte big-endian words `x, y` (the EVM's encoding).
pub(crate) fn point(p: &G1Affine) -> [[u8; 32]; 2] {
    [p.x, p.y].map(|c| {
        let mut w = c.to_repr();
        w.reverse();
        w
    })
}

/// The four words of a `G2` point in the pairing precompile's order (`x.c1, x.c0, y.c1, y.c0`).
pub fn g2_words(p: &G2Affine) -> [[u8; 32]; 4] {
    let word = |le: &[u8]| {
        let mut w = [0u8; 32];
        w.copy_from_slice(le);
        w.reverse();
        w
    };
    let (x, y) = (p.x.to_repr(), p.y.to_repr());
    [word(&x.as_ref()[32..]), word(&x.as_ref()[..32]), word(&y.as_ref()[32..]), word(&y.as_ref()[..32])]
}

impl VkData {
    /// The key as the verifier reads it; empty (which the verifier refuses as no key) if a
    /// count, offset or index exceeds 16 bits, which [`VkData::from_protocol`] never lets pass.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.try_to_bytes().unwrap_or_default()
    }

    /// The key as the verifier reads it, or which of its numbers does not fit 16 bits.
    pub fn try_to_bytes(&self) -> Result<Vec<u8>> {
        let mut small = Small::default();
        let mut body: Vec<u8> = Vec::new();
        let mut offsets = [0usize; 7];
        let mut mark = |i: usize, body: &Vec<u8>| offsets[i] = HEADER_BYTES + body.len();

        mark(0, &body);
        for &(n, m) in &self.phases {
            small.put(&mut body, "a phase's commitment count", n);
            small.put(&mut body, "a phase's challenge count", m);
        }
        mark(1, &body);
        self.preprocessed.iter().for_each(|p| body.extend(point(p).iter().flatten()));
        mark(2, &body);
        body.extend(self.program.consts.iter().flat_map(fr_word));
        mark(3, &body);
        for &row in &self.program.lagranges {
            small.put_signed(&mut body, "a Lagrange row", row);
        }
        mark(4, &body);
        body.extend_from_slice(&self.program.code);
        mark(5, &body);
        for &r in &self.rotations {
            small.put_signed(&mut body, "a rotation", r);
        }
        mark(6, &body);
        for set in &self.sets {
            small.put(&mut body, "a query set's shift count", set.shifts.len());
            small.put(&mut body, "a query set's polynomial count", set.polys.len());
            for (s, ell) in set.shifts.iter().zip(&set.ell) {
                small.put(&mut body, "a rotation index", *s);
                body.extend(fr_word(ell));
            }
            for (commitment, slots) in &set.polys {
                small.put(&mut body, "a commitment index", *commitment);
                slots.iter().for_each(|s| small.put(&mut body, "an evaluation slot", *s));
            }
        }

        let fields: [(&str, usize); 25] = [
            ("the layout version", VK_VERSION as usize),
            ("k", self.k as usize),
            ("the public value count", self.num_instance),
            ("the phase count", self.phases.len()),
            ("the quotient chunk count", self.num_chunks),
            ("the evaluation count", self.num_evals),
            ("the preprocessed commitment count", self.preprocessed.len()),
            ("the commitment count", self.num_commitments()),
            ("the challenge count", self.phases.iter().map(|p| p.1).sum()),
            ("the witness commitment count", self.phases.iter().map(|p| p.0).sum()),
            ("the program's length", self.program.len()),
            ("the program's stack depth", self.program.max_stack),
            ("the Lagrange row count", self.program.lagranges.len()),
            ("the rotation count", self.rotations.len()),
            ("the query set count", self.sets.len()),
            ("an offset", offsets[0]),
            ("an offset", offsets[1]),
            ("an offset", offsets[2]),
            ("an offset", offsets[3]),
            ("an offset", offsets[4]),
            ("an offset", offsets[5]),
            ("an offset", offsets[6]),
            ("the proof's length", self.proof_len()),
            ("the constant count", self.program.consts.len()),
            ("the accumulator's offset", self.accumulator.map_or(0, |at| at + 1)),
        ];
        let mut key = Vec::with_capacity(HEADER_BYTES + body.len());
        for (what, x) in fields {
            small.put(&mut key, what, x);
        }
        for x in [&self.n_inv, &self.omega, &self.omega_inv, &self.transcript_initial_state] {
            key.extend(fr_word(x));
        }
        key.extend(body);
        match small.overflow {
            Some((what, x)) => Err(Error::Unsupported(format!(
                "a verifying key whose {what} is {x}, over the key layout's 16 bits"
            ))),
            None => Ok(key),
        }
    }

    /// Creation code of the contract holding the key: its runtime code is a `STOP` byte (so a
    /// call to it does nothing) followed by [`VkData::to_bytes`], read with `EXTCODECOPY`.
    pub fn creation_code(&self) -> Vec<u8> {
        data_contract(&self.to_bytes())
    }
}

/// Writes 16-bit big-endian fields, remembering the first value that does not fit.
#[derive(Default)]
struct Small {
    overflow: Option<(&'static str, i64)>,
}

impl Small {
    fn put(&mut self, out: &mut Vec<u8>, what: &'static str, x: usize) {
        let v = u16::try_from(x).unwrap_or_else(|_| {
            self.overflow.get_or_insert((what, i64::try_from(x).unwrap_or(i64::MAX)));
            0
        });
        out.extend(v.to_be_bytes());
    }

    /// A signed number as a 16-bit two's complement field.
    fn put_signed(&mut self, out: &mut Vec<u8>, what: &'static str, x: i32) {
        let v = i16::try_from(x).unwrap_or_else(|_| {
            self.overflow.get_or_insert((what, i64::from(x)));
            0
        });
        out.extend(v.to_be_bytes());
    }
}

/// Creation code whose runtime code is `0x00 || data`.
pub fn data_contract(data: &[u8]) -> Vec<u8> {
    let size = data.len() + 1;
    // `VkData::new` refuses keys over EIP-170, far below the 16-bit size pushed here.
    assert!(size <= 0xffff, "data of {size} bytes does not fit a PUSH2 size");
    let [hi, lo] = (size as u16).to_be_bytes();
    // PUSH2 size, DUP1, PUSH1 12 (this prefix's length), PUSH1 0, CODECOPY, PUSH1 0, RETURN
    let mut code = vec![0x61, hi, lo, 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3];
    code.push(0x00);
    code.extend_from_slice(data);
    code
}
