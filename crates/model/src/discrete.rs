//! Integer semantics of the selection ops (arg-max, top-k), shared by the executor and the
//! circuit's witness hints.

/// Position of the largest (or smallest) of `xs`, the first on ties or the last with `last`.
/// `xs` must not be empty.
pub fn arg_extreme(xs: &[i64], largest: bool, last: bool) -> usize {
    let better = |candidate: i64, best: i64| {
        if largest {
            candidate > best || (last && candidate == best)
        } else {
            candidate < best || (last && candidate == best)
        }
    };
    (1..xs.len()).fold(0, |best, i| if better(xs[i], xs[best]) { i } else { best })
}

/// `xs` sorted with the largest (or smallest) first.
pub fn sorted_extremes(xs: &[i64], largest: bool) -> Vec<i64> {
    let mut v = xs.to_vec();
    if largest {
        v.sort_unstable_by(|a, b| b.cmp(a));
    } else {
        v.sort_unstable();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_pick_first_or_last() {
        assert_eq!(arg_extreme(&[1, 5, 3, 5], true, false), 1);
        assert_eq!(arg_extreme(&[1, 5, 3, 5], true, true), 3);
        assert_eq!(arg_extreme(&[4, 1, 3, 1], false, false), 1);
        assert_eq!(arg_extreme(&[4, 1, 3, 1], false, true), 3);
        assert_eq!(arg_extreme(&[7], true, false), 0);
    }

    #[test]
    fn sorts_either_way() {
        assert_eq!(sorted_extremes(&[2, 9, 4], true), vec![9, 4, 2]);
        assert_eq!(sorted_extremes(&[2, 9, 4], false), vec![2, 4, 9]);
    }
}
