//! Writes a 784-128-10 MLP (the classic MNIST shape: Gemm, Relu, Gemm) with fixed pseudo-random
//! weights, and a sample input, for measuring verifiers on a model of that size:
//!
//! ```text
//! cargo run --release -p zkinfer-model --example make_mnist_mlp -- target/models/mnist_mlp
//! ```
//!
//! The weights are He-initialised from a fixed seed (not trained: the verifier's cost does not
//! depend on what the weights are), so the same command always writes the same files.

use std::path::PathBuf;

use prost::Message;
use tract_onnx::pb;

mod onnx_writer;
use onnx_writer::{int_attr, model, node, tensor, value_info};

const INPUTS: usize = 784;
const HIDDEN: usize = 128;
const CLASSES: usize = 10;

/// splitmix64 mapped to [-1, 1).
fn uniform(state: &mut u64) -> f32 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

fn weights(state: &mut u64, rows: usize, cols: usize) -> Vec<f32> {
    // Uniform with the variance of He initialisation: 2 / fan_in.
    let scale = (6.0 / cols as f32).sqrt();
    (0..rows * cols).map(|_| uniform(state) * scale).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args().nth(1).unwrap_or_else(|| "target/models/mnist_mlp".into()).into();
    let mut state = 0x00AB_2026u64;
    let (h, c) = (HIDDEN as i64, CLASSES as i64);
    let w1 = weights(&mut state, HIDDEN, INPUTS);
    let w2 = weights(&mut state, CLASSES, HIDDEN);
    let graph = pb::GraphProto {
        name: "mnist_mlp".into(),
        node: vec![
            node("dense1", "Gemm", &["image", "w1", "b1"], "a1", vec![int_attr("transB", 1)]),
            node("relu1", "Relu", &["a1"], "h1", vec![]),
            node("head", "Gemm", &["h1", "w2", "b2"], "logits", vec![int_attr("transB", 1)]),
        ],
        initializer: vec![
            tensor("w1", &[h, INPUTS as i64], &w1),
            tensor("b1", &[h], &[0.01; HIDDEN]),
            tensor("w2", &[c, h], &w2),
            tensor("b2", &[c], &[0.0; CLASSES]),
        ],
        input: vec![value_info("image", &[1, INPUTS as i64])],
        output: vec![value_info("logits", &[1, c])],
        doc_string: "784-128-10 MLP, He-initialised from a fixed seed".into(),
        ..Default::default()
    };
    std::fs::create_dir_all(&out)?;
    std::fs::write(
        out.join("network.onnx"),
        model(graph, "zkinfer examples/make_mnist_mlp.rs").encode_to_vec(),
    )?;
    // A blurred diagonal stroke on a 28x28 canvas, pixel values in [0, 1].
    let image: Vec<f64> = (0..INPUTS)
        .map(|i| {
            let (r, col) = ((i / 28) as f64, (i % 28) as f64);
            let d = (r - col).abs();
            ((1.0 - d / 3.0).max(0.0) * 100.0).round() / 100.0
        })
        .collect();
    let input = serde_json::json!({ "input_data": [image], "input_shapes": [[1, INPUTS]] });
    std::fs::write(out.join("input.json"), serde_json::to_string(&input)? + "\n")?;
    println!("wrote {}/network.onnx and input.json", out.display());
    Ok(())
}
