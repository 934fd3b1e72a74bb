//! The byte layout of a verifying key as the universal verifier reads it, and the code of the
//! contract that holds it.
//!
//! A key is a sequence of 32-byte big-endian words: a header of [`HEADER_WORDS`] words (the
//! `H_*` indices below, the same names as the Solidity verifier's constants), then sections
//! whose byte offsets the header gives:
//! phases (`n, m` per phase), preprocessed points (`x, y`), the `G1` generator, the numerator's
//! constants, the Lagrange rows' `w^i`, the numerator's code (three bytes per operation, padded
//! to a word), the rotations' `w^r`, and the query sets (per set: `shifts, polys`, then per
//! shift `rotation index, ell`, then per polynomial `commitment index` and one evaluation slot
//! per shift).

use halo2_base::halo2_proofs::halo2curves::bn256::{G1Affine, G2Affine};
use halo2_base::halo2_proofs::halo2curves::ff::PrimeField;

use super::vk_data::{fr_word, VkData};

/// Layout version written in the key and checked by the verifier.
pub const VK_VERSION: u64 = 1;

/// Header word indices, shared with `contracts/verifier/ZkinferVerifier.sol` (checked by a test).
pub const HEADER: [(&str, usize); 28] = [
    ("H_VERSION", 0),
    ("H_K", 1),
    ("H_N_INV", 2),
    ("H_OMEGA", 3),
    ("H_INIT", 4),
    ("H_NUM_INSTANCE", 5),
    ("H_NUM_PHASES", 6),
    ("H_NUM_CHUNKS", 7),
    ("H_NUM_EVALS", 8),
    ("H_NUM_PRE", 9),
    ("H_NUM_COMMITMENTS", 10),
    ("H_NUM_CHALLENGES", 11),
    ("H_NUM_WITNESS", 12),
    ("H_NUM_OPS", 13),
    ("H_MAX_STACK", 14),
    ("H_NUM_LAGRANGE", 15),
    ("H_NUM_ROTATIONS", 16),
    ("H_NUM_SETS", 17),
    ("H_OFF_PHASES", 18),
    ("H_OFF_PRE", 19),
    ("H_OFF_G1", 20),
    ("H_OFF_CONSTS", 21),
    ("H_OFF_LAGRANGE", 22),
    ("H_OFF_CODE", 23),
    ("H_OFF_ROTATIONS", 24),
    ("H_OFF_SETS", 25),
    ("H_PROOF_LEN", 26),
    ("H_NUM_CONSTS", 27),
];

/// Words in the header.
pub const HEADER_WORDS: usize = HEADER.len();

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
    /// The key as the verifier reads it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body: Vec<[u8; 32]> = Vec::new();
        let mut offsets = [0usize; 8];
        let base = HEADER_WORDS;
        let mut mark = |i: usize, body: &Vec<[u8; 32]>| offsets[i] = (base + body.len()) * 32;

        mark(0, &body);
        for &(n, m) in &self.phases {
            body.extend([int(n), int(m)]);
        }
        mark(1, &body);
        self.preprocessed.iter().for_each(|p| body.extend(point(p)));
        mark(2, &body);
        body.extend(point(&self.g1));
        mark(3, &body);
        body.extend(self.program.consts.iter().map(fr_word));
        mark(4, &body);
        body.extend(self.lagrange_omegas.iter().map(fr_word));
        mark(5, &body);
        for chunk in self.program.code.chunks(32) {
            let mut w = [0u8; 32];
            w[..chunk.len()].copy_from_slice(chunk);
            body.push(w);
        }
        mark(6, &body);
        body.extend(self.rotations.iter().map(fr_word));
        mark(7, &body);
        for set in &self.sets {
            body.extend([int(set.shifts.len()), int(set.polys.len())]);
            for (s, ell) in set.shifts.iter().zip(&set.ell) {
                body.extend([int(*s), fr_word(ell)]);
            }
            for (commitment, slots) in &set.polys {
                body.push(int(*commitment));
                body.extend(slots.iter().map(|s| int(*s)));
            }
        }

        let f = fr_word;
        let header: [[u8; 32]; HEADER_WORDS] = [
            int(VK_VERSION as usize),
            int(self.k as usize),
            f(&self.n_inv),
            f(&self.omega),
            f(&self.transcript_initial_state),
            int(self.num_instance),
            int(self.phases.len()),
            int(self.num_chunks),
            int(self.num_evals),
            int(self.preprocessed.len()),
            int(self.num_commitments()),
            int(self.phases.iter().map(|p| p.1).sum()),
            int(self.phases.iter().map(|p| p.0).sum()),
            int(self.program.len()),
            int(self.program.max_stack),
            int(self.lagrange_omegas.len()),
            int(self.rotations.len()),
            int(self.sets.len()),
            int(offsets[0]),
            int(offsets[1]),
            int(offsets[2]),
            int(offsets[3]),
            int(offsets[4]),
            int(offsets[5]),
            int(offsets[6]),
            int(offsets[7]),
            int(self.proof_len()),
            int(self.program.consts.len()),
        ];
        header.iter().chain(body.iter()).flatten().copied().collect()
    }

    /// Creation code of the contract holding the key: its runtime code is a `STOP` byte (so a
    /// call to it does nothing) followed by [`VkData::to_bytes`], read with `EXTCODECOPY`.
    pub fn creation_code(&self) -> Vec<u8> {
        data_contract(&self.to_bytes())
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
