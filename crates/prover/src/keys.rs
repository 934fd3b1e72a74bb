use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::gates::flex_gate::MultiPhaseThreadBreakPoints;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::halo2curves::bn256::G1Affine;
use halo2_base::halo2_proofs::plonk::{keygen_pk, keygen_vk, Circuit, ProvingKey, VerifyingKey};
use halo2_base::halo2_proofs::SerdeFormat;
use serde::{Deserialize, Serialize};
use zkinfer_circuit::{DenseGate, Layout, ModelCircuit, ProvingCircuit, GAS_PER_PROVE_SECOND};
use zkinfer_model::{execute, id_hex, QuantizedModel, Trace};

use crate::artifacts::{read_json, write_json};
use crate::srs::Srs;
use crate::{Error, Result};

/// What keygen fixed, saved as `settings.json` beside the keys: the proving step and the
/// verifier generator need exactly this.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CircuitSettings {
    /// The model commitment the keys belong to.
    pub model_id: String,
    /// Circuit size and columns.
    pub layout: Layout,
    /// Where halo2-base cut the advice columns at keygen; the prover must cut the same way.
    pub break_points: MultiPhaseThreadBreakPoints,
    /// Hex of the SRS's `[s]G2`: keys made with one SRS are useless with another.
    pub srs_fingerprint: String,
    /// Whether the keys were made with the insecure dev SRS.
    pub srs_insecure: bool,
    /// keccak256 (hex) of the SRS file the keys were made from (empty in settings written
    /// before it was recorded).
    #[serde(default)]
    pub srs_hash: String,
}

/// A proving key with its settings.
#[derive(Debug)]
pub struct Keys {
    /// The proving key (holds the verifying key).
    pub pk: ProvingKey<G1Affine>,
    /// What keygen fixed.
    pub settings: CircuitSettings,
}

impl Keys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
}

/// Hex of the compressed `[s]G2`, identifying an SRS.
pub fn srs_fingerprint(srs: &Srs) -> String {
    use halo2_base::halo2_proofs::halo2curves::group::GroupEncoding;
    hex::encode(srs.params.s_g2().to_bytes())
}

/// The trace keygen uses: the model run on all-zero inputs (the circuit's shape never depends
/// on values).
pub fn shape_trace(model: &QuantizedModel) -> Result<Trace> {
    let zeros: Vec<Vec<i64>> = model.inputs.iter().map(|&v| vec![0; model.values[v].numel()]).collect();
    Ok(execute(model, &zeros)?)
}

/// The circuit layout of `model` (its k and columns).
pub fn layout(model: &QuantizedModel, model_id: [u8; 32]) -> Result<Layout> {
    layout_with(model, model_id, DenseGate::Auto)
}

/// The circuit layout of `model` with the dense-layer gate as `dense` says.
pub fn layout_with(model: &QuantizedModel, model_id: [u8; 32], dense: DenseGate) -> Result<Layout> {
    layout_for(model, model_id, dense, GAS_PER_PROVE_SECOND)
}

/// [`layout_with`], counting verifier gas at `gas_per_second` against proving time.
pub fn layout_for(
    model: &QuantizedModel,
    model_id: [u8; 32],
    dense: DenseGate,
    gas_per_second: f64,
) -> Result<Layout> {
    Ok(ModelCircuit::new(model, model_id).layout_for(&shape_trace(model)?, dense, gas_per_second)?)
}

/// Generates the verifying and proving keys.
pub fn keygen(srs: &Srs, model: &QuantizedModel, model_id: [u8; 32], layout: &Layout) -> Result<Keys> {
    let circuit = ModelCircuit::new(model, model_id);
    let (builder, _) = circuit.builder(CircuitBuilderStage::Keygen, layout, None, &shape_trace(model)?)?;
    let halo2 = |step| {
        move |e: halo2_base::halo2_proofs::plonk::Error| Error::Halo2 { step, reason: format!("{e:?}") }
    };
    let vk = keygen_vk(&srs.params, &builder).map_err(halo2("keygen_vk"))?;
    let pk = keygen_pk(&srs.params, vk, &builder).map_err(halo2("keygen_pk"))?;
    let settings = CircuitSettings {
        model_id: id_hex(&model_id),
        layout: layout.clone(),
        break_points: builder.base.break_points(),
        srs_fingerprint: srs_fingerprint(srs),
        srs_insecure: srs.is_insecure(),
        srs_hash: srs.file_hash.clone(),
    };
    Ok(Keys { pk, settings })
}

/// Files of a key directory.
const SETTINGS: &str = "settings.json";
const PK: &str = "pk.bin";
const VK: &str = "vk.bin";

/// Loads keys from `dir` when they belong to this model, layout and SRS; otherwise generates
/// and saves them. Returns whether they came from the cache.
pub fn load_or_keygen(
    dir: &Path,
    srs: &Srs,
    model: &QuantizedModel,
    model_id: [u8; 32],
    layout: &Layout,
) -> Result<(Keys, bool)> {
    if let Ok(settings) = read_key_settings::<CircuitSettings>(dir) {
        let same = settings.model_id == id_hex(&model_id)
            && settings.srs_fingerprint == srs_fingerprint(srs)
            && settings.srs_hash == srs.file_hash
            && serde_json::to_value(&settings.layout).ok() == serde_json::to_value(layout).ok();
        if same {
            if let Ok(pk) = read_key_pk::<ProvingCircuit>(dir, layout.circuit_params()) {
                return Ok((Keys { pk, settings }, true));
            }
        }
    }
    let keys = keygen(srs, model, model_id, layout)?;
    save_keys(dir, &keys)?;
    Ok((keys, false))
}

/// Writes `settings.json`, `pk.bin` and `vk.bin`.
pub fn save_keys(dir: &Path, keys: &Keys) -> Result<()> {
    write_key_dir(dir, &keys.pk, &keys.settings)
}

/// Writes a key directory of any circuit: `pk.bin` and `vk.bin` (halo2's raw format) and the
/// settings keygen fixed as `settings.json`.
pub fn write_key_dir(dir: &Path, pk: &ProvingKey<G1Affine>, settings: &impl Serialize) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    let write = |name: &str, f: &dyn Fn(&mut BufWriter<File>) -> std::io::Result<()>| {
        let path = dir.join(name);
        let mut w = BufWriter::new(File::create(&path).map_err(Error::io(&path))?);
        f(&mut w).and_then(|_| w.flush()).map_err(Error::io(&path))
    };
    write(PK, &|w| pk.write(w, SerdeFormat::RawBytes))?;
    write(VK, &|w| pk.get_vk().write(w, SerdeFormat::RawBytes))?;
    write_json(&dir.join(SETTINGS), settings)
}

/// Reads the `settings.json` of a key directory.
pub fn read_key_settings<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<T> {
    read_json(&dir.join(SETTINGS))
}

/// Reads the `vk.bin` of a key directory for circuit `C` configured with `params`; `what`
/// names the expected key in the error.
pub fn read_key_vk<C: Circuit<Fr>>(
    dir: &Path,
    params: C::Params,
    what: &str,
) -> Result<VerifyingKey<G1Affine>> {
    let path = dir.join(VK);
    let mut r = BufReader::new(File::open(&path).map_err(Error::io(&path))?);
    VerifyingKey::read::<_, C>(&mut r, SerdeFormat::RawBytes, params)
        .map_err(|e| Error::Artifact { path: path.clone(), reason: format!("not {what}: {e}") })
}

/// Reads the `pk.bin` of a key directory for circuit `C` configured with `params`.
pub fn read_key_pk<C: Circuit<Fr>>(dir: &Path, params: C::Params) -> Result<ProvingKey<G1Affine>> {
    let path = dir.join(PK);
    let mut r = BufReader::new(File::open(&path).map_err(Error::io(&path))?);
    ProvingKey::read::<_, C>(&mut r, SerdeFormat::RawBytes, params)
        .map_err(|e| Error::Artifact { path: path.clone(), reason: e.to_string() })
}

/// Reads `settings.json` and `vk.bin` from a key directory.
pub fn read_vk(dir: &Path) -> Result<(VerifyingKey<G1Affine>, CircuitSettings)> {
    let settings: CircuitSettings = read_key_settings(dir)?;
    let vk = read_key_vk::<ProvingCircuit>(
        dir,
        settings.layout.circuit_params(),
        "a verifying key for this circuit",
    )?;
    Ok((vk, settings))
}
