use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::commitment::{id_hex, model_id};
use crate::executor::{execute, quantize_inputs, Trace};
use crate::graph::FloatTensor;
use crate::graph::Graph;
use crate::input::InputData;
use crate::onnx::load_onnx;
use crate::quantize::{QuantizedModel, Scales};
use crate::{Error, Result};

/// Format tag of [`CompiledModel`].
pub const COMPILED_FORMAT: &str = "zkinfer.compiled.v1";

/// `compiled.json`: the quantized model, its commitment and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompiledModel {
    /// Always [`COMPILED_FORMAT`].
    pub format: String,
    /// The model commitment (`0x` + 64 hex digits); recomputed and checked on read.
    pub model_id: String,
    /// The ONNX file it was compiled from, as given.
    pub source: String,
    /// The ONNX op types used.
    pub op_types: Vec<String>,
    /// The integer model.
    pub model: QuantizedModel,
}

impl CompiledModel {
    /// Imports and quantizes an ONNX model. `data`, when given, fixes symbolic input shapes and
    /// calibrates the lookup ranges (see [`QuantizedModel::calibrate`]); without it they cover
    /// reals in `[-8, 8]`.
    pub fn compile(onnx: &Path, data: Option<&InputData>, scales: Scales) -> Result<(Self, Graph)> {
        let graph = load_onnx(onnx, data)?;
        let mut model = QuantizedModel::from_graph(&graph, scales)?;
        if let Some(data) = data {
            let names: Vec<String> = graph.inputs.iter().map(|&v| graph.values[v].name.clone()).collect();
            let tensors = data.to_tensors(&names, &graph.input_shapes())?;
            model.calibrate(&[quantize_inputs(&model, &tensors)?])?;
        }
        let compiled = Self {
            format: COMPILED_FORMAT.into(),
            model_id: id_hex(&model_id(&model)),
            source: onnx.display().to_string(),
            op_types: graph.op_types(),
            model,
        };
        Ok((compiled, graph))
    }

    /// The same model with other visibilities, and so another model id. Weights that are not
    /// `fixed` must fit the lanes they are witnessed in.
    pub fn with_visibility(mut self, visibility: crate::Visibilities) -> Result<Self> {
        self.model.visibility = visibility;
        if visibility.params != crate::ParamVisibility::Fixed {
            self.model.check_parameter_ranges()?;
        }
        self.model_id = id_hex(&model_id(&self.model));
        Ok(self)
    }

    /// The model commitment as bytes.
    pub fn id(&self) -> [u8; 32] {
        model_id(&self.model)
    }

    /// Reads and checks a `compiled.json`.
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::parse(&text, path)
    }

    /// Parses and checks `compiled.json` text; `source` names it in errors.
    pub fn parse(text: &str, source: &Path) -> Result<Self> {
        let bad = |m: String| Error::Compiled(format!("{}: {m}", source.display()));
        let compiled: Self = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if compiled.format != COMPILED_FORMAT {
            return Err(bad(format!("format `{}`, this build reads `{COMPILED_FORMAT}`", compiled.format)));
        }
        compiled.model.validate()?;
        let id = id_hex(&compiled.id());
        if id != compiled.model_id {
            return Err(bad(format!(
                "modelId {} does not match the model it holds ({id}): the file was edited",
                compiled.model_id
            )));
        }
        Ok(compiled)
    }

    /// Writes `compiled.json`.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("a compiled model always serializes") + "\n";
        std::fs::write(path, text).map_err(|source| Error::Io { path: path.to_owned(), source })
    }

    /// Names of the graph inputs.
    pub fn input_names(&self) -> Vec<String> {
        self.model.inputs.iter().map(|&v| self.model.values[v].name.clone()).collect()
    }

    /// Checks `data` against the input shapes and returns it as tensors.
    pub fn input_tensors(&self, data: &InputData) -> Result<Vec<FloatTensor>> {
        data.to_tensors(&self.input_names(), &self.input_shapes())
    }

    /// Quantizes `data` and runs the integer executor on it.
    pub fn trace(&self, data: &InputData) -> Result<Trace> {
        self.trace_tensors(&self.input_tensors(data)?)
    }

    /// Quantizes checked input tensors (from [`input_tensors`](Self::input_tensors)) and runs
    /// the integer executor on them.
    pub fn trace_tensors(&self, tensors: &[FloatTensor]) -> Result<Trace> {
        execute(&self.model, &quantize_inputs(&self.model, tensors)?)
    }

    /// Shapes of the graph inputs.
    pub fn input_shapes(&self) -> Vec<Vec<usize>> {
        self.model.inputs.iter().map(|&v| self.model.values[v].shape.clone()).collect()
    }
}
