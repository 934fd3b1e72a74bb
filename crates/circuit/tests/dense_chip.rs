//! The dense-layer gate under MockProver: honest dot products pass (empty, short, long, split
//! across columns, negative weights and values); an input that differs from its source cell, a
//! wrong running sum, a wrong result cell and a chain not starting from 0 fail.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use halo2_base::gates::circuit::builder::BaseCircuitBuilder;
use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::dev::MockProver;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::halo2_proofs::plonk::Assigned;
use halo2_base::AssignedValue;
use zkinfer_circuit::{fe, DenseChip, FunctionTables, ProvingCircuit, UNUSABLE_ROWS};

const K: u32 = 10;

/// Chains of these lengths: 0 and 1 term, a partial unit, exactly one, one more, and 2,500
/// terms, which at k = 10 (1,004 rows) spans three columns.
const LENGTHS: [usize; 6] = [0, 1, 7, 12, 13, 2500];

fn weight(chain: usize, i: usize) -> i64 {
    ((chain * 31 + i * 17) % 23) as i64 - 11
}

fn value(chain: usize, i: usize) -> i64 {
    ((chain * 7 + i * 13) % 255) as i64 - 127
}

/// Builds the chains (bias `1000 + chain`); `tamper` may change the queue or the input cells
/// handed to the chip. Returns whether MockProver accepts and the sums the chip returned.
fn satisfied(tamper: impl FnOnce(&DenseChip, &mut [Vec<AssignedValue<Fr>>])) -> (bool, Vec<Fr>) {
    let base = BaseCircuitBuilder::from_stage(CircuitBuilderStage::Mock)
        .use_k(K as usize)
        .use_lookup_bits(K as usize - 1)
        .use_instance_columns(1);
    let mut circuit = ProvingCircuit::new(CircuitBuilderStage::Mock, base, FunctionTables::default());
    circuit.use_dense_gate(true);
    let dense = circuit.dense_chip().unwrap();
    let ctx = circuit.base.main(0);
    let mut inputs: Vec<Vec<_>> = LENGTHS
        .iter()
        .enumerate()
        .map(|(c, &n)| ctx.assign_witnesses((0..n).map(|i| fe(value(c, i)))))
        .collect();
    tamper(&dense, &mut inputs);
    let sums = inputs
        .iter()
        .enumerate()
        .map(|(c, x)| {
            let terms = x.iter().enumerate().map(|(i, &x)| (x, weight(c, i)));
            *dense.dot(ctx, terms, 1000 + c as i64).value()
        })
        .collect();
    let usable = (1 << K) - UNUSABLE_ROWS;
    let (columns, _) = dense.footprint(usable);
    assert_eq!(columns, 3);
    circuit.set_dense_columns(columns);
    circuit.base.calculate_params(Some(UNUSABLE_ROWS));
    circuit.base.assigned_instances = vec![vec![]];
    (MockProver::run(K, &circuit, vec![vec![]]).unwrap().verify().is_ok(), sums)
}

fn accepted(tamper: impl FnOnce(&DenseChip, &mut [Vec<AssignedValue<Fr>>])) -> bool {
    satisfied(tamper).0
}

#[test]
fn honest_dot_products_pass() {
    let (ok, sums) = satisfied(|_, _| {});
    assert!(ok);
    for (c, &n) in LENGTHS.iter().enumerate() {
        let expected = 1000 + c as i64 + (0..n).map(|i| value(c, i) * weight(c, i)).sum::<i64>();
        assert_eq!(sums[c], fe(expected), "chain {c}");
    }
}

#[test]
fn an_input_differing_from_its_cell_fails() {
    // The dense region copies the value it is handed; the copy constraint ties it to the cell.
    assert!(!accepted(|_, inputs| inputs[3][4].value = Assigned::Trivial(fe(value(3, 4) + 1))));
}

#[test]
fn a_wrong_running_sum_fails() {
    // Units 1 of chain 4 and 100 of the long chain (in its second column), and the sum that
    // continues the long chain in its third column.
    for (chain, unit) in [(4, 1), (5, 100), (5, 2 * 77)] {
        assert!(!accepted(|d, _| d.corrupt_sum(chain, unit, 1, false)), "chain {chain} unit {unit}");
    }
}

#[test]
fn a_chain_not_starting_from_zero_fails() {
    // Every gate holds with all sums shifted; only the start's copy of 0 (and the result's
    // copy) can catch it.
    assert!(!accepted(|d, _| d.corrupt_sum(2, 0, 5, true)));
}

#[test]
fn a_wrong_result_fails() {
    // The last sum of chain 3 (one unit) is its result cell.
    assert!(!accepted(|d, _| d.corrupt_sum(3, 1, -1, false)));
}
