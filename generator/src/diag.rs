//! Diagnostics: what the generator could not understand, where, and what it did about it.
//!
//! Every stage reports into one [`Diagnostics`] list instead of failing, so that one broken
//! operation never sinks the other 2,600. `--strict` turns any error-level diagnostic into a
//! failure at the end (see [`crate::Generator::generate`]).

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A spec quirk that a fixup repaired; the output is complete.
    Note,
    /// Something was approximated (for example an unknown format became a string).
    Warning,
    /// Something was skipped: an operation or schema that could not be understood.
    Error,
}

/// One finding, located by a JSON pointer into the spec.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// RFC 6901 JSON pointer into the spec document (`/paths/~1rest~1v1.0~1projects/get`).
    pub pointer: String,
    /// Which stage or fixup produced it (`load`, `fixup:duplicate-parameters`, `ir`, ...).
    pub source: &'static str,
    /// What was found and what was done about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{level}[{}] #{}: {}",
            self.source, self.pointer, self.message
        )
    }
}

/// An ordered list of diagnostics.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(
        &mut self,
        severity: Severity,
        source: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            severity,
            pointer: pointer.into(),
            source,
            message: message.into(),
        });
    }

    /// Records an error (something was skipped).
    pub fn error(
        &mut self,
        source: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, source, pointer, message);
    }

    /// Records a warning (something was approximated).
    pub fn warning(
        &mut self,
        source: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, source, pointer, message);
    }

    /// Records a note (a quirk was repaired).
    pub fn note(
        &mut self,
        source: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Note, source, pointer, message);
    }

    /// All diagnostics in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// True when any error-level diagnostic was recorded.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `/` and one escaped reference token to a pointer, allocating only when the token
/// needs escaping (this runs for every key of the spec in each fixup walk).
pub fn push_token(ptr: &mut String, token: &str) {
    ptr.push('/');
    // Bytes, not chars: `~` and `/` are ASCII, and a byte scan is several times faster.
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        ptr.push_str(&escape_token(token));
    } else {
        ptr.push_str(token);
    }
}

/// Builds a JSON pointer from reference tokens.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for t in tokens {
        push_token(&mut out, t.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slashes_and_tildes() {
        assert_eq!(
            pointer(["paths", "/rest/v1.0/a~b", "get"]),
            "/paths/~1rest~1v1.0~1a~0b/get"
        );
    }
}
