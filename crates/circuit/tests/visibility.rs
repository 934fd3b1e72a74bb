//! Visibilities under MockProver, on the demo model: for every mode the honest witness passes
//! with the natively computed public values, and a tampered hash, weight, input or output fails
//! where the mode binds it.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use halo2_base::gates::circuit::CircuitBuilderStage;
use halo2_base::halo2_proofs::dev::MockProver;
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_circuit::{model_num_instances, values_hash, weights_hash, Exposed, ModelCircuit, PublicValues};
use zkinfer_model::{
    execute, CompiledModel, InputData, ParamVisibility, QuantOp, Scales, Trace, Visibilities, Visibility,
};

use ParamVisibility as P;
use Visibility::{Hashed, Private, Public};

fn demo(visibility: Visibilities) -> (CompiledModel, Trace) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    let compiled = compiled.with_visibility(visibility).unwrap();
    let trace = compiled.trace(&data).expect("the demo input runs");
    (compiled, trace)
}

fn vis(input: Visibility, output: Visibility, params: ParamVisibility) -> Visibilities {
    Visibilities { input, output, params }
}

/// Runs MockProver on the circuit of `compiled` and `trace`, with the public values
/// `instances` (the honest ones when `None`).
fn satisfied(compiled: &CompiledModel, trace: &Trace, instances: Option<Vec<Fr>>) -> bool {
    satisfied_as(compiled, compiled.id(), trace, instances)
}

/// [`satisfied`] with the circuit claiming the model id `id`.
fn satisfied_as(compiled: &CompiledModel, id: [u8; 32], trace: &Trace, instances: Option<Vec<Fr>>) -> bool {
    let circuit = ModelCircuit::new(&compiled.model, id);
    let layout = circuit.layout(trace).unwrap();
    let (builder, honest) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, trace).unwrap();
    MockProver::run(layout.k(), &builder, vec![instances.unwrap_or(honest)]).unwrap().verify().is_ok()
}

/// The same model with the last layer's first bias changed (by 4.0), and its trace on the same
/// input (the cheating prover's witness).
fn other_weights(compiled: &CompiledModel, trace: &Trace) -> (CompiledModel, Trace) {
    let mut bad = compiled.clone();
    if let QuantOp::Linear { bias, .. } = &mut bad.model.nodes[4].op {
        bias[0] += 4 << 16;
    }
    let inputs: Vec<Vec<i64>> = bad.model.inputs.iter().map(|&v| trace.values[v].clone()).collect();
    let trace = execute(&bad.model, &inputs).unwrap();
    (bad, trace)
}

const MODES: [(Visibility, Visibility, ParamVisibility); 8] = [
    (Hashed, Public, P::Fixed),
    (Private, Public, P::Fixed),
    (Public, Hashed, P::Fixed),
    (Public, Private, P::Fixed),
    (Public, Public, P::Hashed),
    (Public, Public, P::Private),
    (Hashed, Hashed, P::Hashed),
    (Private, Private, P::Private),
];

#[test]
fn honest_witness_passes_with_native_public_values_in_every_mode() {
    for (i, o, p) in MODES {
        let (compiled, trace) = demo(vis(i, o, p));
        let m = &compiled.model;
        let circuit = ModelCircuit::new(m, compiled.id());
        let layout = circuit.layout(&trace).unwrap();
        let (builder, instances) = circuit.builder(CircuitBuilderStage::Mock, &layout, None, &trace).unwrap();
        let exposed: Vec<Fr> = builder.base.assigned_instances[0].iter().map(|c| *c.value()).collect();
        assert_eq!(exposed, instances, "{i}/{o}/{p}: in-circuit and native public values");
        let native = PublicValues::of(m, &trace.inputs(m), &trace.outputs(m));
        assert_eq!(instances, native.instances(&compiled.id()));
        assert_eq!(instances.len(), model_num_instances(m));
        assert_eq!(layout.num_instances, instances.len());
        let side = |v, words| match v {
            Public => words,
            Hashed => 1,
            Private => 0,
        };
        assert_eq!(instances.len(), 2 + side(i, 2) + side(o, 1) + usize::from(p == P::Hashed));
        if i == Hashed {
            assert_eq!(instances[2], values_hash(&trace.inputs(m)));
        }
        if p == P::Hashed {
            assert_eq!(*instances.last().unwrap(), weights_hash(&m.parameters()));
        }
        MockProver::run(layout.k(), &builder, vec![instances]).unwrap().assert_satisfied();
        eprintln!("{i}/{o}/{p}: k={}, {} advice cells", layout.k(), layout.advice_cells);
    }
}

#[test]
fn every_changed_public_value_fails_in_every_mode() {
    for (i, o, p) in MODES {
        let (compiled, trace) = demo(vis(i, o, p));
        let honest = PublicValues::of(
            &compiled.model,
            &trace.inputs(&compiled.model),
            &trace.outputs(&compiled.model),
        )
        .instances(&compiled.id());
        for index in 0..honest.len() {
            let mut bad = honest.clone();
            bad[index] += Fr::one();
            assert!(!satisfied(&compiled, &trace, Some(bad)), "{i}/{o}/{p}: public value {index} changed");
        }
    }
}

#[test]
fn hashed_weights_bind_the_weights_private_weights_do_not() {
    for p in [P::Hashed, P::Private] {
        let (compiled, trace) = demo(vis(Public, Public, p));
        let m = &compiled.model;
        let registered = PublicValues::of(m, &trace.inputs(m), &trace.outputs(m));
        // A prover that uses other weights, under the same model id, claiming its own output.
        let (bad, bad_trace) = other_weights(&compiled, &trace);
        assert_ne!(bad_trace.outputs(m), trace.outputs(m), "the changed bias must matter");
        let claimed = PublicValues { outputs: Exposed::Values(bad_trace.outputs(m)), ..registered.clone() };
        let cheat = satisfied_as(&bad, compiled.id(), &bad_trace, Some(claimed.instances(&compiled.id())));
        match p {
            P::Hashed => assert!(!cheat, "hashed weights: other weights under the registered hash"),
            _ => assert!(cheat, "private weights are not bound by anything: the test documents it"),
        }
        // With its own weights' hash the cheat is a valid proof of another model, whose hash
        // differs from the registered one.
        if p == P::Hashed {
            let own = PublicValues::of(&bad.model, &bad_trace.inputs(m), &bad_trace.outputs(m));
            assert_ne!(own.weights_hash, registered.weights_hash);
            assert!(satisfied_as(&bad, compiled.id(), &bad_trace, Some(own.instances(&compiled.id()))));
        }
    }
}

#[test]
fn hashed_sides_bind_their_values() {
    let (compiled, trace) = demo(vis(Hashed, Hashed, P::Fixed));
    let m = &compiled.model;
    let honest = PublicValues::of(m, &trace.inputs(m), &trace.outputs(m));
    // Another input, honestly executed, against the original input hash.
    let mut inputs: Vec<Vec<i64>> = m.inputs.iter().map(|&v| trace.values[v].clone()).collect();
    inputs[0][2] += 1;
    let other = execute(m, &inputs).unwrap();
    let own = PublicValues::of(m, &other.inputs(m), &other.outputs(m));
    assert_ne!(own.inputs, honest.inputs);
    let mixed = PublicValues { inputs: honest.inputs.clone(), ..own.clone() };
    assert!(!satisfied(&compiled, &other, Some(mixed.instances(&compiled.id()))));
    assert!(satisfied(&compiled, &other, Some(own.instances(&compiled.id()))));
    // A wrong output behind the output hash: the executor's output + 1 fails even with the
    // hash of the wrong output.
    let out = m.outputs[0];
    let mut bad = trace.clone();
    bad.values[out][0] += 1;
    let claimed = PublicValues { outputs: Exposed::Hash(values_hash(&bad.outputs(m))), ..honest.clone() };
    assert!(!satisfied(&compiled, &bad, Some(claimed.instances(&compiled.id()))));
}

#[test]
fn tampered_hidden_activation_fails_in_every_mode() {
    for (i, o, p) in MODES {
        let (compiled, trace) = demo(vis(i, o, p));
        let m = &compiled.model;
        let honest = PublicValues::of(m, &trace.inputs(m), &trace.outputs(m)).instances(&compiled.id());
        let mut bad = trace.clone();
        bad.values[m.nodes[1].output][3] += 1;
        assert!(!satisfied(&compiled, &bad, Some(honest)), "{i}/{o}/{p}");
    }
}
