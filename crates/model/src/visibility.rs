//! What a proof reveals of an inference: per side (inputs, outputs, weights) the values, a
//! Poseidon hash of them, or nothing.
//!
//! The visibility is part of the [`QuantizedModel`], so the model id covers it: the same
//! network compiled with other visibilities is another model with another id. The default
//! (public inputs, public outputs, fixed weights) is not written into the model's JSON, so ids
//! of models compiled before visibilities existed are unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::fixed_point::{in_range, BIAS_BITS};
use crate::quantize::{QuantOp, QuantizedModel};
use crate::{Error, Result};

/// How the inputs or the outputs appear in the public values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The values themselves, packed seven 32-bit lanes per public word.
    #[default]
    Public,
    /// Nothing: the values are witnesses only.
    Private,
    /// One public word: the Poseidon hash of the packed words (a binding commitment, not a
    /// hiding one: values a verifier can guess can be checked against it).
    Hashed,
}

/// How the weights (every weight, bias and constant tensor) enter the circuit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamVisibility {
    /// Circuit constants, baked into the verifying key: the key (and the verifier contract)
    /// proves with exactly these weights.
    #[default]
    Fixed,
    /// Witnesses, not exposed and NOT bound by anything the verifier checks: a prover can use
    /// any weights at all. Only the model id's label says which weights were meant.
    Private,
    /// Witnesses whose Poseidon hash is a public value, checked against the hash recorded with
    /// the model: the verifying key does not hold the weights, the hash binds them.
    Hashed,
}

/// The visibility of each side of a model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visibilities {
    /// The graph inputs.
    #[serde(default)]
    pub input: Visibility,
    /// The graph outputs.
    #[serde(default)]
    pub output: Visibility,
    /// The weights, biases and constants.
    #[serde(default)]
    pub params: ParamVisibility,
}

impl Visibilities {
    /// Public inputs, public outputs, fixed weights.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Hashed => "hashed",
        })
    }
}

impl fmt::Display for ParamVisibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fixed => "fixed",
            Self::Private => "private",
            Self::Hashed => "hashed",
        })
    }
}

impl fmt::Display for Visibilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "inputs {}, outputs {}, weights {}", self.input, self.output, self.params)
    }
}

impl FromStr for Visibility {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "public" => Ok(Self::Public),
            "private" => Ok(Self::Private),
            "hashed" => Ok(Self::Hashed),
            _ => Err(format!("`{s}` is not an input/output visibility (public, private or hashed)")),
        }
    }
}

impl FromStr for ParamVisibility {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "fixed" => Ok(Self::Fixed),
            "private" => Ok(Self::Private),
            "hashed" => Ok(Self::Hashed),
            _ => Err(format!("`{s}` is not a weight visibility (fixed, private or hashed)")),
        }
    }
}

/// Signed bit width of a wide parameter lane (biases, see [`Parameters::wide`]).
pub const WIDE_LANE_BITS: u32 = 64;
/// Wide lanes per packed word (3 * 64 = 192 bits, below the field size).
pub const WIDE_LANES_PER_WORD: usize = 3;

/// The model's parameters in the order the circuit witnesses them (nodes in order; per node
/// its weights or constant values, then its biases).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parameters {
    /// Weights and constant values: signed 32-bit, packed like public values.
    pub narrow: Vec<i64>,
    /// Biases: signed up to [`BIAS_BITS`] bits, packed in 64-bit lanes.
    pub wide: Vec<i64>,
}

impl QuantOp {
    /// This op's parameters: `(weights or constant values, biases)`; empty for ops without.
    pub fn parameters(&self) -> (&[i64], &[i64]) {
        match self {
            QuantOp::Linear { weight, bias, .. }
            | QuantOp::Conv { weight, bias, .. }
            | QuantOp::Scale { weight, bias, .. } => (weight, bias),
            QuantOp::Constant { values } => (values, &[]),
            _ => (&[], &[]),
        }
    }
}

impl QuantizedModel {
    /// Every parameter, in circuit order.
    pub fn parameters(&self) -> Parameters {
        let mut params = Parameters::default();
        for node in &self.nodes {
            let (narrow, wide) = node.op.parameters();
            params.narrow.extend_from_slice(narrow);
            params.wide.extend_from_slice(wide);
        }
        params
    }

    /// Checks that witnessed parameters fit their lanes (weights and constants 32-bit signed,
    /// biases [`BIAS_BITS`]-bit signed); only needed when the weights are not fixed.
    pub fn check_parameter_ranges(&self) -> Result<()> {
        let wide_max = 1i64 << (BIAS_BITS - 1);
        for node in &self.nodes {
            let (narrow, wide) = node.op.parameters();
            let bad = narrow
                .iter()
                .find(|&&v| !in_range(v))
                .map(|v| format!("value {v} outside the signed 32-bit range"))
                .or_else(|| {
                    wide.iter()
                        .find(|&&v| !(-wide_max..wide_max).contains(&v))
                        .map(|v| format!("bias {v} outside the signed {BIAS_BITS}-bit range"))
                });
            if let Some(reason) = bad {
                return Err(Error::Compiled(format!(
                    "node `{}` ({}): {reason}; weights that are not `fixed` are witnessed and \
                     packed in lanes that must hold them",
                    node.name, node.op_type
                )));
            }
        }
        Ok(())
    }
}
