//! Trains the demo model and writes it as ONNX: `models/risk_mlp/network.onnx` and a sample
//! `models/risk_mlp/input.json`.
//!
//! The model is a market-risk classifier: 8 features of an asset's recent market data in, 3
//! logits out (0 = calm, 1 = volatile, 2 = stressed). The data is synthetic and generated here
//! from a fixed seed, so the same command always writes the same file:
//!
//! ```text
//! cargo run --release -p zkinfer-model --example make_risk_mlp -- models/risk_mlp
//! ```
//!
//! Layers: MatMul+Add (8->16), Relu, Gemm (16->16), Relu, Gemm (16->3), so that both ways
//! PyTorch and Keras exporters write dense layers are exercised.

// Backpropagation over dense matrices reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use std::path::PathBuf;

use prost::Message;
use tract_onnx::pb;

mod onnx_writer;
use onnx_writer::{int_attr, model, node, tensor, value_info};

const FEATURES: [&str; 8] = [
    "return_1d",
    "return_7d",
    "volatility_7d",
    "volatility_30d",
    "drawdown_30d",
    "volume_zscore",
    "funding_rate",
    "bid_ask_spread",
];
const HIDDEN: usize = 16;
const CLASSES: usize = 3;
const SAMPLES: usize = 4000;
const EPOCHS: usize = 300;

/// splitmix64: tiny, fixed and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }
    fn normal(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// Class-conditional means of the standardized features: stressed markets fall, swing and widen.
const MEANS: [[f32; 8]; CLASSES] = [
    [0.2, 0.3, -0.8, -0.7, -0.6, -0.2, 0.1, -0.5],
    [0.0, -0.1, 0.7, 0.4, 0.1, 0.6, 0.3, 0.2],
    [-1.1, -1.2, 1.3, 1.1, 1.4, 1.0, -0.9, 1.2],
];

fn sample(rng: &mut Rng) -> ([f32; 8], usize) {
    let u = rng.uniform();
    let class = if u < 0.5 {
        0
    } else if u < 0.8 {
        1
    } else {
        2
    };
    let mut x = [0.0; 8];
    for (i, xi) in x.iter_mut().enumerate() {
        *xi = MEANS[class][i] + 0.75 * rng.normal();
    }
    (x, class)
}

struct Mlp {
    w1: Vec<f32>, // [8][16]  (MatMul layout: in x out)
    b1: Vec<f32>,
    w2: Vec<f32>, // [16][16] (Gemm transB layout: out x in)
    b2: Vec<f32>,
    w3: Vec<f32>, // [3][16]
    b3: Vec<f32>,
}

impl Mlp {
    fn new(rng: &mut Rng) -> Self {
        let mut init = |n: usize, fan_in: usize| {
            (0..n).map(|_| rng.normal() * (2.0 / fan_in as f32).sqrt()).collect::<Vec<_>>()
        };
        Self {
            w1: init(8 * HIDDEN, 8),
            b1: vec![0.0; HIDDEN],
            w2: init(HIDDEN * HIDDEN, HIDDEN),
            b2: vec![0.0; HIDDEN],
            w3: init(CLASSES * HIDDEN, HIDDEN),
            b3: vec![0.0; CLASSES],
        }
    }

    /// Returns (h1, h2, logits).
    fn forward(&self, x: &[f32; 8]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let h1: Vec<f32> = (0..HIDDEN)
            .map(|o| (self.b1[o] + (0..8).map(|i| x[i] * self.w1[i * HIDDEN + o]).sum::<f32>()).max(0.0))
            .collect();
        let h2: Vec<f32> = (0..HIDDEN)
            .map(|o| {
                (self.b2[o] + (0..HIDDEN).map(|i| h1[i] * self.w2[o * HIDDEN + i]).sum::<f32>()).max(0.0)
            })
            .collect();
        let logits = (0..CLASSES)
            .map(|o| self.b3[o] + (0..HIDDEN).map(|i| h2[i] * self.w3[o * HIDDEN + i]).sum::<f32>())
            .collect();
        (h1, h2, logits)
    }

    fn predict(&self, x: &[f32; 8]) -> usize {
        let (_, _, l) = self.forward(x);
        (0..CLASSES).max_by(|&a, &b| l[a].total_cmp(&l[b])).unwrap_or(0)
    }

    /// One SGD step on softmax cross-entropy.
    fn step(&mut self, x: &[f32; 8], class: usize, lr: f32) {
        let (h1, h2, logits) = self.forward(x);
        let max = logits.iter().copied().fold(f32::MIN, f32::max);
        let exp: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
        let sum: f32 = exp.iter().sum();
        let d3: Vec<f32> = (0..CLASSES).map(|o| exp[o] / sum - f32::from(o == class)).collect();
        let mut d2 = [0.0; HIDDEN];
        for o in 0..CLASSES {
            for i in 0..HIDDEN {
                d2[i] += d3[o] * self.w3[o * HIDDEN + i];
                self.w3[o * HIDDEN + i] -= lr * d3[o] * h2[i];
            }
            self.b3[o] -= lr * d3[o];
        }
        let d2: Vec<f32> = d2.iter().zip(&h2).map(|(d, h)| if *h > 0.0 { *d } else { 0.0 }).collect();
        let mut d1 = [0.0; HIDDEN];
        for o in 0..HIDDEN {
            for i in 0..HIDDEN {
                d1[i] += d2[o] * self.w2[o * HIDDEN + i];
                self.w2[o * HIDDEN + i] -= lr * d2[o] * h1[i];
            }
            self.b2[o] -= lr * d2[o];
        }
        let d1: Vec<f32> = d1.iter().zip(&h1).map(|(d, h)| if *h > 0.0 { *d } else { 0.0 }).collect();
        for i in 0..8 {
            for o in 0..HIDDEN {
                self.w1[i * HIDDEN + o] -= lr * d1[o] * x[i];
            }
        }
        for o in 0..HIDDEN {
            self.b1[o] -= lr * d1[o];
        }
    }
}

fn onnx(m: &Mlp) -> pb::ModelProto {
    let h = HIDDEN as i64;
    let c = CLASSES as i64;
    let graph = pb::GraphProto {
        name: "risk_mlp".into(),
        node: vec![
            node("dense1_matmul", "MatMul", &["features", "w1"], "z1", vec![]),
            node("dense1_bias", "Add", &["z1", "b1"], "a1", vec![]),
            node("relu1", "Relu", &["a1"], "h1", vec![]),
            node("dense2", "Gemm", &["h1", "w2", "b2"], "a2", vec![int_attr("transB", 1)]),
            node("relu2", "Relu", &["a2"], "h2", vec![]),
            node("head", "Gemm", &["h2", "w3", "b3"], "logits", vec![int_attr("transB", 1)]),
        ],
        initializer: vec![
            tensor("w1", &[8, h], &m.w1),
            tensor("b1", &[h], &m.b1),
            tensor("w2", &[h, h], &m.w2),
            tensor("b2", &[h], &m.b2),
            tensor("w3", &[c, h], &m.w3),
            tensor("b3", &[c], &m.b3),
        ],
        input: vec![value_info("features", &[1, 8])],
        output: vec![value_info("logits", &[1, c])],
        doc_string: format!("market-risk classifier; features: {}", FEATURES.join(", ")),
        ..Default::default()
    };
    model(graph, "zkinfer examples/make_risk_mlp.rs")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args().nth(1).unwrap_or_else(|| "models/risk_mlp".into()).into();
    let mut rng = Rng(0x5EED_2026);
    let data: Vec<([f32; 8], usize)> = (0..SAMPLES).map(|_| sample(&mut rng)).collect();
    let (train, test) = data.split_at(SAMPLES * 4 / 5);
    let mut model = Mlp::new(&mut rng);
    for epoch in 0..EPOCHS {
        let lr = 0.02 / (1.0 + epoch as f32 / 100.0);
        for (x, c) in train {
            model.step(x, *c, lr);
        }
    }
    let accuracy = |set: &[([f32; 8], usize)]| {
        set.iter().filter(|(x, c)| model.predict(x) == *c).count() as f32 / set.len() as f32
    };
    println!("train accuracy {:.3}, test accuracy {:.3}", accuracy(train), accuracy(test));

    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("network.onnx"), onnx(&model).encode_to_vec())?;
    // A calm-looking market as the sample input: the demo's consumer starts at the stressed
    // collateral factor, so a calm verdict visibly changes its state.
    let sample_input = [0.35f32, 0.4, -0.9, -0.75, -0.7, -0.3, 0.15, -0.55];
    // Written through f64 so the file shows the literals, not their f32 rounding noise.
    let literals: Vec<f64> = sample_input.iter().map(|&x| format!("{x}").parse().unwrap_or(0.0)).collect();
    let input = serde_json::json!({ "input_data": [literals], "input_shapes": [[1, 8]] });
    std::fs::write(out.join("input.json"), serde_json::to_string_pretty(&input)? + "\n")?;
    println!(
        "wrote {}/network.onnx and input.json (predicted class {})",
        out.display(),
        model.predict(&sample_input)
    );
    Ok(())
}
