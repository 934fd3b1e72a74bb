//! `compiled.json`: parsing, the format tag, validation of the whole IR and the model id check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkinfer_model::CompiledModel;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = zkinfer_fuzz::text(data) {
        if let Ok(compiled) = CompiledModel::parse(text, zkinfer_fuzz::source()) {
            let _ = (compiled.input_names(), compiled.input_shapes());
        }
    }
});
