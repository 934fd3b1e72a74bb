use std::path::Path;

use halo2_base::gates::circuit::builder::BaseCircuitBuilder;
use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::gates::flex_gate::MultiPhaseThreadBreakPoints;
use halo2_base::halo2_proofs::halo2curves::bn256::{Fr, G1Affine};
use halo2_base::halo2_proofs::plonk::{keygen_pk, keygen_vk, ProvingKey, VerifyingKey};
use halo2_base::halo2_proofs::poly::commitment::Params;
use serde::{Deserialize, Serialize};
use sha3::{Digest, Keccak256};
use snark_verifier_sdk::halo2::aggregation::AggregationConfigParams;
use snark_verifier_sdk::snark_verifier::verifier::plonk::PlonkProtocol;
use snark_verifier_sdk::Snark;
use zkinfer_circuit::UNUSABLE_ROWS;
use zkinfer_prover::{
    read_key_pk, read_key_settings, read_key_vk, srs_fingerprint, write_key_dir, MemoryBudget, Srs,
};

use crate::circuit::{build, public_value_count, Level, Link};
use crate::{Error, Result};

/// What aggregation keygen fixed, saved as `settings.json` beside `pk.bin` and `vk.bin`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregationSettings {
    /// Leaf (inference proofs) or node (aggregation proofs).
    pub level: Level,
    /// Circuit size, advice/lookup/fixed columns and lookup bits.
    pub config: AggregationConfigParams,
    /// Where the advice columns were cut at keygen; the prover must cut the same way.
    pub break_points: MultiPhaseThreadBreakPoints,
    /// Per member slot, a hash of the member circuit's shape (everything the aggregation
    /// circuit fixes about it): keys are reused only for batches of the same shapes.
    pub member_shapes: Vec<String>,
    /// Public values of an aggregation proof.
    pub num_instances: usize,
    /// Copy constraints between members' public values (a split model's segments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// `[s]G2` of the SRS the keys were made with.
    pub srs_fingerprint: String,
}

/// Aggregation proving key and its settings.
#[derive(Debug)]
pub struct AggregationKeys {
    /// The proving key (holds the verifying key).
    pub pk: ProvingKey<G1Affine>,
    /// What keygen fixed.
    pub settings: AggregationSettings,
}

impl AggregationKeys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
}

/// The shape of a member circuit as a leaf aggregation circuit sees it: its protocol without
/// the verifying-key commitments (those are witnesses there). At a node the inner
/// aggregation circuit's key is a constant, so the whole protocol counts.
pub fn member_shape(protocol: &PlonkProtocol<G1Affine>, level: Level) -> String {
    let mut shape = protocol.clone();
    if level == Level::Leaf {
        shape.preprocessed.clear();
        shape.transcript_initial_state = None;
    }
    let json = serde_json::to_vec(&shape).unwrap_or_default();
    hex::encode(Keccak256::digest(json))
}

/// Peak resident bytes of aggregation keygen or proving per row, and per row and advice or
/// lookup column: fitted to docs/bench-aggregation.md's runs at k=20 (N = 1, 2, 4, 8: 4 to 26
/// columns, 3.0 to 11.6 GB, each within 3 %). Aggregation circuits have fewer fixed and
/// permutation columns per advice column than model circuits, so the model cost model
/// (zkinfer-circuit's `Estimate`) would overestimate them by up to 57 %.
const AGG_PEAK_BYTES_PER_ROW: f64 = 1382.0;
const AGG_PEAK_BYTES_PER_CELL: f64 = 372.0;

/// The estimated peak memory of generating keys for, or proving, an aggregation circuit of
/// `config`'s rows and columns.
pub fn aggregation_peak_bytes(config: &AggregationConfigParams) -> u64 {
    let rows = (1u64 << config.degree) as f64;
    let columns = (config.num_advice + config.num_lookup_advice) as f64;
    (rows * (AGG_PEAK_BYTES_PER_ROW + AGG_PEAK_BYTES_PER_CELL * columns)) as u64
}

/// What to do about an aggregation over the memory budget.
const AGG_WAYS_OUT: &str = "fewer members per aggregation (a tree: aggregate smaller batches with `--transcript poseidon`, then their proofs), or `--memory-budget <GB>` if the estimate is too pessimistic for this machine";

fn guard(budget: Option<&MemoryBudget>, config: &AggregationConfigParams) -> Result<()> {
    if let Some(budget) = budget {
        let what = "aggregation keygen and proving";
        budget.check_peak(what, config.degree, aggregation_peak_bytes(config), AGG_WAYS_OUT)?;
    }
    Ok(())
}

/// Loads the aggregation keys in `dir` when they fit this batch (level, member shapes, k and
/// SRS); otherwise generates them from `snarks` and saves them. Returns whether they came
/// from the cache. With a `budget`, refuses (before the proving key is made or read) an
/// aggregation circuit whose estimated peak ([`aggregation_peak_bytes`]) exceeds it.
pub fn load_or_keygen(
    dir: &Path,
    srs: &Srs,
    snarks: &[Snark],
    level: Level,
    links: &[Link],
    k: u32,
    budget: Option<&MemoryBudget>,
) -> Result<(AggregationKeys, bool)> {
    let shapes: Vec<String> = snarks.iter().map(|s| member_shape(&s.protocol, level)).collect();
    if let Ok(settings) = read_key_settings::<AggregationSettings>(dir) {
        let same = settings.level == level
            && settings.member_shapes == shapes
            && settings.links == links
            && settings.config.degree == k
            && settings.num_instances == public_value_count(snarks, level)
            && settings.srs_fingerprint == srs_fingerprint(srs);
        if same {
            guard(budget, &settings.config)?;
            if let Ok(pk) = read_key_pk::<BaseCircuitBuilder<Fr>>(dir, settings.config.into()) {
                return Ok((AggregationKeys { pk, settings }, true));
            }
        }
    }
    let keys = keygen(srs, snarks, level, links, k, shapes, budget)?;
    save(dir, &keys)?;
    Ok((keys, false))
}

fn keygen(
    srs: &Srs,
    snarks: &[Snark],
    level: Level,
    links: &[Link],
    k: u32,
    member_shapes: Vec<String>,
    budget: Option<&MemoryBudget>,
) -> Result<AggregationKeys> {
    if srs.params.k() != k {
        return Err(Error::Batch(format!("the SRS has k={}, aggregation needs k={k}", srs.params.k())));
    }
    let config = AggregationConfigParams { degree: k, lookup_bits: k as usize - 1, ..Default::default() };
    let mut circuit =
        build(CircuitBuilderStage::Keygen, config, &srs.params, snarks.to_vec(), level, links, None);
    let config = circuit.calculate_params(Some(UNUSABLE_ROWS));
    guard(budget, &config)?;
    let halo2 = |step| {
        move |e: halo2_base::halo2_proofs::plonk::Error| Error::Halo2 { step, reason: format!("{e:?}") }
    };
    let (num_instances, expected) =
        (circuit.builder.assigned_instances[0].len(), public_value_count(snarks, level));
    if num_instances != expected {
        // The cache check relies on the count; a layout change must update both.
        return Err(Error::Batch(format!(
            "the aggregation circuit exposes {num_instances} public values, {expected} expected"
        )));
    }
    let vk = keygen_vk(&srs.params, &circuit.builder).map_err(halo2("keygen_vk"))?;
    let pk = keygen_pk(&srs.params, vk, &circuit.builder).map_err(halo2("keygen_pk"))?;
    let settings = AggregationSettings {
        level,
        config,
        break_points: circuit.break_points(),
        member_shapes,
        num_instances,
        links: links.to_vec(),
        srs_fingerprint: srs_fingerprint(srs),
    };
    Ok(AggregationKeys { pk, settings })
}

/// Writes `settings.json`, `pk.bin` and `vk.bin` into `dir`.
pub fn save(dir: &Path, keys: &AggregationKeys) -> Result<()> {
    Ok(write_key_dir(dir, &keys.pk, &keys.settings)?)
}

/// Reads `settings.json` and `vk.bin` of an aggregation key directory.
pub fn read_vk(dir: &Path) -> Result<(VerifyingKey<G1Affine>, AggregationSettings)> {
    let settings: AggregationSettings = read_key_settings(dir)?;
    let vk =
        read_key_vk::<BaseCircuitBuilder<Fr>>(dir, settings.config.into(), "an aggregation verifying key")?;
    Ok((vk, settings))
}
