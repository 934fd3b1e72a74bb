use halo2_base::gates::circuit::builder::BaseCircuitBuilder;
use halo2_base::gates::circuit::{BaseCircuitParams, BaseConfig, CircuitBuilderStage};
use halo2_base::halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::plonk::{
    self, Advice, Circuit, Column, ConstraintSystem, Selector, TableColumn,
};
use halo2_base::halo2_proofs::poly::Rotation;
use halo2_base::virtual_region::lookups::LookupAnyManager;
use halo2_base::virtual_region::manager::VirtualRegionManager;
use serde::{Deserialize, Serialize};
use snark_verifier_sdk::CircuitExt;

use crate::chips::{DenseChip, DenseConfig, FunctionChip, FunctionTables};
use crate::model_circuit::UNUSABLE_ROWS;

/// Shape of a [`ProvingCircuit`]: halo2-base's parameters plus the function-lookup columns.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CircuitParams {
    /// halo2-base's configuration (k, columns, lookup bits, instance columns).
    pub base: BaseCircuitParams,
    /// Groups of three advice columns `(tag, x, y)` looked up in the function tables; 0 when
    /// the model has no nonlinear functions (the circuit is then exactly halo2-base's).
    pub function_lookup_columns: usize,
    /// Columns of the dense-layer gate ([`DenseChip`]); 0 when constant-weight dot products go
    /// through halo2-base's inner product.
    #[serde(default)]
    pub dense_columns: usize,
}

/// Columns of a [`ProvingCircuit`].
#[derive(Clone, Debug)]
pub struct ProvingConfig {
    base: BaseConfig<Fr>,
    functions: Option<FunctionLookupConfig>,
    dense: Option<DenseConfig>,
}

#[derive(Clone, Debug)]
struct FunctionLookupConfig {
    advice: Vec<[Column<Advice>; 3]>,
    table: [TableColumn; 3],
}

/// halo2-base's circuit builder plus fixed lookup tables for nonlinear functions: the circuit
/// that keygen, the prover and MockProver run.
#[derive(Debug)]
pub struct ProvingCircuit {
    /// The gate/range builder holding every other constraint and the public values.
    pub base: BaseCircuitBuilder<Fr>,
    lookups: LookupAnyManager<Fr, 3>,
    tables: FunctionTables,
    function_lookup_columns: usize,
    dense: DenseChip,
    dense_columns: usize,
    use_dense: bool,
}

impl ProvingCircuit {
    /// An empty circuit for `stage` with the given tables; `params` fixes the shape (keygen and
    /// proving), `None` leaves it to be measured (layout search).
    pub fn new(stage: CircuitBuilderStage, base: BaseCircuitBuilder<Fr>, tables: FunctionTables) -> Self {
        let copy_manager = base.core().copy_manager.clone();
        let lookups = LookupAnyManager::new(stage.witness_gen_only(), copy_manager.clone());
        let dense = DenseChip::new(stage.witness_gen_only(), copy_manager);
        Self { base, lookups, tables, function_lookup_columns: 0, dense, dense_columns: 0, use_dense: false }
    }

    /// Routes constant-weight dot products through the dense gate (see [`Self::dense_chip`]).
    pub fn use_dense_gate(&mut self, on: bool) {
        self.use_dense = on;
    }

    /// Fixes the number of dense columns.
    pub fn set_dense_columns(&mut self, columns: usize) {
        self.dense_columns = columns;
    }

    /// The dense gate's queue when constant-weight dot products go through it.
    pub fn dense_chip(&self) -> Option<DenseChip> {
        self.use_dense.then(|| self.dense.clone())
    }

    /// Fixes the number of function-lookup column groups.
    pub fn set_function_lookup_columns(&mut self, columns: usize) {
        self.function_lookup_columns = columns;
    }

    /// The chip that queues lookups into this circuit's tables.
    pub fn function_chip(&self) -> FunctionChip {
        FunctionChip::new(self.lookups.clone())
    }

    /// The tables.
    pub fn tables(&self) -> &FunctionTables {
        &self.tables
    }

    /// Lookups queued so far.
    pub fn function_lookups(&self) -> usize {
        self.lookups.total_rows()
    }

    /// The shape to configure with.
    pub fn circuit_params(&self) -> CircuitParams {
        CircuitParams {
            base: self.base.config_params.clone(),
            function_lookup_columns: self.function_lookup_columns,
            dense_columns: self.dense_columns,
        }
    }
}

impl Circuit<Fr> for ProvingCircuit {
    type Config = ProvingConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = CircuitParams;

    fn params(&self) -> Self::Params {
        self.circuit_params()
    }

    fn without_witnesses(&self) -> Self {
        unimplemented!("ProvingCircuit is always built with its witnesses")
    }

    fn configure_with_params(meta: &mut ConstraintSystem<Fr>, params: Self::Params) -> Self::Config {
        let k = params.base.k;
        let mut base = BaseConfig::configure(meta, params.base);
        let functions = (params.function_lookup_columns > 0).then(|| {
            let table = [(); 3].map(|_| meta.lookup_table_column());
            let advice = (0..params.function_lookup_columns)
                .map(|_| {
                    let columns = [(); 3].map(|_| {
                        let c = meta.advice_column();
                        meta.enable_equality(c);
                        c
                    });
                    meta.lookup("function table", |m| {
                        columns
                            .iter()
                            .zip(table)
                            .map(|(&c, t)| (m.query_advice(c, Rotation::cur()), t))
                            .collect()
                    });
                    columns
                })
                .collect();
            FunctionLookupConfig { advice, table }
        });
        let dense = (params.dense_columns > 0)
            .then(|| DenseChip::configure(meta, params.dense_columns, (1 << k) - UNUSABLE_ROWS));
        // The extra columns may raise the rows halo2 reserves for blinding.
        assert!(meta.minimum_rows() <= UNUSABLE_ROWS, "halo2 reserves more rows than UNUSABLE_ROWS");
        base.set_usable_rows((1 << k) - meta.minimum_rows());
        ProvingConfig { base, functions, dense }
    }

    fn configure(_: &mut ConstraintSystem<Fr>) -> Self::Config {
        unreachable!("ProvingCircuit is configured with configure_with_params")
    }

    fn synthesize(&self, config: Self::Config, mut layouter: impl Layouter<Fr>) -> Result<(), plonk::Error> {
        if let Some(functions) = &config.functions {
            let rows = self.tables.rows();
            layouter.assign_table(
                || "function tables",
                |mut table| {
                    for (offset, row) in rows.iter().enumerate() {
                        for (&column, &value) in functions.table.iter().zip(row) {
                            table.assign_cell(|| "function table", column, offset, || Value::known(value))?;
                        }
                    }
                    Ok(())
                },
            )?;
        }
        Circuit::synthesize(&self.base, config.base.clone(), layouter.namespace(|| "model"))?;
        if let Some(functions) = &config.functions {
            layouter.assign_region(
                || "function lookups",
                |mut region| {
                    self.lookups.assign_raw(&functions.advice, &mut region);
                    Ok(())
                },
            )?;
        }
        if let Some(dense) = &config.dense {
            layouter.assign_region(
                || "dense dot products",
                |mut region| {
                    self.dense.assign_raw(dense, &mut region);
                    Ok(())
                },
            )?;
        }
        Ok(())
    }
}

impl CircuitExt<Fr> for ProvingCircuit {
    fn num_instance(&self) -> Vec<usize> {
        self.base.num_instance()
    }

    fn instances(&self) -> Vec<Vec<Fr>> {
        self.base.instances()
    }

    fn selectors(config: &Self::Config) -> Vec<Selector> {
        BaseCircuitBuilder::selectors(&config.base)
    }
}
