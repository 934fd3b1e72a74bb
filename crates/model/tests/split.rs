//! Cutting a model into segments: running them in turn computes what the whole model does.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use zkinfer_model::{execute, CompiledModel, InputData, QuantizedModel, Scales, Trace, Visibility};

fn compiled(dir: &std::path::Path) -> (CompiledModel, InputData) {
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let (compiled, _) =
        CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default()).unwrap();
    (compiled, data)
}

/// Runs the segments one after the other, each on the previous one's outputs.
fn run_segments(segments: &[QuantizedModel], inputs: Vec<Vec<i64>>) -> Trace {
    let mut next = inputs;
    let mut trace = None;
    for segment in segments {
        let t = execute(segment, &next).unwrap();
        next = segment.outputs.iter().map(|&v| t.values[v].clone()).collect();
        trace = Some(t);
    }
    trace.unwrap()
}

#[test]
fn every_cut_of_the_demo_model_keeps_its_outputs() {
    let (compiled, data) = compiled(&common::repo().join("models/risk_mlp"));
    let model = &compiled.model;
    let whole = compiled.trace(&data).unwrap();
    let inputs: Vec<Vec<i64>> = model.inputs.iter().map(|&v| whole.values[v].clone()).collect();
    for cut in 1..model.nodes.len() {
        let segments = model.split(&[cut]).unwrap();
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].nodes.len(), cut);
        assert_eq!(segments[0].visibility.output, Visibility::Hashed, "cut {cut}");
        assert_eq!(segments[1].visibility.input, Visibility::Hashed, "cut {cut}");
        assert_eq!(segments[0].visibility.input, Visibility::Public);
        assert_eq!(segments[1].visibility.output, Visibility::Public);
        let last = run_segments(&segments, inputs.clone());
        assert_eq!(last.outputs(&segments[1]), whole.outputs(model), "cut {cut}");
        // Each segment is its own model, with its own id.
        assert_ne!(zkinfer_model::model_id(&segments[0]), zkinfer_model::model_id(&segments[1]));
    }
    // Every cut at once: one node per segment.
    let all: Vec<usize> = (1..model.nodes.len()).collect();
    let segments = model.split(&all).unwrap();
    assert_eq!(segments.len(), model.nodes.len());
    assert_eq!(run_segments(&segments, inputs).outputs(segments.last().unwrap()), whole.outputs(model));
}

#[test]
fn an_unrolled_lstm_splits_at_every_cut() {
    let (compiled, data) = compiled(&common::conformance("lstm"));
    let model = &compiled.model;
    let whole = compiled.trace(&data).unwrap();
    let inputs: Vec<Vec<i64>> = model.inputs.iter().map(|&v| whole.values[v].clone()).collect();
    for cut in 1..model.nodes.len() {
        let segments = model.split(&[cut]).unwrap();
        let last = run_segments(&segments, inputs.clone());
        assert_eq!(last.outputs(&segments[1]), whole.outputs(model), "cut {cut}");
        // Values crossing the cut leave the first segment and enter the second, in one order.
        assert_eq!(segments[0].output_len(), segments[1].input_len(), "cut {cut}");
    }
}

#[test]
fn bad_cuts_are_named() {
    let (compiled, _) = compiled(&common::repo().join("models/risk_mlp"));
    let model = &compiled.model;
    let n = model.nodes.len();
    for (cuts, expected) in [
        (vec![], "no cut"),
        (vec![0], "cut before node 0"),
        (vec![n], &format!("cut before node {n}") as &str),
        (vec![2, 1], "cuts must increase"),
    ] {
        let err = model.split(&cuts).unwrap_err().to_string();
        assert!(err.contains(expected) && err.contains(&model.name), "{cuts:?}: {err}");
    }
}
