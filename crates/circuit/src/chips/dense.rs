//! Fixed-weight dot products in a wide vertical gate: the dense-layer gate.
//!
//! halo2-base's inner product takes three cells per term (running sum, input, the weight copied
//! from a constant). Here the weights are fixed cells beside the inputs, so a term costs one
//! advice cell, plus one running sum per [`DENSE_WIDTH`] terms.
//!
//! ## Constraint and cell layout
//!
//! Each dense column `a` has a fixed weight column `w` and a fixed selector `q`. A *unit* is
//! `DENSE_WIDTH + 1` rows: the running sum `s` at row `r`, then `DENSE_WIDTH` inputs. Where
//! `q[r] = 1`:
//!
//! ```text
//! a[r + W + 1] = a[r] + w[r] + sum_{t=1..=W} a[r + t] * w[r + t]        (W = DENSE_WIDTH)
//! ```
//!
//! so the next unit's running sum (or the chain's final cell) is this one's plus `W` products;
//! `w[r]` adds the bias once (0 in later units). A *chain* computes one dot product: units, then
//! its final cell. Its first running sum is copy-constrained to the constant 0 and its final
//! cell to the output cell in halo2-base's region; every input is copy-constrained to its cell
//! there, and padding inputs have weight 0. A chain longer than what is left of a column
//! continues in the next: its partial sum ends the segment and is copied to the next segment's
//! first running sum.

use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use halo2_base::halo2_proofs::circuit::{Cell, Region, Value};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};
use halo2_base::halo2_proofs::poly::Rotation;
use halo2_base::utils::halo2::{constrain_virtual_equals_external, raw_assign_advice, raw_assign_fixed};
use halo2_base::virtual_region::copy_constraints::SharedCopyConstraintManager;
use halo2_base::{AssignedValue, Context};

use crate::field::fe;

/// Products per gate row (unit). Each dense column is queried at `DENSE_WIDTH + 2` rotations,
/// which sets halo2's blinding rows: 12 keeps them (19) within
/// [`UNUSABLE_ROWS`](crate::UNUSABLE_ROWS).
pub const DENSE_WIDTH: usize = 12;
const UNIT_ROWS: usize = DENSE_WIDTH + 1;

/// One queued dot product.
#[derive(Clone, Debug)]
struct Chain {
    inputs: Vec<AssignedValue<Fr>>,
    weights: Vec<Fr>,
    bias: Fr,
    output: AssignedValue<Fr>,
}

#[derive(Debug, Default)]
struct Queue {
    chains: Vec<Chain>,
    zero: Option<AssignedValue<Fr>>,
    corrupt: Option<Corruption>,
}

/// A wrong running sum for negative tests ([`DenseChip::corrupt_sum`]).
#[derive(Clone, Copy, Debug)]
struct Corruption {
    chain: usize,
    unit: usize,
    delta: Fr,
    propagate: bool,
}

/// Queues fixed-weight dot products during witness generation and lays them out in the dense
/// columns at synthesis (see the [module docs](self)). Cheap to clone: the queue is shared.
#[derive(Clone, Debug)]
pub struct DenseChip {
    queue: Arc<Mutex<Queue>>,
    copy_manager: SharedCopyConstraintManager<Fr>,
    witness_gen_only: bool,
}

/// The columns of the dense gate, one group per dense column.
#[derive(Clone, Debug)]
pub struct DenseConfig {
    columns: Vec<(Column<Advice>, Column<Fixed>, Column<Fixed>)>,
    usable_rows: usize,
}

/// Where one piece of a chain lies.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    chain: usize,
    terms: Range<usize>,
    column: usize,
    row: usize,
}

/// Rows a segment of `terms` terms takes: its units and its final cell.
fn segment_rows(terms: usize) -> usize {
    terms.div_ceil(DENSE_WIDTH).max(1) * UNIT_ROWS + 1
}

/// Lays chains of `lens` terms out in columns of `usable` rows, in order, filling a column
/// before starting the next and splitting a chain only where a column ends.
fn place(lens: &[usize], usable: usize) -> Vec<Segment> {
    let max_units = usable.saturating_sub(1) / UNIT_ROWS;
    assert!(max_units > 0, "a dense column of {usable} rows holds no unit");
    let (mut column, mut row) = (0, 0);
    let mut segments = Vec::with_capacity(lens.len());
    for (chain, &n) in lens.iter().enumerate() {
        let mut start = 0;
        loop {
            let fit = usable.saturating_sub(row + 1) / UNIT_ROWS;
            if fit == 0 {
                (column, row) = (column + 1, 0);
                continue;
            }
            let units = (n - start).div_ceil(DENSE_WIDTH).max(1).min(fit);
            let end = n.min(start + units * DENSE_WIDTH);
            segments.push(Segment { chain, terms: start..end, column, row });
            row += segment_rows(end - start);
            start = end;
            if start == n {
                break;
            }
            (column, row) = (column + 1, 0);
        }
    }
    segments
}

impl DenseChip {
    /// A chip sharing `copy_manager` with halo2-base's builder; `witness_gen_only` skips the
    /// copy constraints (the prover's stage).
    pub fn new(witness_gen_only: bool, copy_manager: SharedCopyConstraintManager<Fr>) -> Self {
        Self { queue: Arc::default(), copy_manager, witness_gen_only }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `bias + sum_i x_i * w_i` over the terms with a non-zero weight (skipping zero weights is
    /// sound because the weights are constants of the verifying key). Returns a cell of `ctx`
    /// holding the sum, constrained to the dense region's result.
    pub fn dot(
        &self,
        ctx: &mut Context<Fr>,
        terms: impl IntoIterator<Item = (AssignedValue<Fr>, i64)>,
        bias: i64,
    ) -> AssignedValue<Fr> {
        let (inputs, weights): (Vec<_>, Vec<_>) =
            terms.into_iter().filter(|&(_, w)| w != 0).map(|(x, w)| (x, fe(w))).unzip();
        let bias = fe(bias);
        let sum = inputs.iter().zip(&weights).fold(bias, |acc, (x, w)| acc + *x.value() * w);
        let output = ctx.load_witness(sum);
        let mut queue = self.queue();
        if queue.zero.is_none() {
            queue.zero = Some(ctx.load_zero());
        }
        queue.chains.push(Chain { inputs, weights, bias, output });
        output
    }

    /// For negative tests: adds `delta` to the running sum of unit `unit` (counted over the
    /// chain's segments) of chain `chain` when assigned; with `propagate`, to every later sum of
    /// the chain as well (so every gate holds and only the copy constraints can catch it).
    #[doc(hidden)]
    pub fn corrupt_sum(&self, chain: usize, unit: usize, delta: i64, propagate: bool) {
        self.queue().corrupt = Some(Corruption { chain, unit, delta: fe(delta), propagate });
    }

    fn lens(&self) -> Vec<usize> {
        self.queue().chains.iter().map(|c| c.inputs.len()).collect()
    }

    /// Dot products queued.
    pub fn chains(&self) -> usize {
        self.queue().chains.len()
    }

    /// Terms (multiply-accumulates) queued.
    pub fn terms(&self) -> usize {
        self.lens().iter().sum()
    }

    /// The dense columns the queued chains need at `usable_rows` rows per column, and the
    /// advice cells they take there.
    pub fn footprint(&self, usable_rows: usize) -> (usize, usize) {
        let segments = place(&self.lens(), usable_rows);
        let columns = segments.last().map_or(0, |s| s.column + 1);
        (columns, segments.iter().map(|s| segment_rows(s.terms.len())).sum())
    }

    /// Adds `columns` dense columns and their gates to `meta`; `usable_rows` is how far they
    /// are filled (the same figure [`footprint`](Self::footprint) was asked with).
    pub fn configure(meta: &mut ConstraintSystem<Fr>, columns: usize, usable_rows: usize) -> DenseConfig {
        let columns = (0..columns)
            .map(|_| {
                let (a, w, q) = (meta.advice_column(), meta.fixed_column(), meta.fixed_column());
                meta.enable_equality(a);
                meta.create_gate("dense dot product", |m| {
                    let q = m.query_fixed(q, Rotation::cur());
                    let at = |m: &mut halo2_base::halo2_proofs::plonk::VirtualCells<'_, Fr>, t: usize| {
                        (m.query_advice(a, Rotation(t as i32)), m.query_fixed(w, Rotation(t as i32)))
                    };
                    let (s, bias) = at(m, 0);
                    let next = m.query_advice(a, Rotation(UNIT_ROWS as i32));
                    let products = (1..=DENSE_WIDTH).fold(Expression::Constant(Fr::zero()), |acc, t| {
                        let (x, w) = at(m, t);
                        acc + x * w
                    });
                    vec![q * (next - s - bias - products)]
                });
                (a, w, q)
            })
            .collect();
        DenseConfig { columns, usable_rows }
    }

    /// Lays the queued chains out in `config`'s columns. Call after halo2-base's region is
    /// assigned (the copy constraints name its cells).
    pub fn assign_raw(&self, config: &DenseConfig, region: &mut Region<'_, Fr>) {
        let queue = self.queue();
        let lens: Vec<_> = queue.chains.iter().map(|c| c.inputs.len()).collect();
        let mut copy_manager = (!self.witness_gen_only)
            .then(|| self.copy_manager.lock().unwrap_or_else(PoisonError::into_inner));
        let mut carried: Option<(Cell, Fr)> = None;
        for segment in place(&lens, config.usable_rows) {
            let chain = &queue.chains[segment.chain];
            let (a, w, q) = config.columns[segment.column];
            let first = segment.terms.start == 0;
            let last = segment.terms.end == chain.inputs.len();
            let mut row = segment.row;
            let mut unit_index = segment.terms.start / DENSE_WIDTH;
            // The value a running sum is assigned (a corrupted one for negative tests).
            let witness = |sum: &mut Fr, unit: usize| match queue.corrupt {
                Some(c) if c.chain == segment.chain && c.unit == unit => {
                    if c.propagate {
                        *sum += c.delta;
                        *sum
                    } else {
                        *sum + c.delta
                    }
                }
                _ => *sum,
            };
            let mut sum = if first { Fr::zero() } else { carried.map_or(Fr::zero(), |(_, v)| v) };
            let value = witness(&mut sum, unit_index);
            let start = raw_assign_advice(region, a, row, Value::known(value)).cell();
            if let Some(cm) = copy_manager.as_mut() {
                match (first, carried) {
                    (true, _) => {
                        let zero = queue.zero.expect("a chain was queued, so was the zero");
                        constrain_virtual_equals_external(region, zero, start, cm);
                    }
                    (false, Some((cell, _))) => region.constrain_equal(cell, start),
                    (false, None) => unreachable!("a continued chain has a carried sum"),
                }
            }
            let terms: Vec<usize> = segment.terms.clone().collect();
            for (u, unit) in terms.chunks(DENSE_WIDTH).chain(terms.is_empty().then_some(&[][..])).enumerate()
            {
                if u > 0 {
                    unit_index += 1;
                    let value = witness(&mut sum, unit_index);
                    raw_assign_advice(region, a, row, Value::known(value));
                }
                raw_assign_fixed(region, q, row, Fr::one());
                let bias = if first && u == 0 { chain.bias } else { Fr::zero() };
                raw_assign_fixed(region, w, row, bias);
                sum += bias;
                for t in 0..DENSE_WIDTH {
                    let (x, weight) = match unit.get(t) {
                        Some(&i) => (Some(chain.inputs[i]), chain.weights[i]),
                        None => (None, Fr::zero()),
                    };
                    let value = x.map_or(Fr::zero(), |x| *x.value());
                    let cell = raw_assign_advice(region, a, row + 1 + t, Value::known(value)).cell();
                    raw_assign_fixed(region, w, row + 1 + t, weight);
                    sum += value * weight;
                    if let (Some(x), Some(cm)) = (x, copy_manager.as_mut()) {
                        constrain_virtual_equals_external(region, x, cell, cm);
                    }
                }
                row += UNIT_ROWS;
            }
            let value = witness(&mut sum, unit_index + 1);
            let end = raw_assign_advice(region, a, row, Value::known(value)).cell();
            if last {
                if let Some(cm) = copy_manager.as_mut() {
                    constrain_virtual_equals_external(region, chain.output, end, cm);
                }
                carried = None;
            } else {
                carried = Some((end, sum));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_fill_columns_and_split_at_their_ends() {
        // 40 rows: chain 0 (one unit and its final cell, 14 rows) and the first unit of chain 1
        // fit in column 0; the rest of chain 1 continues in column 1, whose 13 rows left are
        // one short of chain 2's 14.
        let segments = place(&[12, 30, 5], 40);
        let at = |s: &Segment| (s.chain, s.terms.clone(), s.column, s.row);
        let got: Vec<_> = segments.iter().map(at).collect();
        assert_eq!(got, vec![(0, 0..12, 0, 0), (1, 0..12, 0, 14), (1, 12..30, 1, 0), (2, 0..5, 2, 0)],);
        assert_eq!(segment_rows(0), 14);
        assert_eq!(segment_rows(13), 27);
    }
}
