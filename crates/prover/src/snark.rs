use halo2_base::halo2_proofs::halo2curves::bn256::Bn256;
use halo2_base::halo2_proofs::halo2curves::bn256::G1Affine;
use halo2_base::halo2_proofs::plonk::{create_proof, VerifyingKey};
use halo2_base::halo2_proofs::poly::commitment::ParamsProver;
use halo2_base::halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_base::halo2_proofs::poly::kzg::multiopen::ProverSHPLONK;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use snark_verifier_sdk::halo2::{PoseidonTranscript, POSEIDON_SPEC};
use snark_verifier_sdk::snark_verifier::pcs::kzg::KzgDecidingKey;
use snark_verifier_sdk::snark_verifier::system::halo2::{compile, Config};
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;
use snark_verifier_sdk::snark_verifier::verifier::SnarkVerifier;
use snark_verifier_sdk::{NativeLoader, PlonkVerifier, Snark, SHPLONK};
use zkinfer_model::{id_hex, ParamVisibility, QuantizedModel, Trace, Visibility};

use crate::keys::Keys;
use crate::prove::prover_circuit;
use crate::srs::Srs;
use crate::{Error, Result};

/// Format tag of [`SnarkFile`].
pub const SNARK_FORMAT: &str = "zkinfer.snark.v1";

/// An inference proof made for aggregation (`snark.json`): SHPLONK with the Poseidon
/// transcript, which an aggregation circuit can replay cheaply, together with the values a
/// contract will see for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnarkFile {
    /// Always [`SNARK_FORMAT`].
    pub format: String,
    /// The model commitment, `0x` + 64 hex digits.
    pub model_id: String,
    /// Flattened inputs at `input_scale`.
    pub inputs: Vec<i64>,
    /// Flattened outputs at `output_scale`.
    pub outputs: Vec<i64>,
    /// Fixed-point scale of the inputs, in bits.
    pub input_scale: u32,
    /// Fixed-point scale of the outputs, in bits.
    pub output_scale: u32,
    /// How the proof exposes the inputs: their packed words (public, the default), their
    /// Poseidon hash (hashed: a segment of a split model) or nothing.
    #[serde(default, skip_serializing_if = "is_public")]
    pub input_visibility: Visibility,
    /// How the proof exposes the outputs.
    #[serde(default, skip_serializing_if = "is_public")]
    pub output_visibility: Visibility,
    /// The proof with its protocol (the verifying key as snark-verifier reads it) and public
    /// values.
    pub snark: Snark,
}

fn is_public(v: &Visibility) -> bool {
    *v == Visibility::Public
}

/// The snark-verifier protocol of a circuit: what an aggregation circuit needs to replay its
/// proofs. `accumulator` marks circuits whose first 12 public values are a KZG accumulator
/// (aggregation circuits).
pub fn protocol(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    num_instances: usize,
    accumulator: bool,
) -> PlonkProtocol<G1Affine> {
    let indices = accumulator.then(|| (0..4 * snark_verifier_sdk::LIMBS).map(|i| (0, i)).collect());
    compile(
        params,
        vk,
        Config::kzg().with_num_instance(vec![num_instances]).with_accumulator_indices(indices),
    )
}

/// Proves one inference for aggregation (Poseidon transcript) with the same keys as
/// [`crate::prove`], and checks the proof natively before returning it.
pub fn prove_snark(
    srs: &Srs,
    keys: &Keys,
    model: &QuantizedModel,
    model_id: [u8; 32],
    trace: &Trace,
) -> Result<SnarkFile> {
    if model.visibility.params != ParamVisibility::Fixed {
        return Err(Error::Rejected(format!(
            "aggregation takes models with fixed weights (constants of the verifying key); `{}` has {} weights",
            model.name, model.visibility.params
        )));
    }
    let (builder, instances) = prover_circuit(keys, model, model_id, trace)?;
    let mut transcript =
        PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(vec![], POSEIDON_SPEC.clone());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        &srs.params,
        &keys.pk,
        &[builder],
        &[&[&instances]],
        OsRng,
        &mut transcript,
    )
    .map_err(|e| Error::Halo2 { step: "create_proof", reason: format!("{e:?}") })?;
    let proof = transcript.finalize();
    let snark = Snark::new(protocol(&srs.params, keys.vk(), instances.len(), false), vec![instances], proof);
    verify_snark(&srs.params, &snark)?;
    Ok(SnarkFile {
        format: SNARK_FORMAT.into(),
        model_id: id_hex(&model_id),
        inputs: trace.inputs(model),
        outputs: trace.outputs(model),
        input_scale: model.input_scale(),
        output_scale: model.output_scale(),
        input_visibility: model.visibility.input,
        output_visibility: model.visibility.output,
        snark,
    })
}

/// Verifies a Poseidon-transcript snark natively against its own protocol, including the
/// pairing check of an accumulator carried in its public values.
pub fn verify_snark(params: &ParamsKZG<Bn256>, snark: &Snark) -> Result<()> {
    let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
    let mut transcript =
        PoseidonTranscript::<NativeLoader, &[u8]>::from_spec(snark.proof(), POSEIDON_SPEC.clone());
    let proof = PlonkVerifier::<SHPLONK>::read_proof(&dk, &snark.protocol, &snark.instances, &mut transcript)
        .map_err(|e| Error::Rejected(format!("unreadable proof: {e:?}")))?;
    PlonkVerifier::<SHPLONK>::verify(&dk, &snark.protocol, &snark.instances, &proof)
        .map_err(|e| Error::Rejected(format!("{e:?}")))
}
