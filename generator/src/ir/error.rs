//! The error of a part of the IR build: where in the spec, and why.

/// A schema, parameter, body or response the IR cannot use. The operation that contains it is
/// skipped and the error becomes a diagnostic at [`IrError::pointer`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {reason}")]
pub struct IrError {
    /// JSON pointer of the part at fault.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

impl IrError {
    /// An error at `pointer`.
    pub fn new(pointer: impl Into<String>, reason: impl Into<String>) -> IrError {
        IrError {
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}
