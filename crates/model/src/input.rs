use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::graph::FloatTensor;
use crate::{Error, Result};

/// Sample inputs in EZKL's `input.json` format:
/// `{"input_data": [[...flat f32 values of input 0...], ...], "input_shapes": [[...]]}`.
#[derive(Clone, Debug, PartialEq)]
pub struct InputData {
    /// Flat values of each graph input.
    pub values: Vec<Vec<f32>>,
    /// Shapes, when the file gives them.
    pub shapes: Option<Vec<Vec<usize>>>,
    /// Where the data came from, for messages.
    pub source: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    input_data: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    input_shapes: Option<Vec<Vec<usize>>>,
    #[serde(default)]
    #[allow(dead_code)]
    output_data: Option<serde_json::Value>,
}

impl InputData {
    /// Reads an input JSON file.
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::parse(&text, path)
    }

    /// Parses input JSON text; `source` names it in errors.
    pub fn parse(text: &str, source: &Path) -> Result<Self> {
        let err = |reason: String| Error::InputData { path: source.to_owned(), reason };
        let raw: RawInput = serde_json::from_str(text).map_err(|e| {
            err(format!("not an input file of the form {{\"input_data\": [[numbers...]]}}: {e}"))
        })?;
        let mut values = Vec::with_capacity(raw.input_data.len());
        for (i, input) in raw.input_data.iter().enumerate() {
            let mut flat = Vec::with_capacity(input.len());
            for (j, v) in input.iter().enumerate() {
                // Booleans (EZKL's boolean examples) are 0 and 1.
                let x = v
                    .as_f64()
                    .or_else(|| v.as_bool().map(f64::from))
                    .ok_or_else(|| err(format!("input_data[{i}][{j}] is {v}, not a number")))?;
                if !x.is_finite() || x.abs() > f32::MAX as f64 {
                    return Err(err(format!("input_data[{i}][{j}] = {x} is not a finite f32")));
                }
                flat.push(x as f32);
            }
            values.push(flat);
        }
        Ok(Self { values, shapes: raw.input_shapes, source: source.to_owned() })
    }

    /// Checks the data against the model's input shapes and returns one tensor per input.
    pub fn to_tensors(&self, names: &[String], shapes: &[Vec<usize>]) -> Result<Vec<FloatTensor>> {
        let err = |reason: String| Error::InputData { path: self.source.clone(), reason };
        // A model without inputs (a constant) takes `[[]]` as EZKL writes it.
        if shapes.is_empty() && self.values.iter().all(Vec::is_empty) {
            return Ok(Vec::new());
        }
        if self.values.len() != shapes.len() {
            return Err(err(format!(
                "the model has {} input(s) ({}), the file gives {}",
                shapes.len(),
                names.join(", "),
                self.values.len()
            )));
        }
        let mut tensors = Vec::with_capacity(shapes.len());
        for (i, (values, shape)) in self.values.iter().zip(shapes).enumerate() {
            let want: usize = shape.iter().product();
            if values.len() != want {
                return Err(err(format!(
                    "input {i} (`{}`) has {} values; the model's shape {shape:?} needs {want}",
                    names[i],
                    values.len()
                )));
            }
            tensors.push(FloatTensor { shape: shape.clone(), data: values.clone() });
        }
        Ok(tensors)
    }
}
