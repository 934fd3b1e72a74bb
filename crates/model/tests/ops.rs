//! Small ONNX graphs built here, op by op: integer semantics, broadcasting and the errors a
//! computed value can raise.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use prost::Message;
use tract_onnx::pb;
use tract_onnx::pb::tensor_proto::DataType;
use zkinfer_model::{CompiledModel, Error, InputData, Scales};

/// A graph input or output: name, ONNX element type, shape.
type Io<'a> = (&'a str, DataType, &'a [i64]);

fn value(name: &str, ty: DataType, dims: &[i64]) -> pb::ValueInfoProto {
    let dim = dims
        .iter()
        .map(|&d| pb::tensor_shape_proto::Dimension {
            value: Some(pb::tensor_shape_proto::dimension::Value::DimValue(d)),
            ..Default::default()
        })
        .collect();
    let tensor = pb::type_proto::Tensor { elem_type: ty as i32, shape: Some(pb::TensorShapeProto { dim }) };
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(tensor)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn floats(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    pb::TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: DataType::Float as i32,
        float_data: data.to_vec(),
        ..Default::default()
    }
}

fn int64s(name: &str, dims: &[i64], data: &[i64]) -> pb::TensorProto {
    pb::TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: DataType::Int64 as i32,
        int64_data: data.to_vec(),
        ..Default::default()
    }
}

fn node(op: &str, inputs: &[&str], output: &str, attribute: Vec<pb::AttributeProto>) -> pb::NodeProto {
    pb::NodeProto {
        name: format!("{op}_{output}"),
        op_type: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        attribute,
        ..Default::default()
    }
}

fn int_attr(name: &str, i: i64) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        i,
        r#type: pb::attribute_proto::AttributeType::Int as i32,
        ..Default::default()
    }
}

/// Writes the graph as `<dir>/<name>.onnx` and returns its path.
fn write(
    dir: &Path,
    name: &str,
    nodes: Vec<pb::NodeProto>,
    constants: Vec<pb::TensorProto>,
    inputs: &[Io<'_>],
    outputs: &[Io<'_>],
) -> PathBuf {
    let graph = pb::GraphProto {
        name: name.into(),
        node: nodes,
        initializer: constants,
        input: inputs.iter().map(|&(n, t, d)| value(n, t, d)).collect(),
        output: outputs.iter().map(|&(n, t, d)| value(n, t, d)).collect(),
        ..Default::default()
    };
    let model = pb::ModelProto {
        ir_version: 8,
        opset_import: vec![pb::OperatorSetIdProto { domain: String::new(), version: 13 }],
        graph: Some(graph),
        ..Default::default()
    };
    let path = dir.join(format!("{name}.onnx"));
    std::fs::write(&path, model.encode_to_vec()).unwrap();
    path
}

fn data(values: &str) -> InputData {
    InputData::parse(&format!("{{\"input_data\": {values}}}"), Path::new("test.json")).unwrap()
}

/// Compiles at the default scales with `input` and runs the integer executor on it.
fn run(path: &Path, input: &InputData) -> zkinfer_model::Result<(CompiledModel, Vec<i64>)> {
    let (compiled, _) = CompiledModel::compile(path, Some(input), Scales::default())?;
    let trace = compiled.trace(input)?;
    let outputs = trace.outputs(&compiled.model);
    Ok((compiled, outputs))
}

#[test]
fn a_constant_operand_larger_than_the_activation_broadcasts_it() {
    let dir = tempfile::tempdir().unwrap();
    let c: Vec<f32> = (0..4).map(|i| i as f32 * 0.5).collect();
    let path = write(
        dir.path(),
        "mul_broadcast",
        vec![node("Mul", &["x", "c"], "y", vec![])],
        vec![floats("c", &[1, 4], &c)],
        &[("x", DataType::Float, &[1, 1])],
        &[("y", DataType::Float, &[1, 4])],
    );
    let (compiled, y) = run(&path, &data("[[3.0]]")).unwrap();
    assert_eq!(compiled.model.values[compiled.model.outputs[0]].shape, vec![1, 4]);
    assert_eq!(y, vec![0, 384, 768, 1152]); // 3 * [0, 0.5, 1, 1.5] at 2^8
}

#[test]
fn integer_division_is_exact_and_truncates_toward_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "int_div",
        vec![node("Div", &["x", "d"], "y", vec![])],
        vec![int64s("d", &[], &[3])],
        &[("x", DataType::Int64, &[1, 6])],
        &[("y", DataType::Int64, &[1, 6])],
    );
    let (compiled, y) = run(&path, &data("[[9, 10, -7, 0, 1023, -9]]")).unwrap();
    // Integer inputs are exact integers at scale 2^0.
    assert_eq!(compiled.model.input_scale(), 0);
    assert_eq!(y, vec![3, 3, -2, 0, 341, -3]);
}

#[test]
fn comparison_and_logic_give_exact_flags_and_reject_non_booleans() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "less_and",
        vec![node("Less", &["a", "b"], "lt", vec![]), node("And", &["lt", "flag"], "y", vec![])],
        vec![],
        &[
            ("a", DataType::Float, &[1, 3]),
            ("b", DataType::Float, &[1, 3]),
            ("flag", DataType::Bool, &[1, 3]),
        ],
        &[("y", DataType::Bool, &[1, 3])],
    );
    let (_, y) = run(&path, &data("[[0.5, 2.0, -1.0], [1.0, 1.0, -2.0], [true, true, false]]")).unwrap();
    assert_eq!(y, vec![1, 0, 0]);
    // A "boolean" input of 2 is refused with the node named, not taken as true.
    let err = run(&path, &data("[[0.5, 2.0, -1.0], [1.0, 1.0, -2.0], [2, 1, 0]]")).unwrap_err();
    assert!(matches!(&err, Error::InvalidValue { place, .. } if place.contains("And")), "{err}");
}

#[test]
fn a_computed_index_outside_the_axis_is_an_error_naming_the_node() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "gather_dynamic",
        vec![node("Gather", &["table", "i"], "y", vec![int_attr("axis", 0)])],
        vec![floats("table", &[4], &[0.5, 1.5, 2.5, 3.5])],
        &[("i", DataType::Int64, &[2])],
        &[("y", DataType::Float, &[2])],
    );
    let (_, y) = run(&path, &data("[[3, 0]]")).unwrap();
    assert_eq!(y, vec![896, 128]); // 3.5 and 0.5 at 2^8
    let err = run(&path, &data("[[4, 0]]")).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidValue { place, reason } if place.contains("Gather") && reason.contains("index 4")),
        "{err}"
    );
}

#[test]
fn gather_nd_picks_rows_by_computed_index_pairs() {
    let dir = tempfile::tempdir().unwrap();
    // data [2, 3, 2]: value = 10 i + 2 j + k + 0.5 (reals, scale 2^8); indices [2, 2] pick (i, j) rows.
    let table: Vec<f32> = (0..12).map(|n| (10 * (n / 6) + 2 * ((n / 2) % 3) + n % 2) as f32 + 0.5).collect();
    let path = write(
        dir.path(),
        "gather_nd",
        vec![node("GatherND", &["table", "idx"], "y", vec![])],
        vec![floats("table", &[2, 3, 2], &table)],
        &[("idx", DataType::Int64, &[2, 2])],
        &[("y", DataType::Float, &[2, 2])],
    );
    let (compiled, y) = run(&path, &data("[[1, 2, 0, 1]]")).unwrap();
    assert_eq!(compiled.model.values[compiled.model.outputs[0]].shape, vec![2, 2]);
    let at = |v: i64| v * 256 + 128;
    assert_eq!(y, vec![at(14), at(15), at(2), at(3)]);
    // The second coordinate (axis length 3) out of range: refused, the node named.
    let err = run(&path, &data("[[1, 3, 0, 1]]")).unwrap_err();
    assert!(matches!(&err, Error::InvalidValue { place, .. } if place.contains("GatherND")), "{err}");
}

#[test]
fn scatter_nd_writes_updates_at_computed_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "scatter_nd",
        vec![node("ScatterND", &["base", "idx", "upd"], "y", vec![])],
        vec![floats("base", &[5], &[0.0; 5])],
        &[("idx", DataType::Int64, &[2, 1]), ("upd", DataType::Float, &[2])],
        &[("y", DataType::Float, &[5])],
    );
    let (_, y) = run(&path, &data("[[3, 0], [1.5, -2.0]]")).unwrap();
    assert_eq!(y, vec![-512, 0, 0, 384, 0]);
    let err = run(&path, &data("[[5, 0], [1.5, -2.0]]")).unwrap_err();
    assert!(matches!(&err, Error::InvalidValue { place, .. } if place.contains("ScatterND")), "{err}");
}

/// Malformed constant subgraphs (what the fuzzer found): a node with fewer operands than its op
/// takes, or a broadcast of two small constants to more elements than memory holds, is an error
/// naming the node, not a panic or an allocation.
#[test]
fn malformed_constant_folds_are_errors_naming_the_node() {
    let dir = tempfile::tempdir().unwrap();
    let one = floats("one", &[1, 1], &[1.0]);
    for (op, operands) in [("Where", &["one", "one"][..]), ("Less", &["one"][..]), ("Sigmoid", &[][..])] {
        let path = write(
            dir.path(),
            &format!("short_{op}"),
            vec![node(op, operands, "w", vec![]), node("Mul", &["x", "w"], "y", vec![])],
            vec![one.clone()],
            &[("x", DataType::Float, &[1, 1])],
            &[("y", DataType::Float, &[1, 1])],
        );
        let err = run(&path, &data("[[1.0]]")).unwrap_err();
        assert!(err.to_string().contains(op) && err.to_string().contains("inputs"), "{op}: {err}");
    }
    let n = 1 << 15;
    let path = write(
        dir.path(),
        "huge_broadcast",
        vec![node("Add", &["row", "column"], "big", vec![]), node("Mul", &["x", "big"], "y", vec![])],
        vec![
            floats("row", &[1, n], &vec![1.0; n as usize]),
            floats("column", &[n, 1], &vec![1.0; n as usize]),
        ],
        &[("x", DataType::Float, &[1, 1])],
        &[("y", DataType::Float, &[n, n])],
    );
    let err = run(&path, &data("[[1.0]]")).unwrap_err();
    assert!(err.to_string().contains("exceeds") && err.to_string().contains("Add"), "{err}");
}
