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

/// data [4], indices [1], updates [1] -> ScatterElements on the only axis.
fn scatter_model() -> zkinfer_model::QuantizedModel {
    use zkinfer_model::{QuantNode, QuantOp, QuantValue, QuantizedModel, QUANTIZED_FORMAT, VALUE_BITS};
    let value = |name: &str, n| QuantValue { name: name.into(), shape: vec![n], scale: 0 };
    let model = QuantizedModel {
        format: QUANTIZED_FORMAT.into(),
        name: "scatter".into(),
        value_bits: VALUE_BITS,
        scales: Scales::default(),
        values: vec![value("data", 4), value("indices", 1), value("updates", 1), value("y", 4)],
        inputs: vec![0, 1, 2],
        outputs: vec![3],
        nodes: vec![QuantNode {
            name: "scatter".into(),
            op_type: "ScatterElements".into(),
            op: QuantOp::Scatter { position: vec![0, 1, 2, 3], writers: vec![vec![(0, 0)]; 4], axis_len: 4 },
            inputs: vec![0, 1, 2],
            output: 3,
        }],
        visibility: Default::default(),
    };
    model.validate().unwrap();
    model
}

/// Whether MockProver accepts the scatter model's circuit assigned from `trace` with the public
/// values claiming `outputs` (a cheating prover's claim; the trace's own outputs when `None`).
fn scatter_satisfied(model: &zkinfer_model::QuantizedModel, trace: &Trace, outputs: Option<&[i64]>) -> bool {
    let id = zkinfer_model::model_id(model);
    let circuit = ModelCircuit::new(model, id);
    let layout = circuit.layout(trace).unwrap();
    let (builder, mut instances) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, trace).unwrap();
    if let Some(y) = outputs {
        instances = public_instances(&id, &trace.inputs(model), y);
    }
    MockProver::run(layout.k(), &builder, vec![instances]).unwrap().verify().is_ok()
}

#[test]
fn scatter_with_an_index_outside_the_axis_is_unsatisfied() {
    let model = scatter_model();
    let data = vec![10, 20, 30, 40];
    // In range, including both edges: the executor's trace satisfies the circuit, and a claim
    // of "no write" does not.
    for index in [0, 3] {
        let trace = zkinfer_model::execute(&model, &[data.clone(), vec![index], vec![99]]).unwrap();
        assert!(scatter_satisfied(&model, &trace, None), "index {index}");
        assert!(!scatter_satisfied(&model, &trace, Some(&data)), "index {index}");
    }
    for index in [-1, -4, 4, 5, 1 << 20] {
        assert!(zkinfer_model::execute(&model, &[data.clone(), vec![index], vec![99]]).is_err());
        // The circuit's own assignment (no slot selected: output = data) with "no write", ONNX's
        // negative-index write (slot `index + 4`) and every other single write claimed.
        let trace = Trace { values: vec![data.clone(), vec![index], vec![99], data.clone()] };
        let mut claims = vec![data.clone()];
        for slot in 0..4 {
            let mut y = data.clone();
            y[slot] = 99;
            claims.push(y);
        }
        for y in claims {
            assert!(!scatter_satisfied(&model, &trace, Some(&y)), "index {index} proved output {y:?}");
        }
    }
}

/// The memory guard's floor, counted from the model alone, lies under every layout the search
/// finds: no more cells than either layout holds, no more memory than either estimate, and
/// every multiply-accumulate the dense gate took is among those it counted.
#[test]
fn the_memory_floor_lies_under_every_layout() {
    let (compiled, trace) = demo();
    let floor = zkinfer_circuit::Floor::of(&compiled.model);
    let circuit = ModelCircuit::new(&compiled.model, compiled.id());
    // risk_mlp: Gemm 4 -> 16, 16 -> 16, 16 -> 1 on one sample.
    let linear_macs: u64 = compiled
        .model
        .nodes
        .iter()
        .filter_map(|n| match &n.op {
            zkinfer_model::QuantOp::Linear { weight, .. } => {
                Some(weight.iter().filter(|&&w| w != 0).count() as u64)
            }
            _ => None,
        })
        .sum();
    assert_eq!(floor.multiply_accumulates, linear_macs);
    assert!(floor.computed_values > 0);
    for gate in [zkinfer_circuit::DenseGate::On, zkinfer_circuit::DenseGate::Off] {
        let layout = circuit.layout_with(&trace, gate).unwrap();
        assert!(floor.advice_cells <= layout.advice_cells as u64, "{floor:?} {layout:?}");
        assert!(floor.peak_memory_bytes <= layout.estimate().peak_memory_bytes);
        assert!(layout.dense_terms as u64 <= floor.multiply_accumulates);
    }
}
