use halo2_base::gates::circuit::{builder::BaseCircuitBuilder, BaseCircuitParams, CircuitBuilderStage};
use halo2_base::gates::flex_gate::MultiPhaseThreadBreakPoints;
use halo2_base::gates::{GateInstructions, RangeInstructions};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::poseidon::hasher::PoseidonHasher;
use halo2_base::AssignedValue;
use halo2_base::QuantumCell::Existing;
use serde::{Deserialize, Serialize};
use snark_verifier_sdk::halo2::POSEIDON_SPEC;
use zkinfer_model::{ParamVisibility, QuantOp, QuantizedModel, Trace, Visibility};

use crate::chips::{
    affine, affine_cells, arg_extreme, binary, compare, gather, indicator, int_div, logic, reduce, relu,
    scatter, select_where, top_k, ConvLayer, FixedPointChip, FunctionTables, LinearLayer, TableSpec,
    WeightMode,
};
use crate::cost::GAS_PER_PROVE_SECOND;
use crate::field::{fe, from_be_u128};
use crate::instances::{model_num_instances, PublicValues};
use crate::proving_circuit::{CircuitParams, ProvingCircuit};
use crate::{Error, Result};

/// Rows at the bottom of the circuit reserved for halo2's blinding factors.
pub const UNUSABLE_ROWS: usize = 20;
/// Smallest circuit size tried.
pub const MIN_K: u32 = 10;
/// Largest circuit size tried.
pub const MAX_K: u32 = 24;
/// Most dense-gate columns a layout may have.
pub const MAX_DENSE_COLUMNS: usize = 16;
/// Advice columns allowed at a circuit size. Every column adds commitments and openings to the
/// proof, and so calldata, verifier code and gas (measured on the demo model: 1 column at k=12
/// 304,703 gas and 11.2 KB of verifier code; 2 at k=11 352,382 gas; 4 at k=10 413,462 gas), while
/// every doubling of rows roughly doubles proving time. Small circuits therefore take one
/// column; past k=16 the budget doubles with k so that large models do not need huge k.
pub fn advice_budget(k: u32) -> usize {
    if k <= 16 {
        1
    } else {
        1 << (k - 16).min(5)
    }
}

/// The circuit's shape: size, lookup table and column counts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Layout {
    /// halo2-base's configuration (k, columns, lookup bits, instance columns).
    pub params: BaseCircuitParams,
    /// Advice cells used (over all advice columns).
    pub advice_cells: usize,
    /// Cells sent to the range lookup.
    pub lookup_cells: usize,
    /// Public values.
    pub num_instances: usize,
    /// Groups of `(tag, x, y)` advice columns looked up in the function tables.
    #[serde(default)]
    pub function_lookup_columns: usize,
    /// Function lookups (over all groups).
    #[serde(default)]
    pub function_lookups: usize,
    /// Rows of the fixed function tables (0 without nonlinear functions).
    #[serde(default)]
    pub table_rows: usize,
    /// Columns of the dense-layer gate (0: constant-weight dot products use halo2-base's inner
    /// product).
    #[serde(default)]
    pub dense_columns: usize,
    /// Advice cells in the dense columns (included in `advice_cells`).
    #[serde(default)]
    pub dense_cells: usize,
    /// Multiply-accumulates in the dense columns.
    #[serde(default)]
    pub dense_terms: usize,
}

/// Whether constant-weight dense and convolution layers use the dense-layer gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DenseGate {
    /// Whichever layout the cost model rates cheaper ([`Estimate::objective`](crate::Estimate::objective)).
    #[default]
    Auto,
    /// Always (when the model has such layers).
    On,
    /// Never: halo2-base's inner product.
    Off,
}

impl std::str::FromStr for DenseGate {
    type Err = String;

    /// `auto`, `on` or `off` (the CLI's `--dense-gate`).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "on" => Ok(Self::On),
            "off" => Ok(Self::Off),
            other => Err(format!("`{other}` is not one of auto, on, off")),
        }
    }
}

impl Layout {
    /// log2 of the number of rows.
    pub fn k(&self) -> u32 {
        self.params.k as u32
    }

    /// The parameters [`ProvingCircuit`] is configured with.
    pub fn circuit_params(&self) -> CircuitParams {
        CircuitParams {
            base: self.params.clone(),
            function_lookup_columns: self.function_lookup_columns,
            dense_columns: self.dense_columns,
        }
    }

    /// Advice columns the prover commits to: halo2-base's, its range-lookup columns, the
    /// function-lookup groups' and the dense columns.
    pub fn advice_columns(&self) -> usize {
        let base: usize = self.params.num_advice_per_phase.iter().sum::<usize>()
            + self.params.num_lookup_advice_per_phase.iter().sum::<usize>();
        base + 3 * self.function_lookup_columns + self.dense_columns
    }
}

/// The circuit of one quantized model: the model id (a constant, so a proof is bound to the
/// model) is public, then inputs and outputs as their visibility says (packed words, a Poseidon
/// hash of them, or nothing); activations are private; weights are constants baked into the
/// verifying key (`fixed`) or range-checked witnesses (`private`; `hashed` also exposes their
/// Poseidon hash as the last public value).
#[derive(Clone, Copy, Debug)]
pub struct ModelCircuit<'a> {
    model: &'a QuantizedModel,
    model_id: [u8; 32],
}

impl<'a> ModelCircuit<'a> {
    /// The circuit of `model`, committed to as `model_id`.
    pub fn new(model: &'a QuantizedModel, model_id: [u8; 32]) -> Self {
        Self { model, model_id }
    }

    /// Number of public values.
    pub fn num_instances(&self) -> usize {
        model_num_instances(self.model)
    }

    /// The public values of the inference `trace` records (hashes computed natively).
    pub fn public_values(&self, trace: &Trace) -> PublicValues {
        PublicValues::of(self.model, &trace.inputs(self.model), &trace.outputs(self.model))
    }

    /// The layout [`layout_with`](Self::layout_with) picks by default ([`DenseGate::Auto`]).
    pub fn layout(&self, trace: &Trace) -> Result<Layout> {
        self.layout_with(trace, DenseGate::Auto)
    }

    /// Picks the smallest k whose layout fits [`advice_budget`] advice columns (and as many
    /// function-lookup column groups) and whose rows hold the function tables. With the dense
    /// gate, the number of dense columns falls as k grows: every k from the first that fits
    /// (at most [`MAX_DENSE_COLUMNS`]) to the first that needs one column is tried and the one
    /// the cost model rates cheapest ([`Estimate::objective`](crate::Estimate::objective)) is taken; with
    /// [`DenseGate::Auto`], that against the layout without the dense gate.
    pub fn layout_with(&self, trace: &Trace, dense: DenseGate) -> Result<Layout> {
        self.layout_for(trace, dense, GAS_PER_PROVE_SECOND)
    }

    /// [`layout_with`](Self::layout_with), counting verifier gas at `gas_per_second` against
    /// proving time.
    pub fn layout_for(&self, trace: &Trace, dense: DenseGate, gas_per_second: f64) -> Result<Layout> {
        let search = |use_dense| self.search(trace, use_dense, gas_per_second);
        match dense {
            DenseGate::On => search(true),
            DenseGate::Off => search(false),
            DenseGate::Auto => match search(true) {
                // No dot product took the gate: the same assignment as without it.
                Ok(d) if d.dense_columns == 0 => Ok(d),
                Ok(d) => match search(false) {
                    Ok(p)
                        if p.estimate().objective(gas_per_second)
                            <= d.estimate().objective(gas_per_second) =>
                    {
                        Ok(p)
                    }
                    _ => Ok(d),
                },
                Err(_) => search(false),
            },
        }
    }

    fn search(&self, trace: &Trace, use_dense: bool, gas_per_second: f64) -> Result<Layout> {
        let tables = FunctionTables::of_model(self.model);
        let table_rows = if tables.is_empty() { 0 } else { tables.rows().len() };
        let mut last = 0;
        let mut best: Option<Layout> = None;
        for k in MIN_K..=MAX_K {
            let usable = (1usize << k) - UNUSABLE_ROWS;
            if table_rows > usable {
                continue;
            }
            let base = BaseCircuitBuilder::from_stage(CircuitBuilderStage::Mock)
                .use_k(k as usize)
                .use_lookup_bits(k as usize - 1)
                .use_instance_columns(1);
            let mut circuit = ProvingCircuit::new(CircuitBuilderStage::Mock, base, tables.clone());
            circuit.use_dense_gate(use_dense);
            self.assign(&mut circuit, trace)?;
            let params = circuit.base.calculate_params(Some(UNUSABLE_ROWS));
            let stats = circuit.base.statistics();
            let (dense_columns, dense_cells, dense_terms) = match circuit.dense_chip() {
                Some(d) if d.chains() > 0 => {
                    let (columns, cells) = d.footprint(usable);
                    (columns, cells, d.terms())
                }
                _ => (0, 0, 0),
            };
            last = stats.gate.total_advice_per_phase[0] + dense_cells;
            let function_lookups = circuit.function_lookups();
            let function_lookup_columns =
                if tables.is_empty() { 0 } else { function_lookups.div_ceil(usable).max(1) };
            let lookup_ok = params.num_lookup_advice_per_phase.iter().all(|&n| n <= advice_budget(k));
            if params.num_advice_per_phase[0] <= advice_budget(k)
                && lookup_ok
                && function_lookup_columns <= advice_budget(k)
                && dense_columns <= MAX_DENSE_COLUMNS
            {
                let layout = Layout {
                    params,
                    advice_cells: last,
                    lookup_cells: stats.total_lookup_advice_per_phase[0],
                    num_instances: self.num_instances(),
                    function_lookup_columns,
                    function_lookups,
                    table_rows,
                    dense_columns,
                    dense_cells,
                    dense_terms,
                };
                let done = layout.dense_columns <= 1;
                let objective = |l: &Layout| l.estimate().objective(gas_per_second);
                if best.as_ref().is_none_or(|b| objective(&layout) < objective(b)) {
                    best = Some(layout);
                }
                if done {
                    break;
                }
            }
        }
        if let Some(layout) = best {
            return Ok(layout);
        }
        Err(Error::TooLarge { max_k: MAX_K, max_advice: advice_budget(MAX_K), advice_cells: last })
    }

    /// A builder for `stage` with the circuit assigned from `trace`; returns it with the public
    /// values. The prover stage needs the break points recorded at keygen.
    pub fn builder(
        &self,
        stage: CircuitBuilderStage,
        layout: &Layout,
        break_points: Option<MultiPhaseThreadBreakPoints>,
        trace: &Trace,
    ) -> Result<(ProvingCircuit, Vec<Fr>)> {
        let builder = match (stage, break_points) {
            (CircuitBuilderStage::Prover, Some(bp)) => BaseCircuitBuilder::prover(layout.params.clone(), bp),
            (CircuitBuilderStage::Prover, None) => {
                return Err(Error::TraceMismatch("the prover needs the keygen break points".into()))
            }
            (stage, _) => BaseCircuitBuilder::from_stage(stage).use_params(layout.params.clone()),
        };
        let mut circuit = ProvingCircuit::new(stage, builder, FunctionTables::of_model(self.model));
        circuit.set_function_lookup_columns(layout.function_lookup_columns);
        circuit.use_dense_gate(layout.dense_columns > 0);
        circuit.set_dense_columns(layout.dense_columns);
        let instances = self.assign(&mut circuit, trace)?;
        if stage != CircuitBuilderStage::Prover {
            circuit.base.calculate_params(Some(UNUSABLE_ROWS));
        }
        Ok((circuit, instances))
    }

    /// Assigns every constraint of the model into `circuit` and sets its public values.
    pub fn assign(&self, circuit: &mut ProvingCircuit, trace: &Trace) -> Result<Vec<Fr>> {
        let model = self.model;
        self.check_trace(trace)?;
        let chip = FixedPointChip::new(circuit.base.range_chip());
        let functions = circuit.function_chip();
        let dense = circuit.dense_chip();
        let tables = circuit.tables().clone();
        let ctx = circuit.base.main(0);
        let vis = model.visibility;
        let mut hasher = PoseidonHasher::<Fr, 3, 2>::new(POSEIDON_SPEC.clone());
        if vis.input == Visibility::Hashed
            || vis.output == Visibility::Hashed
            || vis.params == ParamVisibility::Hashed
        {
            hasher.initialize_consts(ctx, chip.range().gate());
        }
        // What a side exposes: its packed words, their hash, or nothing; every value is
        // range-checked in all three cases.
        let expose =
            |ctx: &mut halo2_base::Context<Fr>, visibility, cells: &[AssignedValue<Fr>]| match visibility {
                Visibility::Public => chip.pack(ctx, cells),
                Visibility::Hashed => {
                    let words = chip.pack(ctx, cells);
                    vec![hasher.hash_fix_len_array(ctx, chip.range().gate(), &words)]
                }
                Visibility::Private => {
                    for &x in cells {
                        chip.check_value(ctx, x);
                    }
                    Vec::new()
                }
            };

        // Witnessed weights: every parameter range-checked in its lane; hashed ones also packed
        // and hashed.
        let params = model.parameters();
        let (narrow, wide, weights_hash) = match vis.params {
            ParamVisibility::Fixed => (Vec::new(), Vec::new(), None),
            witnessed => {
                let narrow = ctx.assign_witnesses(params.narrow.iter().map(|&v| fe(v)));
                let wide = ctx.assign_witnesses(params.wide.iter().map(|&v| fe(v)));
                if witnessed == ParamVisibility::Hashed {
                    let mut words = chip.pack(ctx, &narrow);
                    words.extend(chip.pack_wide(ctx, &wide));
                    (narrow, wide, Some(hasher.hash_fix_len_array(ctx, chip.range().gate(), &words)))
                } else {
                    for &w in &narrow {
                        chip.check_value(ctx, w);
                    }
                    for &b in &wide {
                        chip.check_wide(ctx, b);
                    }
                    (narrow, wide, None)
                }
            }
        };
        let (mut narrow_at, mut wide_at) = (0, 0);

        let id_hi = ctx.load_constant(from_be_u128(&self.model_id[..16]));
        let id_lo = ctx.load_constant(from_be_u128(&self.model_id[16..]));
        let mut cells: Vec<Option<Vec<AssignedValue<Fr>>>> = vec![None; model.values.len()];
        let mut input_cells = Vec::new();
        for &id in &model.inputs {
            let assigned = ctx.assign_witnesses(trace.values[id].iter().map(|&v| fe(v)));
            input_cells.extend(assigned.iter().copied());
            cells[id] = Some(assigned);
        }
        let input_words = expose(ctx, vis.input, &input_cells);

        for node in &model.nodes {
            let operand = |v: usize| {
                cells[v].clone().ok_or_else(|| {
                    Error::TraceMismatch(format!("node `{}` reads a value computed later", node.name))
                })
            };
            let x = match node.inputs.first() {
                Some(&v) => operand(v)?,
                None => Vec::new(),
            };
            let hints = &trace.values[node.output];
            // This node's weight and bias cells when the weights are witnessed.
            let (w_len, b_len) = (node.op.parameters().0.len(), node.op.parameters().1.len());
            let cells_of = (vis.params != ParamVisibility::Fixed)
                .then(|| (&narrow[narrow_at..narrow_at + w_len], &wide[wide_at..wide_at + b_len]));
            let mode = match (cells_of, &dense) {
                (Some(cells), _) => WeightMode::Cells(cells),
                (None, Some(dense)) => WeightMode::Dense(dense),
                (None, None) => WeightMode::Constant,
            };
            narrow_at += w_len;
            wide_at += b_len;
            // The cells and integer values of one group of the first input's elements.
            let group = |g: &[usize]| -> (Vec<AssignedValue<Fr>>, Vec<i64>) {
                let values = &trace.values[node.inputs[0]];
                (g.iter().map(|&i| x[i]).collect(), g.iter().map(|&i| values[i]).collect())
            };
            let y = match &node.op {
                QuantOp::Linear { in_features, out_features, weight, bias, shift } => {
                    let layer = LinearLayer {
                        in_features: *in_features,
                        out_features: *out_features,
                        weight,
                        bias,
                        shift: *shift,
                    };
                    layer.assign(ctx, &chip, &x, mode, hints)
                }
                QuantOp::Conv { geometry, weight, bias, shift } => {
                    let layer = ConvLayer { geometry, weight, bias, shift: *shift };
                    layer.assign(ctx, &chip, &x, mode, hints)
                }
                QuantOp::Scale { weight, bias, shift } => match cells_of {
                    Some((w, b)) => (0..x.len())
                        .map(|i| affine_cells(ctx, &chip, [(x[i], w[i])], b[i], *shift, hints[i]))
                        .collect(),
                    None => (0..x.len())
                        .map(|i| affine(ctx, &chip, [(x[i], weight[i])], bias[i], *shift, hints[i]))
                        .collect(),
                },
                QuantOp::Binary { op, shift } => {
                    let other = operand(node.inputs[1])?;
                    model
                        .broadcast_operands(node)
                        .iter()
                        .zip(hints)
                        .map(|(ix, &q)| binary(ctx, &chip, *op, x[ix[0]], other[ix[1]], *shift, q))
                        .collect()
                }
                QuantOp::Relu => x.iter().zip(hints).map(|(&x, &h)| relu(ctx, &chip, x, h)).collect(),
                QuantOp::Function { .. } => {
                    let tag =
                        TableSpec::of(&node.op).and_then(|spec| tables.tag(&spec)).ok_or_else(|| {
                            Error::TraceMismatch(format!("node `{}` has no function table", node.name))
                        })?;
                    let tag = ctx.load_constant(Fr::from(tag));
                    x.iter().zip(hints).map(|(&x, &y)| functions.apply(ctx, tag, x, y)).collect()
                }
                QuantOp::Reshape => x,
                QuantOp::MatMul { shift } => {
                    let other = operand(node.inputs[1])?;
                    let gate = chip.range().gate();
                    model
                        .matmul_terms(node)
                        .iter()
                        .zip(hints)
                        .map(|(terms, &q)| {
                            let a = terms.iter().map(|&(ia, _)| x[ia]);
                            let b = terms.iter().map(|&(_, ib)| Existing(other[ib]));
                            let acc = gate.inner_product(ctx, a, b);
                            chip.rescale(ctx, acc, q, *shift)
                        })
                        .collect()
                }
                QuantOp::Reduce { reduction: kind, groups } => groups
                    .iter()
                    .map(|g| {
                        let (cells, vals) = group(g);
                        reduce(ctx, &chip, *kind, &cells, &vals)
                    })
                    .collect(),
                QuantOp::Rearrange { map } => {
                    let mut all = Vec::new();
                    for &v in &node.inputs {
                        all.extend(operand(v)?);
                    }
                    let zero = ctx.load_zero();
                    map.iter().map(|&i| if i < 0 { zero } else { all[i as usize] }).collect()
                }
                QuantOp::Constant { values } => match cells_of {
                    Some((w, _)) => w.to_vec(),
                    None => values.iter().map(|&v| ctx.load_constant(fe(v))).collect(),
                },
                QuantOp::Scatter { position, writers, axis_len } => {
                    let (indices, updates) = (operand(node.inputs[1])?, operand(node.inputs[2])?);
                    // Every index, written or not, is constrained to [0, axis_len) by its one-hot
                    // indicator, exactly the indices the executor checks.
                    let indicators: Vec<Vec<_>> =
                        indices.iter().map(|&k| indicator(ctx, &chip, k, *axis_len)).collect();
                    let mut y = Vec::with_capacity(position.len());
                    for (i, (&p, w)) in position.iter().zip(writers).enumerate() {
                        let p = usize::try_from(p).ok().filter(|&p| p < *axis_len).ok_or_else(|| {
                            Error::TraceMismatch(format!(
                                "node `{}` output[{i}] is at position {p} of an axis of {axis_len}",
                                node.name
                            ))
                        })?;
                        let pairs: Vec<_> =
                            w.iter().map(|&(j, u)| (indicators[j].as_slice(), updates[u])).collect();
                        y.push(scatter(ctx, &chip, x[i], &pairs, p));
                    }
                    y
                }
                QuantOp::IntDiv { divisor } => {
                    let values = &trace.values[node.inputs[0]];
                    (0..x.len()).map(|i| int_div(ctx, &chip, x[i], values[i], divisor[i])).collect()
                }
                QuantOp::Compare { compare: kind } => {
                    let other = operand(node.inputs[1])?;
                    let pairs = model.broadcast_operands(node);
                    pairs.iter().map(|ix| compare(ctx, &chip, *kind, x[ix[0]], other[ix[1]])).collect()
                }
                QuantOp::Logic { logic: kind } => {
                    let other = match node.inputs.get(1) {
                        Some(&v) => Some(operand(v)?),
                        None => None,
                    };
                    let pairs = model.broadcast_operands(node);
                    pairs
                        .iter()
                        .map(|ix| {
                            let b = other.as_ref().map(|o| o[ix[1]]);
                            logic(ctx, &chip, *kind, x[ix[0]], b)
                        })
                        .collect()
                }
                QuantOp::Where => {
                    let (a, b) = (operand(node.inputs[1])?, operand(node.inputs[2])?);
                    let triples = model.broadcast_operands(node);
                    triples.iter().map(|ix| select_where(ctx, &chip, x[ix[0]], a[ix[1]], b[ix[2]])).collect()
                }
                QuantOp::ArgMax { groups, largest, last } => groups
                    .iter()
                    .map(|g| {
                        let (cells, vals) = group(g);
                        arg_extreme(ctx, &chip, &cells, &vals, *largest, *last)
                    })
                    .collect(),
                QuantOp::TopK { groups, slots, largest } => {
                    let k = slots.iter().map(|&(_, r)| r + 1).max().unwrap_or(0);
                    let sorted: Vec<Vec<_>> = groups
                        .iter()
                        .map(|g| {
                            let (cells, vals) = group(g);
                            top_k(ctx, &chip, &cells, &vals, k, *largest)
                        })
                        .collect();
                    slots.iter().map(|&(g, r)| sorted[g][r]).collect()
                }
                QuantOp::Gather { index_of, candidates } => {
                    let indices = operand(node.inputs[1])?;
                    // Outputs picked by the same index over the same number of candidates share
                    // one indicator.
                    let mut indicators = std::collections::HashMap::new();
                    let mut y = Vec::with_capacity(index_of.len());
                    for (&at, c) in index_of.iter().zip(candidates) {
                        let ind = indicators
                            .entry((at, c.len()))
                            .or_insert_with(|| indicator(ctx, &chip, indices[at], c.len()))
                            .clone();
                        let cells: Vec<_> = c.iter().map(|&i| x[i]).collect();
                        y.push(gather(ctx, &chip, &cells, &ind));
                    }
                    y
                }
            };
            cells[node.output] = Some(y);
        }

        let mut output_cells = Vec::new();
        for &id in &model.outputs {
            output_cells.extend(cells[id].clone().ok_or_else(|| {
                Error::TraceMismatch(format!("output `{}` is never computed", model.values[id].name))
            })?);
        }
        let output_words = expose(ctx, vis.output, &output_cells);

        let mut public = vec![id_hi, id_lo];
        public.extend(input_words);
        public.extend(output_words);
        public.extend(weights_hash);
        let instances = self.public_values(trace).instances(&self.model_id);
        if public.iter().map(|c| *c.value()).ne(instances.iter().copied()) {
            return Err(Error::TraceMismatch(
                "the circuit's public values differ from the natively computed ones".into(),
            ));
        }
        circuit.base.assigned_instances = vec![public];
        Ok(instances)
    }

    fn check_trace(&self, trace: &Trace) -> Result<()> {
        let model = self.model;
        if trace.values.len() != model.values.len() {
            return Err(Error::TraceMismatch(format!(
                "{} tensors traced, the model has {}",
                trace.values.len(),
                model.values.len()
            )));
        }
        let computed = model.inputs.iter().chain(model.nodes.iter().map(|n| &n.output));
        for &id in computed {
            if trace.values[id].len() != model.values[id].numel() {
                return Err(Error::TraceMismatch(format!(
                    "tensor `{}` has {} traced values, its shape {:?} needs {}",
                    model.values[id].name,
                    trace.values[id].len(),
                    model.values[id].shape,
                    model.values[id].numel()
                )));
            }
        }
        Ok(())
    }
}
