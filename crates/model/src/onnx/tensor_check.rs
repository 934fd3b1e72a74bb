//! Checks of an ONNX initializer before tract converts it: tract unwraps unknown data types,
//! trusts `dims` against the data it is given and reads external data from any path the file
//! names. A user's file gets an error naming the tensor instead.

use std::path::Component;

use tract_onnx::pb::tensor_proto::{DataLocation, DataType};
use tract_onnx::pb::TensorProto;

/// Largest initializer accepted, in elements (2^28: 1 GiB of f32).
pub(super) const MAX_TENSOR_ELEMENTS: usize = 1 << 28;

/// Why `proto` cannot be loaded, or `None` when its encoding is consistent.
pub(super) fn tensor_problem(proto: &TensorProto) -> Option<String> {
    let Some(ty) = DataType::from_i32(proto.data_type).filter(|t| *t != DataType::Undefined) else {
        return Some(format!("unknown data type {}", proto.data_type));
    };
    if proto.dims.iter().any(|&d| d < 0) {
        return Some(format!("negative dimension in {:?}", proto.dims));
    }
    let mut elements: usize = 1;
    for &d in &proto.dims {
        let d = usize::try_from(d).unwrap_or(usize::MAX);
        elements = match elements.checked_mul(d) {
            Some(n) if n <= MAX_TENSOR_ELEMENTS => n,
            _ => return Some(format!("dims {:?} exceed {MAX_TENSOR_ELEMENTS} elements", proto.dims)),
        };
    }
    if proto.data_location == Some(DataLocation::External as i32) {
        return external_problem(proto);
    }
    if !proto.raw_data.is_empty() {
        let Some(size) = element_size(ty) else {
            return Some(format!("raw data of type {ty:?} is not supported"));
        };
        if proto.raw_data.len() != elements * size {
            return Some(format!(
                "{} bytes of raw data for dims {:?} of {size}-byte elements",
                proto.raw_data.len(),
                proto.dims
            ));
        }
        return None;
    }
    let typed = proto.float_data.len()
        + proto.int32_data.len()
        + proto.int64_data.len()
        + proto.double_data.len()
        + proto.uint64_data.len()
        + proto.string_data.len();
    (typed != elements).then(|| format!("{typed} values for dims {:?} ({elements} elements)", proto.dims))
}

/// External data must sit in the model's folder or below it: a relative path without `..`.
fn external_problem(proto: &TensorProto) -> Option<String> {
    let location = proto.external_data.iter().find(|e| e.key == "location").map(|e| e.value.as_str());
    match location {
        None => Some("external data without a location".into()),
        Some(l) if std::path::Path::new(l).components().all(|c| matches!(c, Component::Normal(_))) => None,
        Some(l) => Some(format!("external data location `{l}` leaves the model's folder")),
    }
}

fn element_size(ty: DataType) -> Option<usize> {
    Some(match ty {
        DataType::Uint8 | DataType::Int8 | DataType::Bool => 1,
        DataType::Uint16 | DataType::Int16 | DataType::Float16 | DataType::Bfloat16 => 2,
        DataType::Float | DataType::Int32 | DataType::Uint32 => 4,
        DataType::Int64 | DataType::Uint64 | DataType::Double => 8,
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn floats(dims: Vec<i64>, n: usize) -> TensorProto {
        TensorProto {
            dims,
            data_type: DataType::Float as i32,
            float_data: vec![0.0; n],
            ..Default::default()
        }
    }

    #[test]
    fn consistent_tensors_pass_and_inconsistent_ones_are_named() {
        assert_eq!(tensor_problem(&floats(vec![2, 3], 6)), None);
        assert_eq!(tensor_problem(&floats(vec![], 1)), None);
        // The fuzzer's first find: an unknown data type made tract unwrap a None.
        let unknown = TensorProto { data_type: 99, ..floats(vec![1], 1) };
        assert_eq!(tensor_problem(&unknown).unwrap(), "unknown data type 99");
        assert!(tensor_problem(&floats(vec![2, 3], 5)).unwrap().contains("5 values"));
        assert!(tensor_problem(&floats(vec![1 << 20, 1 << 20], 0)).unwrap().contains("exceed"));
        assert!(tensor_problem(&floats(vec![-1], 0)).is_some());
        let raw = TensorProto { raw_data: vec![0; 7], ..floats(vec![2], 0) };
        assert!(tensor_problem(&raw).unwrap().contains("7 bytes"));
    }

    #[test]
    fn external_data_stays_in_the_model_folder() {
        let external = |location: &str| TensorProto {
            data_location: Some(DataLocation::External as i32),
            external_data: vec![tract_onnx::pb::StringStringEntryProto {
                key: "location".into(),
                value: location.into(),
            }],
            ..floats(vec![1], 0)
        };
        assert_eq!(tensor_problem(&external("weights.bin")), None);
        assert!(tensor_problem(&external("../secret")).is_some());
        assert!(tensor_problem(&external("/etc/passwd")).is_some());
    }
}
