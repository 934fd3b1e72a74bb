//! Lookup ranges from sample inputs: every [`QuantOp::Function`] table holds the inputs the
//! samples reach, with a margin, and nothing more (table rows decide the circuit size).

use crate::executor::execute_observing;
use crate::fixed_point::{VALUE_MAX, VALUE_MIN};
use crate::quantize::{QuantOp, QuantizedModel};
use crate::{Error, Result};

/// Largest lookup table of one node: `2^20` rows already need a circuit of `2^21` rows.
pub const MAX_TABLE_ROWS: usize = 1 << 20;

/// The lookup range used before calibration: reals in `[-8, 8]`.
pub fn default_function_range(scale: u32) -> [i64; 2] {
    let r = 8i64 << scale;
    [-r, r]
}

impl QuantizedModel {
    /// Sets the lookup range of every function node from sample inputs (already quantized, one
    /// `Vec` per graph input): the smallest range covering every input the node sees, widened
    /// on each side by half its width and at least by 1.0 (at most 256 steps at fine scales), so
    /// that inputs near the samples also prove. Nodes the samples never reach keep their range.
    pub fn calibrate(&mut self, samples: &[Vec<Vec<i64>>]) -> Result<()> {
        let mut observed = vec![None; self.nodes.len()];
        for sample in samples {
            execute_observing(self, sample, &mut observed)?;
        }
        for (node, seen) in self.nodes.iter_mut().zip(observed) {
            let (QuantOp::Function { in_scale, range, .. }, Some([lo, hi])) = (&mut node.op, seen) else {
                continue;
            };
            let pad = ((hi - lo) / 2).max(1 << (*in_scale).min(8));
            let widened = [(lo - pad).max(VALUE_MIN), (hi + pad).min(VALUE_MAX)];
            let rows = (widened[1] - widened[0]) as u64 + 1;
            if rows > MAX_TABLE_ROWS as u64 {
                return Err(Error::TableTooLarge {
                    node: node.name.clone(),
                    op_type: node.op_type.clone(),
                    lo,
                    hi,
                    rows,
                });
            }
            *range = widened;
        }
        Ok(())
    }
}
