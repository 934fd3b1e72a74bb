//! What a model registration says, and the model id the registry derives from it.
//!
//! The registry is content-addressed: `registerModel` computes the id from everything it
//! records, so an id means exactly one verifier code and one statement. The derivation is
//! defined here and in `contracts/libraries/ModelIds.sol`; the anvil test
//! `model_id_matches_the_registry` checks that both agree.

use alloy::primitives::{keccak256, Address, B256, I256, U256};
use alloy::sol_types::SolValue;
use zkinfer_model::{CompiledModel, ParamVisibility, Visibility};
use zkinfer_prover::ProofFile;

use crate::contracts::IModelRegistry;
use crate::{Error, Result, SideValues};

/// Domain of model ids (`ModelIds.MODEL_ID_DOMAIN`): keccak256 of this string.
pub const MODEL_ID_DOMAIN: &str = "zkinfer.registry.model.v1";

/// What a model's proofs reveal, as the registry records it: per side 0 public (weights:
/// fixed), 1 private, 2 hashed, and the weights' Poseidon hash when they are hashed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnchainVisibility {
    /// Inputs.
    pub inputs: u8,
    /// Outputs.
    pub outputs: u8,
    /// Weights.
    pub weights: u8,
    /// The weights' hash (zero unless hashed).
    pub weights_hash: U256,
}

impl OnchainVisibility {
    /// The registry's visibility codes for a compiled model, with its weights' hash when hashed.
    pub fn of(compiled: &CompiledModel) -> Self {
        let vis = compiled.model.visibility;
        let side = |v: Visibility| match v {
            Visibility::Public => 0,
            Visibility::Private => 1,
            Visibility::Hashed => 2,
        };
        let (weights, weights_hash) = match vis.params {
            ParamVisibility::Fixed => (0, U256::ZERO),
            ParamVisibility::Private => (1, U256::ZERO),
            ParamVisibility::Hashed => {
                let hash = zkinfer_circuit::weights_hash(&compiled.model.parameters());
                (2, zkinfer_prover::fr_to_hex(&hash).parse().expect("a field element is a uint256"))
            }
        };
        Self { inputs: side(vis.input), outputs: side(vis.output), weights, weights_hash }
    }
}

/// What checks a model's proofs: the registry's universal verifier of `version` reading the key
/// contract at `address`, or (version 0) a self-contained verifier contract at `address`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelVerifier {
    /// The key contract (version >= 1) or the self-contained verifier (version 0).
    pub address: Address,
    /// The universal verifier's version in the registry, or 0.
    pub version: u16,
}

impl ModelVerifier {
    /// The key contract at `key`, read by the universal verifier of `version` (>= 1).
    pub fn universal(version: u16, key: Address) -> Self {
        Self { address: key, version }
    }

    /// A self-contained verifier contract (snark-verifier's).
    pub fn self_contained(verifier: Address) -> Self {
        Self { address: verifier, version: 0 }
    }
}

/// An address alone names a self-contained verifier.
impl From<Address> for ModelVerifier {
    fn from(verifier: Address) -> Self {
        Self::self_contained(verifier)
    }
}

/// A model as the registry records it (everything but what verifies it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelEntry {
    /// The circuit's model commitment (its first two public values).
    pub commitment: B256,
    /// Number of input values.
    pub input_count: u32,
    /// Number of output values.
    pub output_count: u32,
    /// Input scale in bits.
    pub input_scale: u8,
    /// Output scale in bits.
    pub output_scale: u8,
    /// What the proofs reveal.
    pub visibility: OnchainVisibility,
    /// The circuit digest aggregation uses (zero: never in a batch).
    pub circuit_digest: U256,
    /// The exact length of the model's proofs in bytes.
    pub proof_length: u32,
}

impl ModelEntry {
    /// The entry of a compiled model whose proofs are `proof_length` bytes long (no circuit
    /// digest: see [`ModelEntry::with_circuit_digest`]).
    pub fn of(compiled: &CompiledModel, proof_length: usize) -> Result<Self> {
        let m = &compiled.model;
        let fit = |what: &str, e: std::num::TryFromIntError| Error::Input(format!("{what}: {e}"));
        Ok(Self {
            commitment: B256::from(compiled.id()),
            input_count: m.input_len().try_into().map_err(|e| fit("input count", e))?,
            output_count: m.output_len().try_into().map_err(|e| fit("output count", e))?,
            input_scale: m.input_scale().try_into().map_err(|e| fit("input scale", e))?,
            output_scale: m.output_scale().try_into().map_err(|e| fit("output scale", e))?,
            visibility: OnchainVisibility::of(compiled),
            circuit_digest: U256::ZERO,
            proof_length: proof_length.try_into().map_err(|e| fit("proof length", e))?,
        })
    }

    /// The same entry with a circuit digest (for aggregated proofs).
    pub fn with_circuit_digest(self, circuit_digest: U256) -> Self {
        Self { circuit_digest, ..self }
    }

    /// The registration `registerModel` takes, with `verifier`.
    pub fn registration(&self, verifier: impl Into<ModelVerifier>) -> IModelRegistry::ModelRegistration {
        let verifier = verifier.into();
        let v = &self.visibility;
        IModelRegistry::ModelRegistration {
            commitment: self.commitment,
            verifier: verifier.address,
            verifierVersion: verifier.version,
            inputCount: self.input_count,
            outputCount: self.output_count,
            inputScale: self.input_scale,
            outputScale: self.output_scale,
            visibility: IModelRegistry::ModelVisibility {
                inputs: v.inputs,
                outputs: v.outputs,
                weights: v.weights,
                weightsHash: v.weights_hash,
            },
            circuitDigest: self.circuit_digest,
            proofLength: self.proof_length,
        }
    }

    /// The id the registry gives this entry with `verifier`, whose contract's runtime code
    /// hashes to `code_hash`:
    /// `keccak256(abi.encode(keccak256(MODEL_ID_DOMAIN), code_hash, registration))`.
    pub fn model_id(&self, verifier: impl Into<ModelVerifier>, code_hash: B256) -> B256 {
        let domain = keccak256(MODEL_ID_DOMAIN.as_bytes());
        keccak256((domain, code_hash, self.registration(verifier)).abi_encode())
    }
}

/// What `verifyInference` takes for one side of a proof: its values, or its hash alone when
/// the side is hashed (`hash`; nothing when private, as the proof file then lists no values).
pub fn side_args(values: &[i64], hash: Option<&str>) -> Result<Vec<I256>> {
    match hash {
        Some(h) => {
            let word: U256 = h.parse().map_err(|e| Error::Input(format!("side hash `{h}`: {e}")))?;
            Ok(vec![I256::from_raw(word)])
        }
        None => Ok(values.int256s()),
    }
}

/// The `(inputs, outputs)` arguments of `verifyInference` for `proof` ([`side_args`]).
pub fn proof_side_args(proof: &ProofFile) -> Result<(Vec<I256>, Vec<I256>)> {
    Ok((
        side_args(&proof.inputs, proof.input_hash.as_deref())?,
        side_args(&proof.outputs, proof.output_hash.as_deref())?,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn side_args_are_values_or_the_hash_alone() {
        let values = side_args(&[-3, 7], None).unwrap();
        assert_eq!(values, vec![I256::try_from(-3).unwrap(), I256::try_from(7).unwrap()]);
        let hashed = side_args(&[], Some("0x2a")).unwrap();
        assert_eq!(hashed, vec![I256::try_from(42).unwrap()]);
        let err = side_args(&[], Some("not a number")).unwrap_err().to_string();
        assert!(err.contains("side hash `not a number`"), "{err}");
    }
}
