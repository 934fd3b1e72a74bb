//! Comparison, logic, Where, arg-max, top-k, gather, scatter and integer division chips: the honest witness
//! satisfies the circuit; a tampered result cell, a non-boolean flag or an index out of range does not.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use halo2_base::{AssignedValue, Context};
use zkinfer_circuit::{
    arg_extreme, compare, fe, gather, indicator, int_div, logic, scatter, select_where, top_k, FixedPointChip,
};
use zkinfer_model::{
    arg_extreme as arg_extreme_of, sorted_extremes, CompareKind, LogicKind, VALUE_MAX, VALUE_MIN,
};

mod common;
use common::check;

/// Overwrites the witness of an assigned cell, as a cheating prover would.
fn tamper(ctx: &mut Context<Fr>, cell: AssignedValue<Fr>, value: i64) {
    ctx.advice[cell.cell.unwrap().offset] = halo2_base::halo2_proofs::plonk::Assigned::Trivial(fe(value));
}

fn assert_value(ctx: &mut Context<Fr>, chip: &FixedPointChip, cell: AssignedValue<Fr>, value: i64) {
    use halo2_base::gates::{GateInstructions, RangeInstructions};
    chip.range().gate().assert_is_const(ctx, &cell, &fe(value));
}

const KINDS: [CompareKind; 6] = [
    CompareKind::Less,
    CompareKind::LessOrEqual,
    CompareKind::Greater,
    CompareKind::GreaterOrEqual,
    CompareKind::Equal,
    CompareKind::NotEqual,
];

const PAIRS: [(i64, i64); 6] =
    [(3, 5), (5, 3), (4, 4), (-7, 2), (VALUE_MIN, VALUE_MAX), (VALUE_MAX, VALUE_MAX)];

#[test]
fn comparisons_are_exact_at_the_range_edges() {
    check(true, |ctx, chip| {
        for kind in KINDS {
            for (a, b) in PAIRS {
                let (x, y) = (ctx.load_witness(fe(a)), ctx.load_witness(fe(b)));
                let out = compare(ctx, chip, kind, x, y);
                assert_value(ctx, chip, out, kind.holds(a, b) as i64);
            }
        }
    });
}

#[test]
fn a_flipped_comparison_result_fails() {
    for kind in KINDS {
        for (a, b) in [(3, 5), (4, 4)] {
            check(false, |ctx, chip| {
                let (x, y) = (ctx.load_witness(fe(a)), ctx.load_witness(fe(b)));
                let out = compare(ctx, chip, kind, x, y);
                tamper(ctx, out, 1 - kind.holds(a, b) as i64);
            });
        }
    }
}

#[test]
fn a_comparison_of_out_of_range_values_fails() {
    check(false, |ctx, chip| {
        let (x, y) = (ctx.load_witness(fe(VALUE_MAX + 1)), ctx.load_witness(fe(0)));
        compare(ctx, chip, CompareKind::Less, x, y);
    });
}

#[test]
fn logic_truth_tables_hold() {
    check(true, |ctx, chip| {
        for kind in [LogicKind::Not, LogicKind::And, LogicKind::Or, LogicKind::Xor] {
            for (a, b) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let (x, y) = (ctx.load_witness(fe(a)), ctx.load_witness(fe(b)));
                let out = logic(ctx, chip, kind, x, Some(y));
                assert_value(ctx, chip, out, kind.apply(a, b).unwrap());
            }
        }
    });
}

#[test]
fn logic_on_a_non_boolean_or_a_flipped_result_fails() {
    for kind in [LogicKind::Not, LogicKind::And, LogicKind::Or, LogicKind::Xor] {
        check(false, |ctx, chip| {
            let (x, y) = (ctx.load_witness(fe(2)), ctx.load_witness(fe(1)));
            logic(ctx, chip, kind, x, Some(y));
        });
        check(false, |ctx, chip| {
            let (x, y) = (ctx.load_witness(fe(1)), ctx.load_witness(fe(0)));
            let out = logic(ctx, chip, kind, x, Some(y));
            tamper(ctx, out, 1 - kind.apply(1, 0).unwrap());
        });
    }
}

#[test]
fn where_selects_and_refuses_a_non_boolean_condition() {
    check(true, |ctx, chip| {
        for c in [0, 1] {
            let (cond, a, b) =
                (ctx.load_witness(fe(c)), ctx.load_witness(fe(-300)), ctx.load_witness(fe(700)));
            let out = select_where(ctx, chip, cond, a, b);
            assert_value(ctx, chip, out, if c == 1 { -300 } else { 700 });
        }
    });
    check(false, |ctx, chip| {
        let (cond, a, b) = (ctx.load_witness(fe(2)), ctx.load_witness(fe(-300)), ctx.load_witness(fe(700)));
        select_where(ctx, chip, cond, a, b);
    });
    check(false, |ctx, chip| {
        let (cond, a, b) = (ctx.load_witness(fe(1)), ctx.load_witness(fe(-300)), ctx.load_witness(fe(700)));
        let out = select_where(ctx, chip, cond, a, b);
        tamper(ctx, out, 700);
    });
}

const VALUES: [i64; 6] = [4, -9, 11, 2, 11, -9];

#[test]
fn arg_extreme_picks_first_or_last_on_ties() {
    check(true, |ctx, chip| {
        let xs = ctx.assign_witnesses(VALUES.map(fe));
        for largest in [true, false] {
            for last in [false, true] {
                let out = arg_extreme(ctx, chip, &xs, &VALUES, largest, last);
                assert_value(ctx, chip, out, arg_extreme_of(&VALUES, largest, last) as i64);
            }
        }
    });
}

#[test]
fn arg_extreme_with_another_tied_position_fails() {
    // Position 4 holds the maximum too, but ArgMax must answer the first, 2.
    check(false, |ctx, chip| {
        let xs = ctx.assign_witnesses(VALUES.map(fe));
        let out = arg_extreme(ctx, chip, &xs, &VALUES, true, false);
        tamper(ctx, out, 4);
    });
}

#[test]
fn top_k_sorts_and_a_swapped_or_wrong_value_fails() {
    check(true, |ctx, chip| {
        let xs = ctx.assign_witnesses(VALUES.map(fe));
        for largest in [true, false] {
            let out = top_k(ctx, chip, &xs, &VALUES, 4, largest);
            for (cell, want) in out.into_iter().zip(sorted_extremes(&VALUES, largest)) {
                assert_value(ctx, chip, cell, want);
            }
        }
    });
    check(false, |ctx, chip| {
        let xs = ctx.assign_witnesses(VALUES.map(fe));
        let out = top_k(ctx, chip, &xs, &VALUES, 3, true);
        tamper(ctx, out[1], 10);
    });
}

#[test]
fn gather_selects_and_an_index_out_of_range_fails() {
    check(true, |ctx, chip| {
        let table = ctx.assign_witnesses(VALUES.map(fe));
        for (i, want) in VALUES.into_iter().enumerate() {
            let index = ctx.load_witness(fe(i as i64));
            let ind = indicator(ctx, chip, index, VALUES.len());
            let out = gather(ctx, chip, &table, &ind);
            assert_value(ctx, chip, out, want);
        }
    });
    for bad in [VALUES.len() as i64, -1] {
        check(false, |ctx, chip| {
            let table = ctx.assign_witnesses(VALUES.map(fe));
            let index = ctx.load_witness(fe(bad));
            let ind = indicator(ctx, chip, index, VALUES.len());
            gather(ctx, chip, &table, &ind);
        });
    }
    check(false, |ctx, chip| {
        let table = ctx.assign_witnesses(VALUES.map(fe));
        let index = ctx.load_witness(fe(2));
        let ind = indicator(ctx, chip, index, VALUES.len());
        let out = gather(ctx, chip, &table, &ind);
        tamper(ctx, out, VALUES[3]);
    });
}

#[test]
fn integer_division_truncates_toward_zero() {
    check(true, |ctx, chip| {
        for d in [1, 3, 8, 512] {
            for v in [-1025, -9, -8, -7, -1, 0, 1, 7, 8, 9, 1023, 1024, VALUE_MAX, VALUE_MIN] {
                let x = ctx.load_witness(fe(v));
                let q = int_div(ctx, chip, x, v, d);
                assert_value(ctx, chip, q, v / d);
            }
        }
    });
}

#[test]
fn integer_division_with_a_wrong_quotient_fails() {
    for (v, d, wrong) in [(9i64, 3i64, 2i64), (-7, 2, -4), (1023, 512, 2), (5, 8, 1)] {
        check(false, |ctx, chip| {
            let x = ctx.load_witness(fe(v));
            let q = int_div(ctx, chip, x, v, d);
            tamper(ctx, q, wrong);
        });
    }
    // A wrong hint for the floor quotient leaves a remainder outside [0, d).
    check(false, |ctx, chip| {
        let x = ctx.load_witness(fe(10));
        int_div(ctx, chip, x, 13, 3);
    });
}

/// Scatters `pairs` (index, update) into position 1 of a row of length [`AXIS`] holding `9`
/// there; returns the output cell and the cells of every indicator.
fn scatter_into_one(
    ctx: &mut Context<Fr>,
    chip: &FixedPointChip,
    pairs: &[(i64, i64)],
) -> (AssignedValue<Fr>, Vec<Vec<AssignedValue<Fr>>>) {
    let data = ctx.load_witness(fe(9));
    let mut indicators = Vec::new();
    let mut updates = Vec::new();
    for &(i, u) in pairs {
        let index = ctx.load_witness(fe(i));
        indicators.push(indicator(ctx, chip, index, AXIS));
        updates.push(ctx.load_witness(fe(u)));
    }
    let cells: Vec<_> = indicators.iter().map(Vec::as_slice).zip(updates).collect();
    (scatter(ctx, chip, data, &cells, 1), indicators)
}

/// Length of the scatter axis in the scatter tests.
const AXIS: usize = 3;

#[test]
fn scatter_writes_the_last_matching_update_only() {
    // Position 1 of a row: updates aimed at 1 (twice: the later wins) and at 0 and 2.
    let cases = [(vec![(1, 50), (0, 60), (1, 70)], 70), (vec![(0, 60), (2, 80)], 9), (vec![], 9)];
    check(true, |ctx, chip| {
        for (pairs, want) in &cases {
            let (out, _) = scatter_into_one(ctx, chip, pairs);
            assert_value(ctx, chip, out, *want);
        }
    });
    for wrong in [9, 50] {
        check(false, |ctx, chip| {
            let (out, _) = scatter_into_one(ctx, chip, &[(1, 50), (0, 60), (1, 70)]);
            tamper(ctx, out, wrong);
        });
    }
}

#[test]
fn scatter_with_an_index_outside_the_axis_fails_for_every_witness() {
    // The executor refuses these indices; the circuit must not prove "no write" (output = data)
    // nor ONNX's negative-index write (output = update), whatever the prover puts in the cells.
    for bad in [-1, -2, AXIS as i64, AXIS as i64 + 5, 1 << 20] {
        // The honest assignment: every indicator bit 0, output = data.
        check(false, |ctx, chip| {
            let (out, _) = scatter_into_one(ctx, chip, &[(bad, 50)]);
            assert_value(ctx, chip, out, 9);
        });
        // The output claimed to be the update (the wrapped write).
        check(false, |ctx, chip| {
            let (out, _) = scatter_into_one(ctx, chip, &[(bad, 50)]);
            tamper(ctx, out, 50);
        });
        // One indicator bit set by hand (so that the bits sum to 1), for each slot of the axis,
        // with the output left or set to match.
        for slot in 0..AXIS {
            for out_value in [None, Some(50)] {
                check(false, |ctx, chip| {
                    let (out, indicators) = scatter_into_one(ctx, chip, &[(bad, 50)]);
                    tamper(ctx, indicators[0][slot], 1);
                    if let Some(v) = out_value {
                        tamper(ctx, out, v);
                    }
                });
            }
        }
        // Beside in-range pairs that write honestly.
        check(false, |ctx, chip| {
            scatter_into_one(ctx, chip, &[(1, 50), (bad, 60), (0, 70)]);
        });
    }
    // The same shapes with in-range indices are satisfied (the negative cases can fail only on
    // the index): the edges of the axis.
    check(true, |ctx, chip| {
        for (i, want) in [(0, 9), (1, 50), (AXIS as i64 - 1, 9)] {
            let (out, _) = scatter_into_one(ctx, chip, &[(i, 50)]);
            assert_value(ctx, chip, out, want);
        }
    });
}
