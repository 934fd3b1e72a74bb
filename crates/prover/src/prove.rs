use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_base::halo2_proofs::plonk::{create_proof, verify_proof, VerifyingKey};
use halo2_base::halo2_proofs::poly::commitment::ParamsProver;
use halo2_base::halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_base::halo2_proofs::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_base::halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_base::halo2_proofs::transcript::{TranscriptReadBuffer, TranscriptWriterBuffer};
use rand::rngs::OsRng;
use snark_verifier_sdk::snark_verifier::system::halo2::transcript::evm::EvmTranscript;
use zkinfer_circuit::{ModelCircuit, ProvingCircuit};
use zkinfer_model::{id_hex, QuantizedModel, Trace};

use crate::artifacts::{fr_to_hex, ProofFile, PROOF_FORMAT};
use crate::keys::Keys;
use crate::srs::Srs;
use crate::{Error, Result};

/// Proves one inference (SHPLONK with the Keccak transcript, so that the EVM verifier can
/// replay it) and checks the proof natively before returning it: a proof that does not verify
/// is an error, never an output.
pub fn prove(
    srs: &Srs,
    keys: &Keys,
    model: &QuantizedModel,
    model_id: [u8; 32],
    trace: &Trace,
) -> Result<ProofFile> {
    let (builder, instances) = prover_circuit(keys, model, model_id, trace)?;
    let mut transcript = TranscriptWriterBuffer::<_, G1Affine, _>::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, EvmTranscript<_, _, _, _>, _>(
        &srs.params,
        &keys.pk,
        &[builder],
        &[&[&instances]],
        OsRng,
        &mut transcript,
    )
    .map_err(|e| Error::Halo2 { step: "create_proof", reason: format!("{e:?}") })?;
    let proof = transcript.finalize();
    verify(&srs.params, keys.vk(), &instances, &proof)?;
    let mut file = ProofFile {
        format: PROOF_FORMAT.into(),
        model_id: id_hex(&model_id),
        inputs: Vec::new(),
        outputs: Vec::new(),
        input_scale: model.input_scale(),
        output_scale: model.output_scale(),
        instances: instances.iter().map(fr_to_hex).collect(),
        proof: format!("0x{}", hex::encode(&proof)),
        input_hash: None,
        output_hash: None,
        weights_hash: None,
    };
    file.set_public_values(&ModelCircuit::new(model, model_id).public_values(trace));
    Ok(file)
}

/// The model circuit of `trace` for the prover stage, cut as at keygen, with its public values
/// (shared by both transcripts' provers).
pub(crate) fn prover_circuit(
    keys: &Keys,
    model: &QuantizedModel,
    model_id: [u8; 32],
    trace: &Trace,
) -> Result<(ProvingCircuit, Vec<Fr>)> {
    Ok(ModelCircuit::new(model, model_id).builder(
        CircuitBuilderStage::Prover,
        &keys.settings.layout,
        Some(keys.settings.break_points.clone()),
        trace,
    )?)
}

/// Verifies a proof natively against a verifying key and public values.
pub fn verify(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    instances: &[Fr],
    proof: &[u8],
) -> Result<()> {
    let mut transcript = TranscriptReadBuffer::<_, G1Affine, _>::init(proof);
    verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, EvmTranscript<_, _, _, _>, _>(
        params.verifier_params(),
        vk,
        SingleStrategy::new(params),
        &[&[instances]],
        &mut transcript,
    )
    .map_err(|e| Error::Rejected(format!("{e:?}")))
}
