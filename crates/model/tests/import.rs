//! ONNX import, quantization and the integer executor, on the demo model and conformance models.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{conformance, repo};
use zkinfer_model::*;

fn risk_mlp() -> (CompiledModel, InputData) {
    let dir = repo().join("models/risk_mlp");
    let data = InputData::read(&dir.join("input.json")).expect("demo input");
    let (compiled, _) = CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default())
        .expect("demo model compiles");
    (compiled, data)
}

#[test]
fn demo_model_imports_with_fused_bias() {
    let (compiled, _) = risk_mlp();
    let m = &compiled.model;
    assert_eq!(m.input_len(), 8);
    assert_eq!(m.output_len(), 3);
    let kinds: Vec<&str> = m.nodes.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(kinds, ["MatMul+Add", "Relu", "Gemm", "Relu", "Gemm"]);
    assert_eq!(compiled.op_types, ["Add", "Gemm", "MatMul", "Relu"]);
}

#[test]
fn integer_executor_tracks_the_float_model() {
    let (compiled, data) = risk_mlp();
    let m = &compiled.model;
    let tensors = compiled.input_tensors(&data).unwrap();
    let trace = compiled.trace_tensors(&tensors).unwrap();
    let float = float_reference(&repo().join("models/risk_mlp/network.onnx"), &tensors).unwrap();
    let fidelity = Fidelity::compare(&float[0].data, &trace.outputs(m), m.output_scale());
    assert!(fidelity.argmax_agrees, "{fidelity:?}");
    assert!(fidelity.max_abs_error < 0.05, "{fidelity:?}");
    assert!(fidelity.max_abs_error > 0.0, "quantization cannot be exact here: {fidelity:?}");
}

#[test]
fn model_id_binds_every_weight_and_scale() {
    let (compiled, _) = risk_mlp();
    let id = compiled.id();
    let mut changed = compiled.model.clone();
    if let QuantOp::Linear { weight, .. } = &mut changed.nodes[2].op {
        weight[5] += 1;
    }
    assert_ne!(model_id(&changed), id);
    let mut rescaled = compiled.model.clone();
    rescaled.scales.input += 1;
    assert_ne!(model_id(&rescaled), id);
    assert_eq!(model_id(&compiled.model.clone()), id);
}

#[test]
fn model_id_binds_the_visibility_and_keeps_the_default_id() {
    let (compiled, _) = risk_mlp();
    let id = compiled.id();
    let json = serde_json::to_string(&compiled.model).unwrap();
    assert!(!json.contains("visibility"), "the default visibility is not written");
    let default = compiled.clone().with_visibility(Visibilities::default()).unwrap();
    assert_eq!(default.id(), id);
    let sides = [
        Visibilities { input: Visibility::Hashed, ..Default::default() },
        Visibilities { input: Visibility::Private, ..Default::default() },
        Visibilities { output: Visibility::Hashed, ..Default::default() },
        Visibilities { params: ParamVisibility::Private, ..Default::default() },
        Visibilities { params: ParamVisibility::Hashed, ..Default::default() },
    ];
    let mut ids = vec![id];
    for v in sides {
        let other = compiled.clone().with_visibility(v).unwrap();
        assert_eq!(other.model_id, id_hex(&other.id()));
        ids.push(other.id());
        // One weight changes the id under every visibility.
        let mut changed = other.model.clone();
        if let QuantOp::Linear { weight, .. } = &mut changed.nodes[0].op {
            weight[0] += 1;
        }
        assert_ne!(model_id(&changed), other.id(), "{v}");
    }
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "every visibility is another model id");
    // It survives a round trip through compiled.json.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compiled.json");
    let hashed = compiled.clone().with_visibility(sides[4]).unwrap();
    hashed.write(&path).unwrap();
    assert_eq!(CompiledModel::read(&path).unwrap(), hashed);
    assert_eq!("hashed".parse::<Visibility>(), Ok(Visibility::Hashed));
    assert!("fixed".parse::<Visibility>().unwrap_err().contains("public, private or hashed"));
    assert!("public".parse::<ParamVisibility>().is_err());
}

#[test]
fn weights_out_of_their_lanes_are_refused_when_witnessed() {
    let (compiled, _) = risk_mlp();
    let mut wide = compiled.clone();
    if let QuantOp::Linear { weight, .. } = &mut wide.model.nodes[2].op {
        weight[0] = 1 << 40;
    }
    let fixed = Visibilities::default();
    assert!(wide.clone().with_visibility(fixed).is_ok(), "fixed weights are constants of any size");
    let hashed = Visibilities { params: ParamVisibility::Hashed, ..Default::default() };
    let err = wide.with_visibility(hashed).unwrap_err().to_string();
    assert!(err.contains("outside the signed 32-bit range"), "{err}");
}

#[test]
fn compiled_json_round_trips_and_detects_edits() {
    let (compiled, _) = risk_mlp();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compiled.json");
    compiled.write(&path).unwrap();
    assert_eq!(CompiledModel::read(&path).unwrap(), compiled);
    let edited = std::fs::read_to_string(&path).unwrap().replacen("\"shift\": 8", "\"shift\": 7", 1);
    std::fs::write(&path, edited).unwrap();
    let err = CompiledModel::read(&path).unwrap_err().to_string();
    assert!(err.contains("does not match"), "{err}");
}

#[test]
fn conformance_mlps_run() {
    for name in ["1l_mlp", "2l_relu_fc", "1l_linear", "1l_relu", "1l_flatten", "1l_reshape", "1l_identity"] {
        let dir = conformance(name);
        let data = InputData::read(&dir.join("input.json")).unwrap();
        let (compiled, _) = CompiledModel::compile(&dir.join("network.onnx"), Some(&data), Scales::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let m = &compiled.model;
        let tensors = compiled.input_tensors(&data).unwrap();
        let trace = compiled.trace_tensors(&tensors).unwrap();
        let float = float_reference(&dir.join("network.onnx"), &tensors).unwrap();
        let float: Vec<f32> = float.into_iter().flat_map(|t| t.data).collect();
        let f = Fidelity::compare(&float, &trace.outputs(m), m.output_scale());
        assert!(f.max_abs_error < 0.1, "{name}: {f:?}");
    }
}

#[test]
fn malformed_onnx_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.onnx");
    std::fs::write(&path, b"this is not a protobuf \xff\xff\xff").unwrap();
    let err = load_onnx(&path, None).unwrap_err();
    assert!(matches!(err, Error::MalformedOnnx { .. }), "{err:?}");
    assert!(err.to_string().contains("broken.onnx"), "{err}");
    let missing = load_onnx(&dir.path().join("missing.onnx"), None).unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
}

#[test]
fn unsupported_op_names_node_and_op() {
    // 1l_sigmoid with its op type renamed in place (same length, so the protobuf stays valid).
    let bytes = std::fs::read(conformance("1l_sigmoid").join("network.onnx")).unwrap();
    let patched: Vec<u8> = replace_all(&bytes, b"Sigmoid", b"Sigmoix");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unknown_op.onnx");
    std::fs::write(&path, patched).unwrap();
    let err = load_onnx(&path, None).unwrap_err();
    match &err {
        Error::UnsupportedOp { op_type, .. } => assert_eq!(op_type, "Sigmoix"),
        other => panic!("expected UnsupportedOp, got {other:?}"),
    }
    assert!(err.to_string().contains("unsupported ONNX op `Sigmoix`"), "{err}");
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn wrong_input_shape_is_a_clear_error() {
    let (compiled, _) = risk_mlp();
    let short = InputData::parse(r#"{"input_data": [[1.0, 2.0, 3.0]]}"#, "short.json".as_ref()).unwrap();
    let err = short.to_tensors(&compiled.input_names(), &compiled.input_shapes()).unwrap_err().to_string();
    assert!(err.contains("short.json") && err.contains("3 values") && err.contains("[1, 8]"), "{err}");

    let two = InputData::parse(r#"{"input_data": [[1,2,3,4,5,6,7,8],[1]]}"#, "two.json".as_ref()).unwrap();
    let err = two.to_tensors(&compiled.input_names(), &compiled.input_shapes()).unwrap_err().to_string();
    assert!(err.contains("1 input(s)") && err.contains("gives 2"), "{err}");

    let text = InputData::parse(r#"{"input_data": [["a"]]}"#, "text.json".as_ref()).unwrap_err().to_string();
    assert!(text.contains("input_data[0][0]") && text.contains("not a number"), "{text}");

    // A batch-less shape with the right element count is taken as the model's own shape (as
    // EZKL writes them); a shape with another element count is an error naming file and input.
    let flat =
        InputData::parse(r#"{"input_data": [[1,2,3,4,5,6,7,8]], "input_shapes": [[8]]}"#, "f.json".as_ref())
            .unwrap();
    let (ok, _) =
        CompiledModel::compile(&repo().join("models/risk_mlp/network.onnx"), Some(&flat), Scales::default())
            .unwrap();
    assert_eq!(ok.input_shapes(), [[1, 8]]);
    let shapes = InputData::parse(
        r#"{"input_data": [[1,2,3,4,5,6,7,8]], "input_shapes": [[2, 8]]}"#,
        "s.json".as_ref(),
    )
    .unwrap();
    let err = CompiledModel::compile(
        &repo().join("models/risk_mlp/network.onnx"),
        Some(&shapes),
        Scales::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("s.json") && err.contains("[2, 8]") && err.contains("features"), "{err}");
}

#[test]
fn out_of_range_input_names_the_value() {
    let (compiled, _) = risk_mlp();
    let m = &compiled.model;
    let huge = FloatTensor { shape: vec![1, 8], data: vec![0.0, 0.0, 1e9, 0.0, 0.0, 0.0, 0.0, 0.0] };
    let err = quantize_inputs(m, &[huge]).unwrap_err().to_string();
    assert!(err.contains("features") && err.contains("[2]") && err.contains("1000000000"), "{err}");
    let ints = vec![vec![VALUE_MAX + 1, 0, 0, 0, 0, 0, 0, 0]];
    assert!(matches!(execute(m, &ints), Err(Error::OutOfRange { .. })));
}

#[test]
fn overflowing_activation_is_an_error_not_a_wrap() {
    let (compiled, _) = risk_mlp();
    let m = &compiled.model;
    let ints = vec![vec![VALUE_MAX; 8]];
    let err = execute(m, &ints).unwrap_err().to_string();
    assert!(err.contains("node `") && err.contains("does not fit"), "{err}");
}

#[test]
fn rescale_rounds_half_up() {
    assert_eq!(rescale(384, 8), 2); // 1.5 -> 2
    assert_eq!(rescale(383, 8), 1);
    assert_eq!(rescale(-384, 8), -1); // -1.5 -> -1 (half up)
    assert_eq!(rescale(-385, 8), -2);
    assert_eq!(rescale(7, 0), 7);
}

#[test]
fn conv_geometry_shapes_and_padding_taps() {
    let g = ConvGeometry {
        input: [1, 3, 5, 5],
        out_channels: 4,
        kernel: [3, 3],
        strides: [2, 2],
        pads: [1, 1, 1, 1],
        dilations: [1, 1],
        group: 1,
        spread: [1, 1],
    };
    assert_eq!(g.output(), Some([1, 4, 3, 3]));
    assert_eq!(g.weight_len(), 4 * 3 * 9);
    // The top-left output sees a 2x2 corner of each input channel (the rest is padding).
    assert_eq!(g.taps(0, 0, 0, 0).len(), 3 * 4);
    // The centre output sees the full 3x3 window.
    assert_eq!(g.taps(0, 0, 1, 1).len(), 3 * 9);
    // A kernel larger than the padded input has no output.
    let too_big = ConvGeometry { kernel: [9, 9], ..g.clone() };
    assert!(!too_big.is_consistent());
    // Groups split the channels.
    let grouped = ConvGeometry { input: [1, 4, 5, 5], out_channels: 4, group: 2, ..g };
    assert!(grouped.taps(0, 3, 1, 1).iter().all(|&(i, _)| i >= 2 * 25));
}

#[test]
fn lookup_ranges_come_from_the_samples_and_bind_the_model() {
    let dir = conformance("1l_sigmoid");
    let data = InputData::read(&dir.join("input.json")).unwrap();
    let onnx = dir.join("network.onnx");
    let (calibrated, _) = CompiledModel::compile(&onnx, Some(&data), Scales::default()).unwrap();
    let (uncalibrated, _) = CompiledModel::compile(&onnx, None, Scales::default()).unwrap();
    let range = |c: &CompiledModel| match c.model.nodes[0].op {
        QuantOp::Function { range, .. } => range,
        ref other => panic!("expected a function node, got {other:?}"),
    };
    assert_eq!(range(&uncalibrated), default_function_range(8));
    let [lo, hi] = range(&calibrated);
    let ints = calibrated.trace(&data).unwrap().values[calibrated.model.inputs[0]].clone();
    let (min, max) = (*ints.iter().min().unwrap(), *ints.iter().max().unwrap());
    assert!(lo < min && max < hi, "[{lo}, {hi}] must cover the samples [{min}, {max}] with a margin");
    assert_ne!(calibrated.model_id, uncalibrated.model_id, "the lookup range is part of the commitment");

    // An input far outside the calibrated range: a clear error naming node, value and range.
    let mut far = ints.clone();
    far[0] = hi + 1;
    let err = execute(&calibrated.model, &[far]).unwrap_err();
    assert!(matches!(err, Error::OutsideCalibratedRange { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("Sigmoid") && msg.contains(&(hi + 1).to_string()) && msg.contains("calibrated"),
        "{msg}"
    );
}

#[test]
fn undefined_function_inputs_are_errors() {
    let (mut compiled, _) =
        CompiledModel::compile(&conformance("log").join("network.onnx"), None, Scales::default()).unwrap();
    let n = compiled.model.values[compiled.model.inputs[0]].numel();
    let err = execute(&compiled.model, &[vec![-256; n]]).unwrap_err();
    assert!(err.to_string().contains("Log at -1"), "{err}");
    compiled.model.calibrate(&[vec![vec![256; n]]]).unwrap();
    assert!(execute(&compiled.model, &[vec![256; n]]).is_ok());
}

#[test]
fn shifts_and_scales_past_the_limit_are_refused() {
    let (compiled, _) = risk_mlp();
    let at = compiled.model.nodes.iter().position(|n| matches!(n.op, QuantOp::Linear { .. })).unwrap();
    let with_shift = |shift: u32| {
        let mut m = compiled.model.clone();
        if let QuantOp::Linear { shift: s, .. } = &mut m.nodes[at].op {
            *s = shift;
        }
        m
    };
    assert!(with_shift(MAX_SHIFT).validate().is_ok());
    for shift in [MAX_SHIFT + 1, 127, 128, 200, u32::MAX] {
        let err = with_shift(shift).validate().unwrap_err().to_string();
        let name = &compiled.model.nodes[at].name;
        assert!(err.contains(&format!("shift {shift}")) && err.contains(name.as_str()), "{err}");
    }
    let mut m = compiled.model.clone();
    m.values[0].scale = 64;
    let err = m.validate().unwrap_err().to_string();
    assert!(err.contains("scale 64") && err.contains(&m.values[0].name), "{err}");
    let mut m = compiled.model.clone();
    m.scales.param = 100;
    assert!(m.validate().unwrap_err().to_string().contains("param scale 100"));
}

#[test]
fn an_out_of_range_constant_is_an_executor_error() {
    let (compiled, data) = risk_mlp();
    let value = |v: i64| {
        let mut m = compiled.model.clone();
        let out = m.values.len();
        m.values.push(QuantValue { name: "c".into(), shape: vec![2], scale: 0 });
        m.nodes.push(QuantNode {
            name: "const".into(),
            op_type: "Constant".into(),
            op: QuantOp::Constant { values: vec![0, v] },
            inputs: vec![],
            output: out,
        });
        let inputs = quantize_inputs(&m, &compiled.input_tensors(&data).unwrap()).unwrap();
        execute(&m, &inputs)
    };
    assert!(value(VALUE_MAX).is_ok());
    let err = value(VALUE_MAX + 1).unwrap_err().to_string();
    assert!(err.contains("node `const`") && err.contains("output[1]"), "{err}");
}
