//! ONNX import and lowering to the fixed-point IR: any bytes give a graph or an error, never a
//! panic, a hang or an unbounded allocation (libFuzzer's -rss_limit_mb / -malloc_limit_mb).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_model::{load_onnx_bytes, QuantizedModel, Scales};

fuzz_target!(|data: &[u8]| {
    if let Ok(graph) = load_onnx_bytes(data, zkinfer_fuzz::source(), None) {
        if let Ok(model) = QuantizedModel::from_graph(&graph, Scales::default()) {
            let _ = model.validate();
        }
    }
});
