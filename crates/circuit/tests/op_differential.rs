//! Every op, executor against circuit: each node of the small conformance models is cut out as a
//! one-node model whose output is public. The executor's run of it must reproduce the whole
//! model's trace and satisfy the circuit; the same node claiming an output element off by one
//! (the first eight and the last; public values to match) must not, nor may it take an input
//! outside the value range, which the executor refuses. One node per (IR op, ONNX op) pair;
//! dense and convolution layers both through halo2-base's inner product and the dense-layer
//! gate. Release mode.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::PathBuf;

use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::dev::MockProver;
use zkinfer_circuit::{public_instances, DenseGate, ModelCircuit};
use zkinfer_model::{execute, model_id, CompiledModel, InputData, QuantizedModel, Scales, Trace};

fn conformance() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/onnx")
}

/// Node `index` of `model` alone: its inputs become the model's inputs, its output the output;
/// with the original value id of each of its values.
fn one_node(model: &QuantizedModel, index: usize) -> (QuantizedModel, Vec<usize>) {
    let node = &model.nodes[index];
    let mut ids: Vec<usize> = Vec::new();
    for &v in node.inputs.iter().chain([&node.output]) {
        if !ids.contains(&v) {
            ids.push(v);
        }
    }
    let remap = |v: usize| ids.iter().position(|&x| x == v).unwrap();
    let mut alone = node.clone();
    alone.inputs = node.inputs.iter().map(|&v| remap(v)).collect();
    alone.output = remap(node.output);
    let inputs: Vec<usize> = ids.iter().filter(|&&v| v != node.output).map(|&v| remap(v)).collect();
    let alone = QuantizedModel {
        name: format!("{}#{index}", model.name),
        values: ids.iter().map(|&v| model.values[v].clone()).collect(),
        inputs,
        outputs: vec![alone.output],
        nodes: vec![alone],
        visibility: Default::default(),
        ..model.clone()
    };
    (alone, ids)
}

/// Whether MockProver accepts `model`'s circuit assigned from `trace`, with the public values
/// claiming `outputs` (the trace's own when `None`). A witness the circuit builder refuses to
/// assign (an error or a panic) is not accepted either.
fn satisfied(model: &QuantizedModel, trace: &Trace, outputs: Option<&[i64]>, gate: DenseGate) -> bool {
    let run = std::panic::AssertUnwindSafe(|| mock(model, trace, outputs, gate));
    std::panic::catch_unwind(run).unwrap_or(false)
}

fn mock(model: &QuantizedModel, trace: &Trace, outputs: Option<&[i64]>, gate: DenseGate) -> bool {
    let id = model_id(model);
    let circuit = ModelCircuit::new(model, id);
    let Ok(layout) = circuit.layout_with(trace, gate) else { return false };
    if gate == DenseGate::On {
        assert!(layout.dense_columns > 0, "{}: the dense gate is not used", model.name);
    }
    let Ok((builder, mut instances)) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, trace)
    else {
        return false;
    };
    if let Some(y) = outputs {
        instances = public_instances(&id, &trace.inputs(model), y);
    }
    MockProver::run(layout.k(), &builder, vec![instances]).unwrap().verify().is_ok()
}

/// Whether the dense gate takes any of the node's dot products.
fn uses_dense(model: &QuantizedModel, trace: &Trace) -> bool {
    let circuit = ModelCircuit::new(model, model_id(model));
    circuit.layout_with(trace, DenseGate::On).is_ok_and(|l| l.dense_columns > 0)
}

fn op_kind(model: &QuantizedModel) -> String {
    let op = format!("{:?}", model.nodes[0].op);
    op.split([' ', '{', '(']).next().unwrap().to_owned()
}

#[test]
fn every_op_enforces_what_the_executor_computes_and_refuses() {
    let mut checked = BTreeSet::new();
    let mut dense_checked = 0;
    let mut models: Vec<_> = std::fs::read_dir(conformance()).unwrap().map(|e| e.unwrap().path()).collect();
    models.sort();
    for dir in models {
        let Ok(data) = InputData::read(&dir.join("input.json")) else { continue };
        let Ok((compiled, _)) =
            CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default())
        else {
            continue;
        };
        let model = &compiled.model;
        if model.nodes.len() > 60 || model.values.iter().map(|v| v.numel()).sum::<usize>() > 20_000 {
            continue;
        }
        let Ok(full) = compiled.trace(&data) else { continue };
        for index in 0..model.nodes.len() {
            let (alone, ids) = one_node(model, index);
            let kind = op_kind(&alone);
            if alone.validate().is_err() || alone.values[alone.outputs[0]].numel() > 64 {
                continue;
            }
            let node = &model.nodes[index];
            let inputs: Vec<Vec<i64>> = alone.inputs.iter().map(|&v| full.values[ids[v]].clone()).collect();
            let trace = execute(&alone, &inputs).unwrap();
            // Dense and convolution layers with enough terms per output for the dense gate are a
            // class of their own, checked through both gates.
            let dense = matches!(kind.as_str(), "Linear" | "Conv") && uses_dense(&alone, &trace);
            let class =
                (format!("{kind}{}", if dense { " (dense)" } else { "" }), alone.nodes[0].op_type.clone());
            if checked.contains(&class) {
                continue;
            }
            let out = alone.outputs[0];
            assert_eq!(
                trace.values[out], full.values[node.output],
                "{}: the node alone computes otherwise",
                alone.name
            );
            let gates: &[DenseGate] =
                if dense { &[DenseGate::Off, DenseGate::On] } else { &[DenseGate::Off] };
            for &gate in gates {
                assert!(
                    satisfied(&alone, &trace, None, gate),
                    "{} ({kind}, {gate:?}): the honest trace is unsatisfied",
                    alone.name
                );
                let y = trace.outputs(&alone);
                // The first eight elements and the last (each check is a MockProver run).
                let mut elements: Vec<usize> = (0..y.len().min(8)).collect();
                elements.extend(y.len().checked_sub(1).filter(|&l| l >= 8));
                for i in elements {
                    for delta in [1, -1] {
                        let mut claim = y.clone();
                        claim[i] += delta;
                        let mut forged = trace.clone();
                        forged.values[out][i] += delta;
                        assert!(
                            !satisfied(&alone, &forged, Some(&claim), gate),
                            "{} ({kind}, {gate:?}): output {i} off by {delta} accepted",
                            alone.name
                        );
                    }
                }
                if let Some(first) = alone.inputs.first() {
                    let mut wide = inputs.clone();
                    if !wide[0].is_empty() {
                        wide[0][0] = 1 << 40;
                        assert!(execute(&alone, &wide).is_err(), "{}: the executor took 2^40", alone.name);
                        let mut forged = trace.clone();
                        forged.values[*first][0] = 1 << 40;
                        assert!(
                            !satisfied(&alone, &forged, None, gate),
                            "{} ({kind}, {gate:?}): an input of 2^40 accepted",
                            alone.name
                        );
                    }
                }
            }
            dense_checked += usize::from(dense);
            checked.insert(class);
        }
    }
    let kinds: BTreeSet<_> = checked.iter().map(|(k, _)| k.trim_end_matches(" (dense)").to_owned()).collect();
    eprintln!("checked {} op classes ({dense_checked} through the dense gate too): {kinds:?}", checked.len());
    assert!(dense_checked >= 2, "the dense gate was checked on {dense_checked} nodes");
    assert!(kinds.len() >= 10, "only {kinds:?} checked");
}
