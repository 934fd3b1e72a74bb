//! The whole model circuit under MockProver: honest trace and public values pass; a changed
//! public value or a tampered hidden activation fails.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::dev::MockProver;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_circuit::{public_instances, ModelCircuit};
use zkinfer_model::{CompiledModel, InputData, Scales, Trace};

fn demo() -> (CompiledModel, Trace) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    let trace = compiled.trace(&data).expect("the demo input runs");
    (compiled, trace)
}

fn mock(compiled: &CompiledModel, trace: &Trace, tamper: impl FnOnce(&mut Vec<Fr>)) -> bool {
    let circuit = ModelCircuit::new(&compiled.model, compiled.id());
    let layout = circuit.layout(trace).unwrap();
    let (builder, mut instances) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, trace).unwrap();
    tamper(&mut instances);
    MockProver::run(layout.k(), &builder, vec![instances]).unwrap().verify().is_ok()
}

#[test]
fn honest_circuit_is_satisfied_and_exposes_the_executor_output() {
    let (compiled, trace) = demo();
    let m = &compiled.model;
    let circuit = ModelCircuit::new(m, compiled.id());
    let layout = circuit.layout(&trace).unwrap();
    let (builder, instances) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, &trace).unwrap();
    // The circuit's public cells hold exactly the executor's inputs and outputs.
    let exposed: Vec<Fr> = builder.base.assigned_instances[0].iter().map(|c| *c.value()).collect();
    assert_eq!(exposed, instances);
    assert_eq!(instances, public_instances(&compiled.id(), &trace.inputs(m), &trace.outputs(m)));
    assert_eq!(instances.len(), 2 + 2 + 1);
    MockProver::run(layout.k(), &builder, vec![instances]).unwrap().assert_satisfied();
}

#[test]
fn changed_public_values_fail() {
    let (compiled, trace) = demo();
    for index in 0..5 {
        assert!(
            !mock(&compiled, &trace, |i| i[index] += Fr::one()),
            "public value {index} changed but accepted"
        );
    }
}

#[test]
fn tampered_hidden_activation_fails() {
    let (compiled, trace) = demo();
    let m = &compiled.model;
    // The first ReLU's output: a hidden activation nobody sees.
    let hidden = m.nodes[1].output;
    let mut bad = trace.clone();
    bad.values[hidden][3] += 1;
    assert!(!mock(&compiled, &bad, |_| {}));
    // A consistent-looking but wrong output: executor output + 1, with public values to match.
    let out = m.outputs[0];
    let mut bad = trace.clone();
    bad.values[out][0] += 1;
    let outputs = bad.outputs(m);
    assert!(!mock(&compiled, &bad, |i| *i = public_instances(&compiled.id(), &trace.inputs(m), &outputs)));
}

#[test]
fn another_model_id_fails() {
    let (compiled, trace) = demo();
    let mut other = compiled.id();
    other[31] ^= 1;
    let m = &compiled.model;
    assert!(!mock(&compiled, &trace, |i| *i = public_instances(&other, &trace.inputs(m), &trace.outputs(m))));
}
