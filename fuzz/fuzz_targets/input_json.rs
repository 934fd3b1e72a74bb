//! `input.json`: parsing, then the check against the demo model's input names and shapes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_model::InputData;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = zkinfer_fuzz::text(data) {
        if let Ok(input) = InputData::parse(text, zkinfer_fuzz::source()) {
            let model = zkinfer_fuzz::risk_mlp();
            if let Ok(tensors) = model.input_tensors(&input) {
                let _ = zkinfer_model::quantize_inputs(&model.model, &tensors);
            }
        }
    }
});
