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
        let module = words.to_snake_case();
        if is_module_name(&module) {
            return Category {
                module,
                feature: words.to_kebab_case(),
                name,
            };
        }
        // A module is also a file name, so it must be an ASCII identifier (`3D Models`,
        // `Über`, `日本`, `Type`); the feature follows the module, so that two names that end up
        // in one module share its feature too.
        let ascii: String = words
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let mut module = ascii.to_snake_case();
        if module.is_empty() {
            // Nothing ASCII to go by: a stable hash keeps distinct names apart.
            let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            module = format!("category_{:08x}", hash as u32);
        }
        if module.starts_with(|c: char| c.is_ascii_digit()) {
            module.insert_str(0, "c_");
        }
        if !is_module_name(&module) {
            module.push('_');
        }
        Category {
            feature: module.replace('_', "-"),
            module,
            name,
        }
    }
}

/// An ASCII identifier that is not a keyword (a module name and a file name).
fn is_module_name(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
        "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "gen",
    ];
    s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s != "_"
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
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

    #[test]
    fn any_tag_gives_a_module_file_name() {
        for (tag, module, feature) in [
            ("3D Models", "c_3d_models", "c-3d-models"),
            ("Über Alles", "ber_alles", "ber-alles"),
            ("Type", "type_", "type-"),
            ("!!!", "category_ca866be2", "category-ca866be2"),
        ] {
            let c = Category::named(tag);
            assert_eq!(
                (c.module.as_str(), c.feature.as_str()),
                (module, feature),
                "{tag}"
            );
        }
        let (a, b) = (Category::named("日本"), Category::named("中国"));
        assert_ne!(a.module, b.module);
        assert!(a.module.starts_with("category_"));
    }
}
