//! Validation keywords of two versions of one position, compared: which bounds got stricter,
//! looser, newly set, and whether the pattern or default changed. The caller picks the rule
//! (a stricter request bound breaks; a looser response bound may).

use crate::ir::Constraints;

/// How one keyword moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A bound got stricter, or a pattern appeared.
    Tightened,
    /// A bound appeared where there was none.
    Added,
    /// A bound got looser or went away, or a pattern went away.
    Relaxed,
    /// The pattern changed.
    PatternChanged,
    /// The default changed, appeared or went away.
    DefaultChanged,
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn bound(b: (f64, bool)) -> String {
    if b.1 {
        format!("{} (exclusive)", num(b.0))
    } else {
        num(b.0)
    }
}

/// An upper bound (`upper`) or a lower one: how it moved from `old` to `new`.
fn compare_bound(
    name: &str,
    upper: bool,
    old: Option<(f64, bool)>,
    new: Option<(f64, bool)>,
    out: &mut Vec<(Move, String)>,
) {
    match (old, new) {
        (None, None) => {}
        (None, Some(b)) => out.push((Move::Added, format!("{name} set to {}", bound(b)))),
        (Some(a), None) => out.push((Move::Relaxed, format!("{name} {} removed", bound(a)))),
        (Some(a), Some(b)) if a != b => {
            // Stricter: a lower maximum, a higher minimum, or the same value made exclusive.
            let stricter = if a.0 == b.0 {
                b.1 && !a.1
            } else {
                (b.0 < a.0) == upper
            };
            let m = if stricter {
                Move::Tightened
            } else {
                Move::Relaxed
            };
            out.push((m, format!("{name} {} -> {}", bound(a), bound(b))));
        }
        _ => {}
    }
}

fn count(v: Option<usize>) -> Option<(f64, bool)> {
    v.map(|n| (n as f64, false))
}

/// Every keyword that moved from `old` to `new`, in a fixed order.
pub fn compare(old: Option<&Constraints>, new: Option<&Constraints>) -> Vec<(Move, String)> {
    let none = Constraints::default();
    let (o, n) = (old.unwrap_or(&none), new.unwrap_or(&none));
    let mut out = Vec::new();
    compare_bound("maximum", true, o.maximum, n.maximum, &mut out);
    compare_bound("minimum", false, o.minimum, n.minimum, &mut out);
    let lengths = [
        ("maxLength", true, o.max_length, n.max_length),
        ("minLength", false, o.min_length, n.min_length),
        ("maxItems", true, o.max_items, n.max_items),
        ("minItems", false, o.min_items, n.min_items),
    ];
    for (name, upper, a, b) in lengths {
        compare_bound(name, upper, count(a), count(b), &mut out);
    }
    match (&o.pattern, &n.pattern) {
        (None, Some(p)) => out.push((Move::Tightened, format!("pattern `{p}` added"))),
        (Some(p), None) => out.push((Move::Relaxed, format!("pattern `{p}` removed"))),
        (Some(a), Some(b)) if a != b => {
            out.push((Move::PatternChanged, format!("pattern `{a}` -> `{b}`")))
        }
        _ => {}
    }
    if o.default != n.default {
        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "(none)".into());
        out.push((
            Move::DefaultChanged,
            format!("default {} -> {}", show(&o.default), show(&n.default)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(f: impl FnOnce(&mut Constraints)) -> Constraints {
        let mut c = Constraints::default();
        f(&mut c);
        c
    }

    #[test]
    fn bounds_move_both_ways() {
        let max10 = c(|c| c.maximum = Some((10.0, false)));
        let max5 = c(|c| c.maximum = Some((5.0, false)));
        let max10x = c(|c| c.maximum = Some((10.0, true)));
        let min1 = c(|c| c.min_length = Some(1));
        assert_eq!(
            compare(Some(&max10), Some(&max5)),
            [(Move::Tightened, "maximum 10 -> 5".to_string())]
        );
        assert_eq!(compare(Some(&max5), Some(&max10))[0].0, Move::Relaxed);
        assert_eq!(compare(Some(&max10), Some(&max10x))[0].0, Move::Tightened);
        assert_eq!(compare(None, Some(&max10))[0].0, Move::Added);
        assert_eq!(compare(Some(&max10), None)[0].0, Move::Relaxed);
        assert_eq!(
            compare(None, Some(&min1)),
            [(Move::Added, "minLength set to 1".to_string())]
        );
        let min2 = c(|c| c.min_length = Some(2));
        assert_eq!(compare(Some(&min1), Some(&min2))[0].0, Move::Tightened);
        assert!(compare(Some(&max10), Some(&max10)).is_empty());
    }

    #[test]
    fn patterns_and_defaults() {
        let p = |s: &str| c(|c| c.pattern = Some(s.into()));
        assert_eq!(compare(None, Some(&p("^a")))[0].0, Move::Tightened);
        assert_eq!(compare(Some(&p("^a")), None)[0].0, Move::Relaxed);
        assert_eq!(
            compare(Some(&p("^a")), Some(&p("^b")))[0].0,
            Move::PatternChanged
        );
        let d = c(|c| c.default = Some("1".into()));
        assert_eq!(
            compare(None, Some(&d)),
            [(Move::DefaultChanged, "default (none) -> 1".to_string())]
        );
    }
}
