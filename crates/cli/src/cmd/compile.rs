use std::path::Path;

use anyhow::Context;
use zkinfer_model::{
    float_reference, CompiledModel, Fidelity, InputData, ParamVisibility, Scales, Visibilities,
};

use crate::opts::CompileArgs;
use crate::output::Reporter;
use crate::paths;

impl CompileArgs {
    pub(crate) fn run(self, rep: &mut Reporter) -> anyhow::Result<()> {
        let scales = self.scales.scales();
        let visibility = self.visibility.visibilities();
        let compiled = compile(&self.model, self.input.as_deref(), scales, visibility, &self.dir.dir, rep)?;
        rep.line(format!("model id   {}", compiled.model_id));
        rep.line(format!("ops        {}", compiled.op_types.join(", ")));
        rep.line(format!("written    {}", self.dir.dir.join(paths::COMPILED).display()));
        Ok(())
    }
}

/// Imports, quantizes and writes `compiled.json`; with an input, also runs the integer and the
/// float model on it and reports how far apart they are.
pub(crate) fn compile(
    model: &Path,
    input: Option<&Path>,
    scales: Scales,
    visibility: Visibilities,
    dir: &Path,
    rep: &mut Reporter,
) -> anyhow::Result<CompiledModel> {
    let data = input.map(InputData::read).transpose()?;
    let compiled = rep.step("import ONNX and quantize", || {
        CompiledModel::compile(model, data.as_ref(), scales)?.0.with_visibility(visibility)
    })?;
    warn_visibility(visibility, rep);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    compiled.write(&dir.join(paths::COMPILED))?;
    rep.note(format!(
        "{}: ops {}, {} inputs -> {} outputs, scales 2^{} / 2^{}",
        compiled.model.name,
        compiled.op_types.join(", "),
        compiled.model.input_len(),
        compiled.model.output_len(),
        scales.input,
        scales.param
    ));
    rep.set("modelId", &compiled.model_id);
    rep.set("visibility", visibility);
    rep.set("ops", &compiled.op_types);
    if let Some(data) = &data {
        let fidelity = run_model(&compiled, data, rep)?.1;
        rep.set("fidelity", fidelity);
    }
    Ok(compiled)
}

/// Quantizes `data`, runs the integer executor and the float reference, and compares them.
pub(crate) fn run_model(
    compiled: &CompiledModel,
    data: &InputData,
    rep: &mut Reporter,
) -> anyhow::Result<(zkinfer_model::Trace, Fidelity)> {
    let model = &compiled.model;
    let tensors = compiled.input_tensors(data)?;
    let trace = rep.step("integer reference executor", || compiled.trace_tensors(&tensors))?;
    let float =
        rep.step("float reference (tract)", || float_reference(Path::new(&compiled.source), &tensors))?;
    let float: Vec<f32> = float.into_iter().flat_map(|t| t.data).collect();
    let fidelity = Fidelity::compare(&float, &trace.outputs(model), model.output_scale());
    rep.note(format!(
        "float vs quantized: max abs error {:.5}, max rel error {:.4}, argmax {}",
        fidelity.max_abs_error,
        fidelity.max_rel_error,
        if fidelity.argmax_agrees { "agrees" } else { "DIFFERS" }
    ));
    Ok((trace, fidelity))
}

/// Says what the visibilities mean for the verifier, loudly where they bind nothing.
pub(crate) fn warn_visibility(visibility: Visibilities, rep: &mut Reporter) {
    if !visibility.is_default() {
        rep.note(format!("visibility: {visibility} (part of the model id)"));
    }
    if visibility.params == ParamVisibility::Private {
        rep.warn(
            "PRIVATE WEIGHTS ARE NOT BOUND: the circuit takes the weights as unconstrained witnesses, so a \
             proof shows only that SOME weights of this architecture give the output. Nothing but the \
             model id's label ties it to these weights; use `--param-visibility hashed` to bind them",
        );
    }
}
