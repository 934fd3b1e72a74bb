use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::virtual_region::lookups::LookupAnyManager;
use halo2_base::{AssignedValue, Context};
use serde::{Deserialize, Serialize};
use zkinfer_model::{Function, QuantOp};

use crate::field::fe;

/// One lookup table: a function at given scales over an input range. Its rows are every
/// `(x, function.quantized(x))` with `x` in `range` where the function is defined and fits
/// the value range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableSpec {
    /// The function.
    pub function: Function,
    /// Scale of `x`.
    pub in_scale: u32,
    /// Scale of `y`.
    pub out_scale: u32,
    /// `[lo, hi]`, inclusive.
    pub range: [i64; 2],
}

impl TableSpec {
    /// The table of a [`QuantOp::Function`] node, `None` for other ops.
    pub fn of(op: &QuantOp) -> Option<Self> {
        match op {
            QuantOp::Function { function, in_scale, out_scale, range } => {
                Some(Self { function: *function, in_scale: *in_scale, out_scale: *out_scale, range: *range })
            }
            _ => None,
        }
    }

    /// The `(x, y)` rows.
    pub fn entries(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        (self.range[0]..=self.range[1])
            .filter_map(|x| self.function.quantized(x, self.in_scale, self.out_scale).map(|y| (x, y)))
    }
}

/// Every lookup table of a circuit, told apart by a tag: table `i` has tag `i + 1`, and the
/// row `(0, 0, 0)` (tag 0) is always present so that unused lookup rows, which are all zero,
/// match it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionTables {
    specs: Vec<TableSpec>,
}

impl FunctionTables {
    /// Tables from their specs (duplicates are kept apart, each with its own tag).
    pub fn new(specs: Vec<TableSpec>) -> Self {
        Self { specs }
    }

    /// The distinct tables of a model's function nodes, in node order.
    pub fn of_model(model: &zkinfer_model::QuantizedModel) -> Self {
        let mut specs: Vec<TableSpec> = Vec::new();
        for spec in model.nodes.iter().filter_map(|n| TableSpec::of(&n.op)) {
            if !specs.contains(&spec) {
                specs.push(spec);
            }
        }
        Self { specs }
    }

    /// Whether there are no tables (the circuit then has no function lookup columns at all).
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The tag of a table.
    pub fn tag(&self, spec: &TableSpec) -> Option<u64> {
        self.specs.iter().position(|s| s == spec).map(|i| i as u64 + 1)
    }

    /// Fixed rows `(tag, x, y)`, starting with `(0, 0, 0)`.
    pub fn rows(&self) -> Vec<[Fr; 3]> {
        let mut rows = vec![[Fr::zero(); 3]];
        for (i, spec) in self.specs.iter().enumerate() {
            let tag = Fr::from(i as u64 + 1);
            rows.extend(spec.entries().map(|(x, y)| [tag, fe(x), fe(y)]));
        }
        rows
    }
}

/// `y = f(x)` by lookup: the triple `(tag, x, y)` is copied to the function-lookup advice
/// columns, whose rows must appear in the fixed table (see [`FunctionTables`]).
///
/// Constraint: `(tag, x, y) in table`, with `tag` a constant cell (copy-constrained to the
/// constants column) naming the table. So `x` lies in the table's calibrated range and `y` is
/// the table's value at `x`; no range check is needed on either.
#[derive(Clone, Debug)]
pub struct FunctionChip {
    lookups: LookupAnyManager<Fr, 3>,
}

impl FunctionChip {
    /// A chip queueing its lookups in `lookups`.
    pub fn new(lookups: LookupAnyManager<Fr, 3>) -> Self {
        Self { lookups }
    }

    /// Looks up `y_hint` as the table value at `x` in the table tagged by the constant cell
    /// `tag`, and returns the witnessed `y`.
    pub fn apply(
        &self,
        ctx: &mut Context<Fr>,
        tag: AssignedValue<Fr>,
        x: AssignedValue<Fr>,
        y_hint: i64,
    ) -> AssignedValue<Fr> {
        let y = ctx.load_witness(fe(y_hint));
        self.lookups.add_lookup(ctx.tag(), [tag, x, y]);
        y
    }
}
