//! `zkinfer calibrate`: compile at several fixed-point scales, measure each against the float
//! model on the sample inputs and against the circuit it needs, and keep the best for the
//! target (fewest rows within tolerance, or the smallest error).

use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use zkinfer_circuit::ModelCircuit;
use zkinfer_model::{float_reference, CompiledModel, Fidelity, InputData, Scales};
use zkinfer_prover::MemoryBudget;

use crate::opts::{CalibrateArgs, CalibrationTarget};
use crate::output::Reporter;
use crate::paths;

/// One scale tried.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Candidate {
    /// Input and param scale, in bits.
    pub(crate) scale: u32,
    /// Circuit size, when it compiled.
    pub(crate) k: Option<u32>,
    /// Advice cells of the circuit.
    pub(crate) advice_cells: Option<usize>,
    /// Largest |float - dequantized| over the samples.
    pub(crate) max_abs_error: Option<f64>,
    /// Whether that error is within the tolerance.
    pub(crate) within_tolerance: bool,
    /// Why the scale does not work, if it does not.
    pub(crate) error: Option<String>,
}

impl CalibrateArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let data = InputData::read(&self.input)?;
        let mut candidates = Vec::with_capacity(self.scales.len());
        let mut float = None;
        let budget = self.memory.budget();
        for &scale in &self.scales {
            let c = rep.step(&format!("scale 2^{scale}"), || -> anyhow::Result<Candidate> {
                Ok(evaluate(
                    &self.model,
                    &data,
                    scale,
                    self.visibility.visibilities(),
                    self.tolerance,
                    budget.as_ref(),
                    &mut float,
                ))
            })?;
            rep.note(describe(&c));
            candidates.push(c);
        }
        rep.set("candidates", &candidates);
        let chosen = choose(&candidates, self.target).with_context(|| {
            format!(
                "no scale among {:?} keeps the error within {} x max(1, max |float|); try larger scales",
                self.scales, self.tolerance
            )
        })?;
        let scales = Scales { input: chosen.scale, param: chosen.scale };
        let visibility = self.visibility.visibilities();
        let compiled =
            super::compile::compile(&self.model, Some(&self.input), scales, visibility, &self.dir.dir, rep)?;
        rep.set("scale", chosen.scale);
        rep.line(format!("chosen     scale 2^{} ({:?}): {}", chosen.scale, self.target, describe(chosen)));
        rep.line(format!("model id   {}", compiled.model_id));
        rep.line(format!("written    {}", self.dir.dir.join(paths::COMPILED).display()));
        Ok(())
    }
}

fn describe(c: &Candidate) -> String {
    match (&c.error, c.k, c.max_abs_error) {
        (Some(e), _, _) => format!("scale 2^{}: {e}", c.scale),
        (None, Some(k), Some(err)) => format!(
            "scale 2^{}: k={k}, {} advice cells, max abs error {err:.5}{}",
            c.scale,
            c.advice_cells.unwrap_or(0),
            if c.within_tolerance { "" } else { " (outside tolerance)" }
        ),
        _ => format!("scale 2^{}: incomplete", c.scale),
    }
}

/// Compiles `model` at `scale` (inputs and weights), calibrates its lookup ranges on `data`,
/// and measures the circuit size and the error against tract's float run (`float`, computed on
/// the first call and reused: it does not depend on the scale).
fn evaluate(
    model: &Path,
    data: &InputData,
    scale: u32,
    visibility: zkinfer_model::Visibilities,
    tolerance: f64,
    budget: Option<&MemoryBudget>,
    float: &mut Option<Vec<f32>>,
) -> Candidate {
    let mut c = Candidate {
        scale,
        k: None,
        advice_cells: None,
        max_abs_error: None,
        within_tolerance: false,
        error: None,
    };
    let mut run = |c: &mut Candidate| -> anyhow::Result<()> {
        let (compiled, _) = CompiledModel::compile(model, Some(data), Scales { input: scale, param: scale })?;
        let compiled = compiled.with_visibility(visibility)?;
        let tensors = compiled.input_tensors(data)?;
        let trace = compiled.trace_tensors(&tensors)?;
        // The layout search assigns the whole witness: not for a model no layout fits.
        if let Some(budget) = budget {
            budget.check_floor("calibration", &compiled.model)?;
        }
        let layout = ModelCircuit::new(&compiled.model, compiled.id()).layout(&trace)?;
        c.k = Some(layout.k());
        c.advice_cells = Some(layout.advice_cells);
        let float = match float {
            Some(f) => f,
            None => {
                float.insert(float_reference(model, &tensors)?.into_iter().flat_map(|t| t.data).collect())
            }
        };
        let fidelity =
            Fidelity::compare(float, &trace.outputs(&compiled.model), compiled.model.output_scale());
        c.max_abs_error = Some(fidelity.max_abs_error);
        c.within_tolerance = fidelity.max_abs_error <= tolerance * fidelity.magnitude();
        Ok(())
    };
    if let Err(e) = run(&mut c) {
        c.error = Some(format!("{e:#}"));
    }
    c
}

/// The candidate to keep: for resources the smallest circuit within tolerance (then the
/// smaller error); for accuracy the smallest error (then the smaller circuit).
pub(crate) fn choose(candidates: &[Candidate], target: CalibrationTarget) -> Option<&Candidate> {
    let ok = candidates.iter().filter(|c| c.error.is_none() && c.within_tolerance);
    let size = |c: &Candidate| (c.k.unwrap_or(u32::MAX), c.advice_cells.unwrap_or(usize::MAX));
    let error = |c: &Candidate| c.max_abs_error.unwrap_or(f64::INFINITY);
    match target {
        CalibrationTarget::Resources => {
            ok.min_by(|a, b| size(a).cmp(&size(b)).then(error(a).total_cmp(&error(b))))
        }
        CalibrationTarget::Accuracy => {
            ok.min_by(|a, b| error(a).total_cmp(&error(b)).then(size(a).cmp(&size(b))))
        }
    }
}
