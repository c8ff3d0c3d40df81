//! Procore categories: the first segment of an operation's tag (`Project Management/RFIs/RFIs`).
//! Each becomes one module file and one cargo feature of the generated crate.

use heck::{ToKebabCase, ToSnakeCase};

/// A Procore category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Category {
    /// Display name (`Quality & Safety`).
    pub name: String,
    /// Module name (`quality_and_safety`).
    pub module: String,
    /// Cargo feature (`quality-and-safety`).
    pub feature: String,
}

impl Category {
    /// The category of an operation with these tags; `Other` when there is none.
    pub fn from_tags(tags: &[String]) -> Category {
        let first = tags
            .first()
            .and_then(|t| t.split('/').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("Other");
        Category::named(first)
    }

    /// The category behind a cargo feature the ledger recorded (its display name from the
    /// ledger when known).
    pub fn of_feature(feature: &str, name: Option<&str>) -> Category {
        Category {
            name: name.unwrap_or(feature).to_string(),
            module: feature.replace('-', "_"),
            feature: feature.to_string(),
        }
    }

    /// The category with this display name, after spelling normalisation (Procore writes both
    /// `Quality & Safety` and `Quality and Safety`).
    pub fn named(name: &str) -> Category {
        let name = name.replace(" and ", " & ");
        // Lower-case first so acronyms stay one word (`PDFs` -> `pdfs`, not `pd_fs`).
        let words = name.replace('&', " and ").to_lowercase();
        Category {
            module: words.to_snake_case(),
            feature: words.to_kebab_case(),
            name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_category_agree() {
        let a = Category::from_tags(&["Quality & Safety/Inspections/Checklists".into()]);
        let b = Category::from_tags(&["Quality and Safety/Observations".into()]);
        assert_eq!(a, b);
        assert_eq!(a.module, "quality_and_safety");
        assert_eq!(a.feature, "quality-and-safety");
        assert_eq!(
            Category::from_tags(&["Platform - Developer Tools/Auth".into()]).module,
            "platform_developer_tools"
        );
        assert_eq!(Category::from_tags(&[]).name, "Other");
        assert_eq!(Category::named("PDFs").module, "pdfs");
    }
}
