//! What the CLI writes and checks for the universal verifier: a model's key artifact
//! (`universal-key.json`) and a revm check of a proof through the verifier and that key.

use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr};
use halo2_base::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use serde::{Deserialize, Serialize};

use super::deploy::{compile_universal_verifier, constructor_args, LocalEvm, VerifyOutcome};
use super::encode::{g2_words, VK_VERSION};
use super::vk_data::VkData;
use crate::solc::Solc;
use crate::{Error, Result};

/// A model's key for `ZkinferVerifier`, as written to `universal-key.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UniversalKeyArtifact {
    /// Key layout version (the verifier's `VK_VERSION`).
    pub version: u64,
    /// Creation code of the key contract, `0x`-hex.
    pub key_creation_code: String,
    /// Bytes of the key (the contract's runtime code is one more).
    pub key_bytes: usize,
    /// Public values per proof.
    pub num_instances: usize,
    /// Exact proof length in bytes.
    pub proof_len: usize,
    /// The SRS the key was made on: `[1]G2` and `[s]G2` as the verifier's constructor takes them.
    pub g2: [String; 4],
    /// See `g2`.
    pub s_g2: [String; 4],
    /// keccak256 of the SRS file the key was made on (hex), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srs_hash: Option<String>,
}

impl UniversalKeyArtifact {
    /// The artifact of `key`, made on `params`' SRS.
    pub fn new(params: &ParamsKZG<Bn256>, key: &VkData) -> Self {
        let words = |p| g2_words(p).map(|w| format!("0x{}", hex::encode(w)));
        Self {
            version: VK_VERSION,
            key_creation_code: format!("0x{}", hex::encode(key.creation_code())),
            key_bytes: key.to_bytes().len(),
            num_instances: key.num_instance,
            proof_len: key.proof_len(),
            g2: words(&params.g2()),
            s_g2: words(&params.s_g2()),
            srs_hash: None,
        }
    }

    /// The artifact recording the hash of the SRS file its key was made on.
    pub fn with_srs_hash(self, srs_hash: &str) -> Self {
        Self { srs_hash: Some(srs_hash.to_owned()), ..self }
    }
}

impl UniversalKeyArtifact {
    /// Whether the key was made on the INSECURE dev SRS (its `[s]G2` is the dev SRS's), read
    /// from the artifact itself rather than from what the key settings say.
    pub fn on_dev_srs(&self) -> Result<bool> {
        let dev = g2_words(&zkinfer_prover::dev_s_g2());
        Ok(self.srs_words()?[4..] == dev)
    }

    /// The key contract's creation code.
    pub fn key_creation(&self) -> Result<Vec<u8>> {
        decode_hex("keyCreationCode", &self.key_creation_code)
    }

    /// The SRS words `ZkinferVerifier`'s constructor takes and its `srs()` returns:
    /// `[1]G2` then `[s]G2`, each `x.c1, x.c0, y.c1, y.c0`.
    pub fn srs_words(&self) -> Result<[[u8; 32]; 8]> {
        let mut words = [[0u8; 32]; 8];
        for (word, text) in words.iter_mut().zip(self.g2.iter().chain(&self.s_g2)) {
            let bytes = decode_hex("g2/sG2", text)?;
            *word = bytes.try_into().map_err(|b: Vec<u8>| Error::Artifact {
                artifact: "universal-key.json `g2`/`sG2`".into(),
                reason: format!("a word of {} bytes, not 32", b.len()),
            })?;
        }
        Ok(words)
    }

    /// `ZkinferVerifier`'s creation code pinned to this key's SRS (constructor arguments
    /// appended), compiled by `solc`.
    pub fn verifier_creation_code(&self, solc: &Solc) -> Result<Vec<u8>> {
        let mut code = compile_universal_verifier(solc)?;
        code.extend(self.srs_words()?.concat());
        Ok(code)
    }
}

fn decode_hex(what: &str, text: &str) -> Result<Vec<u8>> {
    hex::decode(text.trim_start_matches("0x")).map_err(|e| Error::Artifact {
        artifact: format!("universal-key.json `{what}`"),
        reason: format!("not hex: {e}"),
    })
}

/// What the universal verifier measured in revm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniversalCheck {
    /// Runtime code of `ZkinferVerifier`.
    pub verifier_runtime: usize,
    /// Gas of deploying the key contract.
    pub key_deploy_gas: u64,
    /// Gas of the `verify` transaction.
    pub verify_gas: u64,
}

/// Deploys `ZkinferVerifier` (pinned to `params`' SRS) and the key in revm, verifies the proof
/// and requires that a proof with one flipped byte is refused.
pub fn universal_check(
    solc: &Solc,
    params: &ParamsKZG<Bn256>,
    key: &VkData,
    instances: &[Fr],
    proof: &[u8],
) -> Result<UniversalCheck> {
    let mut code = compile_universal_verifier(solc)?;
    code.extend(constructor_args(&params.g2(), &params.s_g2()));
    let mut evm = LocalEvm::new();
    let (verifier, _) = evm.deploy(code)?;
    let (address, key_deploy_gas) = evm.deploy(key.creation_code())?;
    let verify_gas = match evm.verify(verifier, address, instances, proof)? {
        VerifyOutcome::Accepted(gas) => gas,
        other => return Err(Error::Evm(format!("the universal verifier refused the proof: {other:?}"))),
    };
    let mut tampered = proof.to_vec();
    if let Some(b) = tampered.get_mut(proof.len() / 2) {
        *b ^= 1;
    }
    if matches!(evm.verify(verifier, address, instances, &tampered)?, VerifyOutcome::Accepted(_)) {
        return Err(Error::Evm("the universal verifier accepted a tampered proof".into()));
    }
    Ok(UniversalCheck { verifier_runtime: evm.code_size(verifier), key_deploy_gas, verify_gas })
}
