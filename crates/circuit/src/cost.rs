//! The cost model: estimates of a layout's proving time, key generation time, peak memory,
//! proving-key size and verifier gas, from its rows and columns, before any heavy work.
//!
//! The time and memory constants were fitted on the 2-core development machine (release build,
//! dev SRS) to the 784-128-10 MLP at k = 15..18 with and without the dense gate, the gas
//! constants to docs/bench-verifier.md's runs; docs/bench-models.md prints each estimate
//! beside the measurement on other models (within 14 % in time, 16 % in memory there).
//! Proving time is dominated by per-row work that does not depend on the number of advice
//! columns (the fixed, selector and permutation polynomials, the range table, the quotient on
//! the extended domain); each further advice column adds about 15 % of it. Verifier gas grows by
//! about 60,000 per advice column (a commitment, its evaluations, an `ecMul`) and 65,000 per
//! dense column (an advice and two fixed commitments and 27 evaluations).

use serde::{Deserialize, Serialize};

use crate::model_circuit::Layout;

/// Seconds of proving per row of a circuit with one advice column.
const PROVE_SECONDS_PER_ROW: f64 = 5.8e-5;
/// Share of that per-row time each further advice column adds.
const PER_EXTRA_COLUMN: f64 = 0.15;
/// Key generation against proving time.
const KEYGEN_PER_PROVE: f64 = 0.35;
/// Bytes per row and advice column at the prover's peak, and the fixed part.
const PEAK_BYTES_PER_CELL: f64 = 636.0;
const PEAK_BYTES_PER_ROW: f64 = 760.0;
const PEAK_BYTES_BASE: f64 = 40e6;
/// Bytes per row and fixed or permutation column in the proving key (values, coefficients and
/// the extended-domain coset).
const PK_BYTES_PER_FIXED_CELL: f64 = 32.0 * 6.0;
/// Verifier gas (universal verifier, whole transaction).
const GAS_BASE: f64 = 200_000.0;
const GAS_PER_PUBLIC_VALUE: f64 = 1_000.0;
const GAS_PER_ADVICE_COLUMN: f64 = 60_000.0;
const GAS_PER_DENSE_COLUMN: f64 = 65_000.0;

/// How much verifier gas one second of proving is worth by default when [`Layout`]s are
/// compared ([`Estimate::objective`]): a layout may cost this much more gas per verification
/// for each second it saves the prover.
pub const GAS_PER_PROVE_SECOND: f64 = 50_000.0;

/// What a layout is expected to cost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    /// Proving (witness, commitments, quotient, openings), seconds on 2 cores.
    pub prove_seconds: f64,
    /// Verifying- and proving-key generation, seconds.
    pub keygen_seconds: f64,
    /// Peak resident memory of keygen or proving, bytes.
    pub peak_memory_bytes: u64,
    /// Size of the proving key, bytes.
    pub proving_key_bytes: u64,
    /// Gas of one verification by the universal verifier (whole transaction).
    pub verify_gas: u64,
}

impl Estimate {
    /// The quantity layouts are chosen by: proving seconds plus verifier gas counted at
    /// `gas_per_second` (e.g. [`GAS_PER_PROVE_SECOND`]; 0 ignores gas).
    pub fn objective(&self, gas_per_second: f64) -> f64 {
        let gas = if gas_per_second > 0.0 { self.verify_gas as f64 / gas_per_second } else { 0.0 };
        self.prove_seconds + gas
    }
}

impl Layout {
    /// The cost model's estimate for this layout.
    pub fn estimate(&self) -> Estimate {
        let rows = (1u64 << self.params.k) as f64;
        let advice = self.advice_columns().max(1) as f64;
        let prove_seconds = PROVE_SECONDS_PER_ROW * rows * (1.0 + PER_EXTRA_COLUMN * (advice - 1.0));
        let fixed =
            (self.params.num_fixed + 2 * self.dense_columns + self.function_lookup_columns.min(1) * 3) as f64;
        // Every advice column but the range-lookup ones takes part in the permutation.
        let permuted = advice - self.params.num_lookup_advice_per_phase.iter().sum::<usize>() as f64;
        let base_advice = advice - self.dense_columns as f64;
        Estimate {
            prove_seconds,
            keygen_seconds: prove_seconds * KEYGEN_PER_PROVE,
            peak_memory_bytes: (PEAK_BYTES_BASE + rows * (PEAK_BYTES_PER_ROW + PEAK_BYTES_PER_CELL * advice))
                as u64,
            proving_key_bytes: (rows * PK_BYTES_PER_FIXED_CELL * (fixed + permuted.max(0.0))) as u64,
            verify_gas: (GAS_BASE
                + GAS_PER_PUBLIC_VALUE * self.num_instances as f64
                + GAS_PER_ADVICE_COLUMN * base_advice
                + GAS_PER_DENSE_COLUMN * self.dense_columns as f64) as u64,
        }
    }
}

/// What every layout of a model must hold at least, known before any witness is assigned, and
/// the least peak memory that takes ([`Floor::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Floor {
    /// Multiply-accumulates with a non-zero constant weight (Gemm, MatMul with a constant,
    /// Conv) or between two activations (MatMul).
    pub multiply_accumulates: u64,
    /// Values the circuit computes (outputs of every op that is not only data movement).
    pub computed_values: u64,
    /// Advice cells: one per multiply-accumulate (the dense gate's best case) and per computed
    /// value.
    pub advice_cells: u64,
    /// The cost model's peak memory for that many cells, ignoring every per-row term.
    pub peak_memory_bytes: u64,
}

impl Floor {
    /// Counts `model`'s work without building a circuit (the layout search assigns the whole
    /// witness for each k it tries: for a model far too large for the machine that alone can
    /// outgrow memory, so the guard looks at this first).
    pub fn of(model: &zkinfer_model::QuantizedModel) -> Self {
        use zkinfer_model::QuantOp;
        let (mut macs, mut values) = (0u64, 0u64);
        for node in &model.nodes {
            let out = &model.values[node.output];
            let elements = out.numel() as u64;
            match &node.op {
                QuantOp::Reshape | QuantOp::Rearrange { .. } | QuantOp::Constant { .. } => continue,
                QuantOp::Linear { out_features, weight, .. } => {
                    let rows = elements / (*out_features).max(1) as u64;
                    macs += rows * weight.iter().filter(|&&w| w != 0).count() as u64;
                }
                QuantOp::Conv { geometry, weight, .. } => {
                    if let [n, oc, oh, ow] = out.shape[..] {
                        for i in 0..n * oc * oh * ow {
                            let (x, o) = (i % ow, i / ow);
                            let (y, o) = (o % oh, o / oh);
                            let (c, b) = (o % oc, o / oc);
                            let taps = geometry.taps(b, c, y, x);
                            macs +=
                                taps.iter().filter(|&&(_, w)| weight.get(w).is_some_and(|&w| w != 0)).count()
                                    as u64;
                        }
                    }
                }
                QuantOp::MatMul { .. } => {
                    let inner = node.inputs.first().and_then(|&a| model.values[a].shape.last()).copied();
                    macs += elements * inner.unwrap_or(1) as u64;
                }
                _ => {}
            }
            values += elements;
        }
        let cells = macs + values;
        Self {
            multiply_accumulates: macs,
            computed_values: values,
            advice_cells: cells,
            peak_memory_bytes: (PEAK_BYTES_BASE + PEAK_BYTES_PER_CELL * cells as f64) as u64,
        }
    }
}
