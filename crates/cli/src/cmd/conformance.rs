use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use zkinfer_circuit::halo2_base::gates::circuit::CircuitBuilderStage;
use zkinfer_circuit::halo2_base::halo2_proofs::dev::MockProver;
use zkinfer_circuit::ModelCircuit;
use zkinfer_model::{float_reference, onnx_op_types, CompiledModel, Fidelity, InputData, Scales};

use crate::opts::{ConformanceArgs, MemoryArgs};
use crate::output::Reporter;

/// One model's result: three checks, each needing the previous one.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Row {
    model: String,
    ops: Vec<String>,
    /// The fixed-point scale (inputs and weights) of the result.
    scale: u32,
    /// Imported, quantized and run by the integer executor.
    compiled: bool,
    /// The circuit, witnessed from the executor, satisfies MockProver with its public values.
    satisfied: bool,
    /// The proven output is within the tolerance of tract's float output.
    within_tolerance: bool,
    k: Option<u32>,
    advice_cells: Option<usize>,
    max_abs_error: Option<f64>,
    /// Why the first failing check failed.
    reason: Option<String>,
}

impl Row {
    fn passes(&self) -> bool {
        self.compiled && self.satisfied && self.within_tolerance
    }
}

impl ConformanceArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let mut names: Vec<String> = std::fs::read_dir(&self.models)
            .with_context(|| format!("reading {}", self.models.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("network.onnx").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let allow: BTreeSet<String> = match &self.allowlist {
            Some(p) => std::fs::read_to_string(p)
                .with_context(|| format!("reading {}", p.display()))?
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            None => BTreeSet::new(),
        };
        if !self.only.is_empty() {
            names.retain(|n| self.only.contains(n));
        }
        let mut rows = Vec::with_capacity(names.len());
        for name in &names {
            let dir = self.models.join(name);
            let row = rep.step(&format!("conformance {name}"), || -> anyhow::Result<Row> {
                let row = check_guarded(name, &dir, self.scales.scales(), self.tolerance, &self.memory);
                if !row.satisfied || row.within_tolerance {
                    return Ok(row);
                }
                // Proven but too coarse: what `calibrate --target accuracy` would do.
                let finer = ACCURACY_SCALES.iter().filter(|&&s| s > self.scales.input_scale).map(|&s| {
                    check_guarded(name, &dir, Scales { input: s, param: s }, self.tolerance, &self.memory)
                });
                Ok(finer.into_iter().find(Row::passes).unwrap_or(row))
            })?;
            if let Some(reason) = &row.reason {
                rep.note(reason);
            }
            rows.push(row);
        }
        let passed = rows.iter().filter(|r| r.passes()).count();
        let table = markdown(&rows, self.scales.scales(), self.tolerance);
        if let Some(path) = &self.table {
            std::fs::write(path, &table).with_context(|| format!("writing {}", path.display()))?;
        }
        rep.line(table);
        rep.line(format!("{passed} of {} models pass all three checks", rows.len()));
        rep.set("passed", passed);
        rep.set("models", &rows);
        let regressed: Vec<&str> = rows
            .iter()
            .filter(|r| allow.contains(&r.model) && !r.passes())
            .map(|r| r.model.as_str())
            .collect();
        let missing: Vec<&String> = allow.iter().filter(|m| !names.contains(m)).collect();
        if !regressed.is_empty() || (!missing.is_empty() && self.only.is_empty()) {
            anyhow::bail!("allowlisted models fail: {regressed:?}; allowlisted but absent: {missing:?}");
        }
        Ok(())
    }
}

/// Finer scales tried, in order, for a model that is proven but outside the tolerance.
const ACCURACY_SCALES: [u32; 2] = [10, 12];

/// A panic inside a model check is a bug of ours; it is reported as that model's failure
/// instead of ending the whole run.
fn check_guarded(name: &str, dir: &Path, scales: Scales, tolerance: f64, memory: &MemoryArgs) -> Row {
    let mut row = Row { model: name.to_owned(), scale: scales.input, ..Row::default() };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check(&mut row, dir, scales, tolerance, memory)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => row.reason = Some(format!("{e:#}")),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            row.reason = Some(format!("BUG: panicked: {msg}"));
        }
    }
    row
}

fn check(
    row: &mut Row,
    dir: &Path,
    scales: Scales,
    tolerance: f64,
    memory: &MemoryArgs,
) -> anyhow::Result<()> {
    row.ops = onnx_op_types(&dir.join("network.onnx"))?;
    let data = InputData::read(&dir.join("input.json"))?;
    let (compiled, _) = CompiledModel::compile(&dir.join("network.onnx"), Some(&data), scales)?;
    let tensors = compiled.input_tensors(&data)?;
    let trace = compiled.trace_tensors(&tensors)?;
    row.compiled = true;

    let budget = memory.budget();
    let over = |e: zkinfer_prover::Error| anyhow::anyhow!("over budget: {e}");
    if let Some(budget) = &budget {
        budget.check_floor("MockProver", &compiled.model).map_err(over)?;
    }
    let circuit = ModelCircuit::new(&compiled.model, compiled.id());
    let layout = circuit.layout(&trace)?;
    row.k = Some(layout.k());
    row.advice_cells = Some(layout.advice_cells);
    if let Some(budget) = &budget {
        budget.check("MockProver", &layout).map_err(over)?;
    }
    let (builder, instances) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, &trace)?;
    let verdict = MockProver::run(layout.k(), &builder, vec![instances])
        .map_err(|e| anyhow::anyhow!("MockProver: {e:?}"))?
        .verify();
    if let Err(failures) = verdict {
        anyhow::bail!(
            "constraints not satisfied: {} failure(s), first {:?}",
            failures.len(),
            failures.first()
        );
    }
    row.satisfied = true;

    let float: Vec<f32> =
        float_reference(&dir.join("network.onnx"), &tensors)?.into_iter().flat_map(|t| t.data).collect();
    let fidelity = Fidelity::compare(&float, &trace.outputs(&compiled.model), compiled.model.output_scale());
    row.max_abs_error = Some(fidelity.max_abs_error);
    let scale = fidelity.magnitude();
    if fidelity.max_abs_error > tolerance * scale {
        anyhow::bail!("max abs error {:.5} exceeds {tolerance} x {scale:.3}", fidelity.max_abs_error);
    }
    row.within_tolerance = true;
    Ok(())
}

fn markdown(rows: &[Row], scales: Scales, tolerance: f64) -> String {
    let mark = |b: bool| if b { "yes" } else { "no" };
    let mut out = format!(
        "# Conformance: EZKL's example models\n\nWritten by `zkinfer conformance` (scales 2^{}/2^{}, tolerance {tolerance} x max(1, max |float|);\n\
         a model proven but outside the tolerance is retried at scales 2^10 and 2^12, the `scale` column says which held).\n\
         A check runs only when the one before it passed.\n\n| model | ops | scale | compiled | constraints satisfied | within tolerance | k | advice cells | max abs error | reason |\n|---|---|---|---|---|---|---|---|---|---|\n",
        scales.input, scales.param
    );
    for r in rows {
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.model,
            r.ops.join(" "),
            r.scale,
            mark(r.compiled),
            mark(r.satisfied),
            mark(r.within_tolerance),
            r.k.map_or(String::new(), |k| k.to_string()),
            r.advice_cells.map_or(String::new(), |c| c.to_string()),
            r.max_abs_error.map_or(String::new(), |e| format!("{e:.5}")),
            short(r.reason.as_deref().unwrap_or("")),
        );
    }
    out
}

/// A reason fit for one table cell.
fn short(reason: &str) -> String {
    let one_line = reason.replace('|', "\\|").replace('\n', " ");
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}
