//! What two versions of one schema position (a body field, or a body's root) accept or promise
//! beyond their type: nullability, bounds, pattern and default, and the rule each change gets
//! on the request or the response side. Fields and body roots share it, so a bound is judged
//! the same wherever it sits.

use super::constraints::{self, Move};
use super::operation::request_rule;
use super::rules::{self, Class, Rule};
use super::Ctx;
use crate::ir::{Constraints, Operation};

/// Which way a position travels, and whether it is ignored there.
#[derive(Debug, Clone, Copy)]
pub(super) enum Side {
    /// In a request; a read-only position is ignored by the server there, so what would break
    /// is information only (oasdiff's `request-read-only-property-*`).
    Request { read_only: bool },
    /// In a response; a write-only position is never sent there.
    Response { write_only: bool },
}

impl Side {
    /// `rule`, adjusted for a position the side ignores.
    pub(super) fn adjust(self, rule: Rule) -> Rule {
        match self {
            Side::Request { read_only: true } if rule.class == Class::Breaking => {
                rules::REQUEST_READ_ONLY_FIELD_CHANGED
            }
            Side::Response { write_only: true }
                if [
                    rules::RESPONSE_FIELD_BECAME_OPTIONAL,
                    rules::RESPONSE_FIELD_BECAME_REQUIRED,
                    rules::RESPONSE_ENUM_VALUE_ADDED,
                    rules::RESPONSE_FIELD_BECAME_NULLABLE,
                    rules::RESPONSE_FIELD_CONSTRAINT_WIDENED,
                ]
                .contains(&rule) =>
            {
                rules::RESPONSE_WRITE_ONLY_FIELD_CHANGED
            }
            _ => rule,
        }
    }

    /// The rule and wording for a nullability change (`became` true: it now allows null).
    fn nullable(self, became: bool) -> (Rule, &'static str) {
        let rule = match (self, became) {
            (Side::Request { .. }, true) => (rules::REQUEST_FIELD_BECAME_NULLABLE, "accepts null"),
            (Side::Request { .. }, false) => (
                rules::REQUEST_FIELD_BECAME_NOT_NULLABLE,
                "no longer accepts null",
            ),
            (Side::Response { .. }, true) => (rules::RESPONSE_FIELD_BECAME_NULLABLE, "may be null"),
            (Side::Response { .. }, false) => {
                (rules::RESPONSE_FIELD_BECAME_NOT_NULLABLE, "is never null")
            }
        };
        (self.adjust(rule.0), rule.1)
    }

    /// The rule for a moved validation keyword (`what` names it).
    fn constraint(self, m: Move, what: &str) -> Rule {
        match self {
            Side::Request { .. } => self.adjust(request_rule(m, false)),
            Side::Response { .. } => self.adjust(match m {
                _ if what.starts_with("pattern") => rules::RESPONSE_FIELD_PATTERN_CHANGED,
                Move::Tightened | Move::Added => rules::RESPONSE_FIELD_CONSTRAINT_NARROWED,
                Move::Relaxed => rules::RESPONSE_FIELD_CONSTRAINT_WIDENED,
                Move::PatternChanged => rules::RESPONSE_FIELD_PATTERN_CHANGED,
                Move::DefaultChanged => rules::RESPONSE_FIELD_DEFAULT_CHANGED,
            }),
        }
    }
}

/// Nullability and validation keywords of one position: `(nullable, constraints)`.
pub(super) type Values<'a> = (bool, Option<&'a Constraints>);

/// Reports how nullability and the validation keywords at `at` moved from `old` to `new`.
pub(super) fn compare(c: &mut Ctx, op: &Operation, at: &str, side: Side, old: Values, new: Values) {
    if old.0 != new.0 {
        let (rule, what) = side.nullable(new.0);
        c.push(rule, op, format!("`{at}` {what}"));
    }
    for (m, what) in constraints::compare(old.1, new.1) {
        c.push(side.constraint(m, &what), op, format!("`{at}`: {what}"));
    }
}
