//! The function-lookup chip under MockProver: honest lookups pass; a wrong output, an input
//! outside the calibrated range and a lookup into another function's table fail.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use halo2_base::gates::circuit::builder::BaseCircuitBuilder;
use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::dev::MockProver;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_circuit::{fe, FunctionTables, ProvingCircuit, TableSpec, UNUSABLE_ROWS};
use zkinfer_model::Function;

const K: u32 = 12;

fn spec(function: Function) -> TableSpec {
    TableSpec { function, in_scale: 8, out_scale: 8, range: [-512, 512] }
}

/// Looks up each `(x, y)` in the table of `specs[table]`; whether MockProver accepts.
fn satisfied(specs: Vec<TableSpec>, table: usize, pairs: &[(i64, i64)]) -> bool {
    let tables = FunctionTables::new(specs.clone());
    let base = BaseCircuitBuilder::from_stage(CircuitBuilderStage::Mock)
        .use_k(K as usize)
        .use_lookup_bits(K as usize - 1)
        .use_instance_columns(1);
    let mut circuit = ProvingCircuit::new(CircuitBuilderStage::Mock, base, tables.clone());
    let chip = circuit.function_chip();
    let ctx = circuit.base.main(0);
    let tag = ctx.load_constant(Fr::from(tables.tag(&specs[table]).unwrap()));
    for &(x, y) in pairs {
        let x = ctx.load_witness(fe(x));
        chip.apply(ctx, tag, x, y);
    }
    circuit.base.calculate_params(Some(UNUSABLE_ROWS));
    circuit.set_function_lookup_columns(1);
    circuit.base.assigned_instances = vec![vec![]];
    MockProver::run(K, &circuit, vec![vec![]]).unwrap().verify().is_ok()
}

fn honest(function: Function, xs: &[i64]) -> Vec<(i64, i64)> {
    xs.iter().map(|&x| (x, function.quantized(x, 8, 8).unwrap())).collect()
}

#[test]
fn honest_lookups_pass_at_the_range_edges() {
    let xs = [-512, -511, -1, 0, 1, 300, 512];
    assert!(satisfied(vec![spec(Function::Sigmoid)], 0, &honest(Function::Sigmoid, &xs)));
    let two = vec![spec(Function::Sigmoid), spec(Function::Tanh)];
    assert!(satisfied(two, 1, &honest(Function::Tanh, &xs)));
}

#[test]
fn wrong_output_fails() {
    for delta in [1, -1, 1000] {
        let mut pairs = honest(Function::Sigmoid, &[-7, 0, 100]);
        pairs[1].1 += delta;
        assert!(!satisfied(vec![spec(Function::Sigmoid)], 0, &pairs), "y + {delta} accepted");
    }
}

#[test]
fn input_outside_the_calibrated_range_fails() {
    for x in [513, -513, 1 << 20] {
        let pairs = honest(Function::Sigmoid, &[x]);
        assert!(!satisfied(vec![spec(Function::Sigmoid)], 0, &pairs), "x = {x} accepted");
    }
}

#[test]
fn another_functions_table_fails() {
    // Tanh values looked up under the Sigmoid tag.
    let two = vec![spec(Function::Sigmoid), spec(Function::Tanh)];
    assert!(!satisfied(two, 0, &honest(Function::Tanh, &[-100, 50])));
}

#[test]
fn tables_skip_undefined_inputs() {
    let log = TableSpec { function: Function::Log, in_scale: 8, out_scale: 8, range: [-4, 4] };
    let xs: Vec<i64> = log.entries().map(|(x, _)| x).collect();
    assert_eq!(xs, vec![1, 2, 3, 4]);
    assert!(!satisfied(vec![log], 0, &[(0, 0)]), "log(0) accepted");
}
