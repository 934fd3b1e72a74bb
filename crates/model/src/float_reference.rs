use std::path::Path;

use tract_onnx::prelude::*;

use crate::graph::FloatTensor;
use crate::{Error, Result};

/// Runs the ONNX file in f32 with tract, independently of the compiler's own import, so that
/// the fidelity report compares the proof against the model as a framework runs it.
pub fn float_reference(path: &Path, inputs: &[FloatTensor]) -> Result<Vec<FloatTensor>> {
    let run = || -> TractResult<Vec<FloatTensor>> {
        let mut model = tract_onnx::onnx().model_for_path(path)?;
        for (i, t) in inputs.iter().enumerate() {
            model = model.with_input_fact(i, f32::fact(&t.shape).into())?;
        }
        let plan = model.into_optimized()?.into_runnable()?;
        let tensors = inputs
            .iter()
            .map(|t| Ok(Tensor::from_shape(&t.shape, &t.data)?.into()))
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
