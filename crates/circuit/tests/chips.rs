//! Every chip: the honest witness satisfies the circuit, a tampered one does not.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use zkinfer_circuit::{binary, fe, max_or_min, reduce, relu, ConvLayer, LinearLayer, WeightMode};
use zkinfer_model::{in_range, rescale, BinaryKind, ReduceKind, VALUE_MAX, VALUE_MIN};

mod common;
use common::check;

#[test]
fn value_range_accepts_the_edges() {
    check(true, |ctx, chip| {
        for v in [VALUE_MIN, -1, 0, 1, VALUE_MAX] {
            let x = ctx.load_witness(fe(v));
            chip.check_value(ctx, x);
        }
    });
}

#[test]
fn value_range_rejects_just_outside() {
    for v in [VALUE_MAX + 1, VALUE_MIN - 1, i64::MAX / 2] {
        check(false, |ctx, chip| {
            let x = ctx.load_witness(fe(v));
            chip.check_value(ctx, x);
        });
    }
}

#[test]
fn rescale_honest_quotients_pass() {
    check(true, |ctx, chip| {
        for acc in [0i64, 1, 127, 128, 383, 384, -1, -128, -129, -384, -385, 1 << 36, -(1 << 36)] {
            let a = ctx.load_witness(fe(acc));
            let q = rescale(acc as i128, 8) as i64;
            chip.rescale(ctx, a, q, 8);
        }
    });
}

#[test]
fn rescale_wrong_quotient_fails() {
    for (acc, delta) in [(383i64, 1i64), (384, -1), (-385, 1), (1000, 4)] {
        check(false, |ctx, chip| {
            let a = ctx.load_witness(fe(acc));
            let q = rescale(acc as i128, 8) as i64 + delta;
            chip.rescale(ctx, a, q, 8);
        });
    }
}

#[test]
fn rescale_quotient_out_of_range_fails() {
    // The honest quotient of an accumulator this large does not fit the value range.
    check(false, |ctx, chip| {
        let acc = (VALUE_MAX + 1) << 8;
        let a = ctx.load_witness(fe(acc));
        chip.rescale(ctx, a, VALUE_MAX + 1, 8);
    });
}

#[test]
fn relu_honest_passes() {
    check(true, |ctx, chip| {
        for x in [VALUE_MIN, -5, 0, 5, VALUE_MAX] {
            let a = ctx.load_witness(fe(x));
            relu(ctx, chip, a, x.max(0));
        }
    });
}

#[test]
fn relu_tampered_fails() {
    // Passing a negative input through, zeroing a positive one, or any other value.
    for (x, y) in [(-5i64, -5i64), (5, 0), (5, 6), (-5, 1), (0, 1)] {
        check(false, |ctx, chip| {
            let a = ctx.load_witness(fe(x));
            relu(ctx, chip, a, y);
        });
    }
}

fn linear_case(tamper: i64) {
    let weight = [3i64, -2, 0, 1, 5, 7]; // 2 outputs x 3 inputs, one zero weight
    let bias = [100i64, -300];
    let x = [10i64, -20, 30, 1, 2, 3]; // two rows
    let mut y: Vec<i64> = x
        .chunks(3)
        .flat_map(|row| {
            (0..2).map(move |o| {
                let acc: i64 =
                    row.iter().zip(&weight[o * 3..o * 3 + 3]).map(|(a, w)| a * w).sum::<i64>() + bias[o];
                rescale(acc as i128, 4) as i64
            })
        })
        .collect();
    y[3] += tamper;
    check(tamper == 0, |ctx, chip| {
        let cells = ctx.assign_witnesses(x.iter().map(|&v| fe(v)));
        let layer = LinearLayer { in_features: 3, out_features: 2, weight: &weight, bias: &bias, shift: 4 };
        layer.assign(ctx, chip, &cells, WeightMode::Constant, &y);
    });
}

#[test]
fn linear_honest_passes() {
    linear_case(0);
}

#[test]
fn linear_wrong_output_fails() {
    linear_case(1);
    linear_case(-1);
}

#[test]
fn pack_matches_native_encoding() {
    let values: Vec<i64> = vec![VALUE_MIN, -1, 0, 1, VALUE_MAX, 42, -42, 7, 8];
    let expected = zkinfer_circuit::public_instances(&[0u8; 32], &values, &[]);
    check(true, |ctx, chip| {
        let cells = ctx.assign_witnesses(values.iter().map(|&v| fe(v)));
        let words = chip.pack(ctx, &cells);
        assert_eq!(words.len(), 2);
        let got: Vec<Fr> = words.iter().map(|w| *w.value()).collect();
        assert_eq!(got, expected[2..]);
    });
}

#[test]
fn pack_rejects_a_lane_that_overflows() {
    check(false, |ctx, chip| {
        let cells = ctx.assign_witnesses([fe(VALUE_MAX + 1), fe(0)]);
        chip.pack(ctx, &cells);
    });
}

fn conv_case(group: usize, tamper: i64) {
    let geometry = zkinfer_model::ConvGeometry {
        input: [1, 2, 3, 3],
        out_channels: 2,
        kernel: [2, 2],
        strides: [2, 1],
        pads: [1, 0, 0, 1],
        dilations: [1, 1],
        group,
        spread: [1, 1],
    };
    assert!(geometry.is_consistent());
    let weight: Vec<i64> = (0..geometry.weight_len() as i64).map(|i| (i * 7 % 11) - 5).collect();
    let bias = [40i64, -70];
    let x: Vec<i64> = (0..18).map(|i| (i * 13 % 17) - 8).collect();
    let mut y: Vec<i64> = geometry
        .outputs()
        .map(|(n, oc, oh, ow)| {
            let acc: i64 =
                geometry.taps(n, oc, oh, ow).iter().map(|&(i, w)| x[i] * weight[w]).sum::<i64>() + bias[oc];
            rescale(acc as i128, 3) as i64
        })
        .collect();
    y[1] += tamper;
    check(tamper == 0, |ctx, chip| {
        let cells = ctx.assign_witnesses(x.iter().map(|&v| fe(v)));
        let layer = ConvLayer { geometry: &geometry, weight: &weight, bias: &bias, shift: 3 };
        assert_eq!(layer.assign(ctx, chip, &cells, WeightMode::Constant, &y).len(), y.len());
    });
}

#[test]
fn conv_honest_passes() {
    conv_case(1, 0);
    conv_case(2, 0);
}

#[test]
fn conv_wrong_output_fails() {
    conv_case(1, 1);
    conv_case(2, -1);
}

#[test]
fn binary_honest_passes() {
    check(true, |ctx, chip| {
        for (a, b) in [(5i64, -7i64), (-300, 200), (VALUE_MAX - 10, 10), (VALUE_MIN + 3, -3)] {
            let (x, y) = (ctx.load_witness(fe(a)), ctx.load_witness(fe(b)));
            for op in [BinaryKind::Add, BinaryKind::Sub, BinaryKind::Mul] {
                let (sub_ok, add_ok) = (in_range(a - b), in_range(a + b));
                let q = rescale(a as i128 * b as i128, 8) as i64;
                let fits = match op {
                    BinaryKind::Add => add_ok,
                    BinaryKind::Sub => sub_ok,
                    BinaryKind::Mul | BinaryKind::MulWide => in_range(q),
                };
                if fits {
                    binary(ctx, chip, op, x, y, 8, q);
                }
            }
        }
    });
}

#[test]
fn binary_tampered_or_overflowing_fails() {
    // A wrong product quotient.
    check(false, |ctx, chip| {
        let (x, y) = (ctx.load_witness(fe(300)), ctx.load_witness(fe(-77)));
        binary(ctx, chip, BinaryKind::Mul, x, y, 8, rescale(300 * -77, 8) as i64 + 1);
    });
    // A sum that leaves the value range.
    check(false, |ctx, chip| {
        let (x, y) = (ctx.load_witness(fe(VALUE_MAX)), ctx.load_witness(fe(1)));
        binary(ctx, chip, BinaryKind::Add, x, y, 8, 0);
    });
}

#[test]
fn max_and_min_honest_pass() {
    check(true, |ctx, chip| {
        for (a, b) in [(3i64, 7i64), (-5, -9), (VALUE_MIN, VALUE_MAX), (4, 4)] {
            let (x, y) = (ctx.load_witness(fe(a)), ctx.load_witness(fe(b)));
            max_or_min(ctx, chip, true, x, y, a.max(b));
            max_or_min(ctx, chip, false, x, y, a.min(b));
        }
    });
}

#[test]
fn max_and_min_wrong_results_fail() {
    // The other operand, a value above both, a value between them.
    for (largest, hint) in [(true, 3i64), (true, 8), (true, 5), (false, 7), (false, 2), (false, 5)] {
        check(false, |ctx, chip| {
            let (x, y) = (ctx.load_witness(fe(3)), ctx.load_witness(fe(7)));
            max_or_min(ctx, chip, largest, x, y, hint);
        });
    }
}

#[test]
fn reduce_sum_and_max_over_groups() {
    let values = [5i64, -2, 9, 0];
    check(true, |ctx, chip| {
        let cells: Vec<_> = values.iter().map(|&v| ctx.load_witness(fe(v))).collect();
        let sum = reduce(ctx, chip, ReduceKind::Sum, &cells, &values);
        assert_eq!(*sum.value(), fe(12));
        let max = reduce(ctx, chip, ReduceKind::Max, &cells, &values);
        assert_eq!(*max.value(), fe(9));
    });
    // A tampered running value (the executor's hint) breaks the max chain.
    check(false, |ctx, chip| {
        let cells: Vec<_> = values.iter().map(|&v| ctx.load_witness(fe(v))).collect();
        reduce(ctx, chip, ReduceKind::Max, &cells, &[5, -2, 8, 0]);
    });
}
