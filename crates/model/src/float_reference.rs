use std::path::Path;

use tract_onnx::prelude::*;
use tract_onnx::tract_hir::infer::Factoid;

use crate::graph::FloatTensor;
use crate::{Error, Result};

/// Runs the ONNX file in f32 with tract, independently of the compiler's own import, so that
/// the fidelity report compares the proof against the model as a framework runs it.
pub fn float_reference(path: &Path, inputs: &[FloatTensor]) -> Result<Vec<FloatTensor>> {
    let run = || -> TractResult<Vec<FloatTensor>> {
        let mut model = tract_onnx::onnx().model_for_path(path)?;
        // Inputs keep their declared element type (integer and boolean inputs exist).
        let mut types = Vec::with_capacity(inputs.len());
        for (i, t) in inputs.iter().enumerate() {
            let dt = model.input_fact(i)?.datum_type.concretize().unwrap_or(DatumType::F32);
            model = model.with_input_fact(i, InferenceFact::dt_shape(dt, &t.shape))?;
            types.push(dt);
        }
        let plan = model.into_optimized()?.into_runnable()?;
        let tensors = inputs
            .iter()
            .zip(&types)
            .map(|(t, &dt)| {
                let values = Tensor::from_shape(&t.shape, &t.data)?;
                Ok(if dt == DatumType::F32 { values } else { values.cast_to_dt(dt)?.into_owned() }.into())
            })
            .collect::<TractResult<TVec<TValue>>>()?;
        plan.run(tensors)?
            .iter()
            .map(|t| {
                let t = t.cast_to::<f32>()?;
                Ok(FloatTensor { shape: t.shape().to_vec(), data: t.as_slice::<f32>()?.to_vec() })
            })
            .collect()
    };
    match std::panic::catch_unwind(run) {
        Ok(result) => result.map_err(|e| Error::FloatReference(format!("{e:#}"))),
        Err(_) => Err(Error::FloatReference("tract panicked on this model".into())),
    }
}
