use std::path::Path;

use zkinfer_circuit::halo2_base::halo2_proofs::halo2curves::bn256::G1Affine;
use zkinfer_circuit::halo2_base::halo2_proofs::plonk::VerifyingKey;
use zkinfer_circuit::Layout;
use zkinfer_model::CompiledModel;
use zkinfer_prover::{dev_srs, layout_for, load_or_keygen, load_srs, read_vk, srs_fingerprint, Keys, Srs};

use crate::opts::{LayoutArgs, SetupArgs, SrsSelect};
use crate::output::Reporter;
use crate::paths;

impl SetupArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let compiled = CompiledModel::read(&self.dir.dir.join(paths::COMPILED))?;
        if self.estimate {
            let layout = plan(&compiled, &self.layout, rep)?;
            rep.line(format!("k          {}", layout.k()));
            return Ok(());
        }
        let (_, keys) = setup(&compiled, &self.srs, &self.layout, &self.dir.dir, rep)?;
        rep.line(format!("k          {}", keys.settings.layout.k()));
        rep.line(format!("keys       {}", self.dir.dir.join(paths::KEYS_DIR).display()));
        Ok(())
    }
}

/// The SRS for `k`: the given ceremony file, or the dev SRS (with a loud warning).
pub(crate) fn srs_for(k: u32, select: &SrsSelect, rep: &mut Reporter) -> anyhow::Result<Srs> {
    let srs = match &select.srs {
        Some(path) => rep.step("load SRS", || load_srs(path, Some(k)))?,
        None => {
            let cache = paths::cache_dir(select.cache_dir.as_deref());
            rep.step("dev SRS (generate or load cache)", || dev_srs(k, &cache))?
        }
    };
    if srs.is_insecure() {
        rep.warn(srs.describe());
    } else {
        rep.note(srs.describe());
    }
    rep.set("srsInsecure", srs.is_insecure());
    Ok(srs)
}

/// Layout, SRS and keys (from the cache in `<dir>/keys` when still valid).
pub(crate) fn setup(
    compiled: &CompiledModel,
    select: &SrsSelect,
    choices: &LayoutArgs,
    dir: &Path,
    rep: &mut Reporter,
) -> anyhow::Result<(Srs, Keys)> {
    let id = compiled.id();
    let layout = plan(compiled, choices, rep)?;
    let srs = srs_for(layout.k(), select, rep)?;
    let keys_dir = dir.join(paths::KEYS_DIR);
    let (keys, cached) =
        rep.step("keygen (vk + pk)", || load_or_keygen(&keys_dir, &srs, &compiled.model, id, &layout))?;
    if cached {
        rep.note(format!("keys reused from {}", keys_dir.display()));
    }
    Ok((srs, keys))
}

/// The circuit layout and the cost model's estimate of it, reported before any heavy work.
pub(crate) fn plan(
    compiled: &CompiledModel,
    choices: &LayoutArgs,
    rep: &mut Reporter,
) -> anyhow::Result<Layout> {
    let id = compiled.id();
    let budget = choices.memory.budget();
    if let Some(budget) = &budget {
        let floor = budget.check_floor("keygen and proving", &compiled.model)?;
        rep.set("floor", serde_json::to_value(floor)?);
    }
    let layout = rep.step("circuit layout", || {
        layout_for(&compiled.model, id, choices.dense_gate, choices.gas_per_prove_second)
    })?;
    rep.note(format!(
        "k={} ({} rows), {} advice + {} lookup + {} dense columns, {} advice cells, {} range lookups, {} public values",
        layout.k(),
        1u64 << layout.k(),
        layout.params.num_advice_per_phase[0],
        layout.params.num_lookup_advice_per_phase[0],
        layout.dense_columns,
        layout.advice_cells,
        layout.lookup_cells,
        layout.num_instances
    ));
    if layout.dense_terms > 0 {
        let per_mac = layout.dense_cells as f64 / layout.dense_terms as f64;
        rep.note(format!(
            "dense gate: {} multiply-accumulates in {} cells ({per_mac:.3} per MAC)",
            layout.dense_terms, layout.dense_cells
        ));
    }
    rep.set("k", layout.k());
    rep.set("advice_cells", layout.advice_cells);
    rep.set("dense_columns", layout.dense_columns);
    rep.set("dense_cells", layout.dense_cells);
    rep.set("dense_terms", layout.dense_terms);
    let e = layout.estimate();
    rep.note(format!(
        "estimate: prove {:.1} s, keygen {:.1} s, peak memory {} MB, proving key {} MB, verify {} gas",
        e.prove_seconds,
        e.keygen_seconds,
        e.peak_memory_bytes >> 20,
        e.proving_key_bytes >> 20,
        e.verify_gas
    ));
    rep.set("estimate", serde_json::to_value(e)?);
    if let Some(budget) = budget {
        rep.note(format!("memory budget {} MB ({})", budget.bytes >> 20, budget.source));
        budget.check("keygen and proving", &layout)?;
    }
    Ok(layout)
}

/// The verifying key saved by `setup` in `<dir>/keys`, with the SRS it was made with (the
/// selected SRS must be that one).
pub(crate) fn saved_vk(
    dir: &Path,
    select: &SrsSelect,
    rep: &mut Reporter,
) -> anyhow::Result<(VerifyingKey<G1Affine>, Srs)> {
    let keys_dir = dir.join(paths::KEYS_DIR);
    let (vk, settings) = read_vk(&keys_dir)?;
    let srs = srs_for(settings.layout.k(), select, rep)?;
    if srs_fingerprint(&srs) != settings.srs_fingerprint {
        anyhow::bail!("the keys in {} were made with another SRS", keys_dir.display());
    }
    Ok((vk, srs))
}
