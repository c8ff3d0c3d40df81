//! The overrides file: names chosen by people, which win over the generated ones.
//!
//! ```toml
//! # spec/overrides.toml
//! [operations]            # operationId = method name
//! RestV10ProjectsProjectIdRfisGet = "list_rfis"
//!
//! [types]                 # generated type name = new name
//! ListProjectRfisResponseItem = "Rfi"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

/// Name overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Method names by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Type names by generated name.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
}

/// Why an overrides file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}; fix the file (see the format in README.md, \"Overrides\")")]
pub struct OverridesError {
    path: String,
    message: String,
}

impl Overrides {
    /// Reads an overrides file; a missing file means no overrides.
    pub fn load(path: &Path) -> Result<Overrides, OverridesError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Overrides::default()),
            Err(e) => {
                return Err(OverridesError {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses overrides from TOML text; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Overrides, OverridesError> {
        let o: Overrides = toml::from_str(text).map_err(|e| OverridesError {
            path: origin.to_string(),
            message: e.message().to_string(),
        })?;
        for name in o.operations.values() {
            if crate::ir::naming::snake_ident(name) != *name {
                return Err(OverridesError {
                    path: origin.to_string(),
                    message: format!("`{name}` is not a snake_case method name"),
                });
            }
        }
        for name in o.types.values() {
            if crate::ir::naming::type_name(name) != *name {
                return Err(OverridesError {
                    path: origin.to_string(),
                    message: format!("`{name}` is not an UpperCamelCase type name"),
                });
            }
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let o = Overrides::parse(
            "o.toml",
            "[operations]\nA = \"list_a\"\n[types]\nB = \"Rfi\"\n",
        )
        .unwrap();
        assert_eq!(o.operations["A"], "list_a");
        assert!(Overrides::parse("o.toml", "[operations]\nA = \"List A\"\n")
            .unwrap_err()
            .to_string()
            .contains("not a snake_case"));
        assert!(Overrides::parse("o.toml", "[ops]\n").is_err());
        assert_eq!(
            Overrides::load(Path::new("/nonexistent.toml")).unwrap(),
            Overrides::default()
        );
    }
}
