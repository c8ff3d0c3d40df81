//! Every naming rule of the generator, in one place (ARCHITECTURE.md, "Naming", has the
//! overview and a before/after table).
//!
//! - this file: identifiers from wire names (`filters[trade_id][]` -> `filters_trade_id`,
//!   `type` -> `type_`), type names, enum variants, singulars, versions;
//! - [`operations`]: method names from method, path and what the operation returns
//!   (`GET /projects/{project_id}/rfis` -> `list_project_rfis`);
//! - [`types`]: type names from what a schema is (`Rfi`, `RfiDetail`, `NewRfi`, `CostCode`),
//!   and how clashes are settled;
//! - [`crate::ir::ledger`] then freezes every name once it has been generated.

pub mod operations;
pub mod types;

pub use operations::{operation_fn_name, Returns};

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "gen",
];

/// Splits a wire name into words: `filters[trade_id][]` -> `filters trade_id`.
fn words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_sep = false;
        } else if !prev_sep {
            out.push('_');
            prev_sep = true;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A snake-case Rust identifier for a field, parameter or method (`type` -> `type_`,
/// `filters[trade_id][]` -> `filters_trade_id`, `2fa` -> `_2fa`, `` -> `value`).
pub fn snake_ident(s: &str) -> String {
    // Most names (`created_at`) are snake case already: nothing to split or lower.
    let mut id = if is_plain(s) {
        s.to_string()
    } else {
        words(s).to_snake_case()
    };
    if id.is_empty() {
        id = "value".into();
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    if KEYWORDS.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// An upper-camel-case Rust type name (`custom fields` -> `CustomFields`).
pub fn type_name(s: &str) -> String {
    let mut id = camel(s);
    if id.is_empty() {
        id = "Value".into();
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, 'V');
    }
    if id == "Self" {
        id.push('_');
    }
    id
}

/// Lowercase words (digits allowed) joined by single underscores, starting with a letter: a
/// name `words` leaves as it is, and whose snake and camel case need no word splitting.
fn is_plain(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.ends_with('_')
        && !s.contains("__")
}

/// `words(s)` in upper camel case, as heck spells it. Most names (`created_at`, `line_2`) are
/// lowercase words already: each is capitalised without heck's word splitting.
fn camel(s: &str) -> String {
    if !is_plain(s) {
        return words(s).to_upper_camel_case();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// A variant name for an enum value: `""` -> `Empty`, `Microsoft Project 2010` ->
/// `MicrosoftProject2010`, `2` -> `V2`, `-` -> `Value`. Collisions are settled by the caller.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let named = type_name(value);
    if named == "Value" && !value.chars().any(|c| c.is_ascii_alphanumeric()) {
        // Only punctuation: name it after the characters so `+` and `-` stay distinct.
        let spelled: Vec<String> = value.chars().map(|c| format!("U{:X}", c as u32)).collect();
        return format!("Symbol{}", spelled.join(""));
    }
    named
}

/// Gives each of `names` a unique spelling by appending `2`, `3`, ... to later repeats.
pub fn dedupe(names: &mut [String]) {
    let mut seen = std::collections::HashSet::new();
    // Nearly always nothing repeats: check that without copying every name first.
    let mut quick = std::collections::HashSet::with_capacity(names.len());
    if names.iter().all(|n| quick.insert(n.as_str())) {
        return;
    }
    for n in names.iter_mut() {
        if seen.insert(n.clone()) {
            continue;
        }
        let mut i = 2;
        while !seen.insert(format!("{n}{i}")) {
            i += 1;
        }
        *n = format!("{n}{i}");
    }
}

/// The singular of an English plural as Procore uses them (`rfis` -> `rfi`, `companies` ->
/// `company`, `statuses` -> `status`, `data` -> `data`).
pub fn singular(word: &str) -> String {
    // Words that end in `s` in the singular, and words whose plural is the same.
    const SAME: &[&str] = &[
        "data", "status", "series", "news", "alias", "bias", "analysis", "basis", "canvas",
        "access", "address", "gps", "sms", "class", "process", "progress", "business", "bus",
        "tax", "settings",
    ];
    const EXACT: &[(&str, &str)] = &[
        ("statuses", "status"),
        ("aliases", "alias"),
        ("people", "person"),
        ("children", "child"),
    ];
    let lower = word.to_ascii_lowercase();
    for (plural, single) in EXACT {
        if lower.ends_with(plural) {
            return format!("{}{single}", &word[..word.len() - plural.len()]);
        }
    }
    if SAME.iter().any(|s| lower.ends_with(s)) {
        return word.to_string();
    }
    for (plural, single) in [
        ("ies", "y"),
        ("sses", "ss"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ] {
        if let Some(stem) = word.strip_suffix(plural) {
            return format!("{stem}{single}");
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_string(),
        _ => word.to_string(),
    }
}

/// `info.version` as semver. Procore writes `2.0`, which semver tools reject: one or two numeric
/// parts are padded (`2.0` -> `2.0.0`), with a note; anything else (`2024-10-07`) is not a
/// version number at all, and gets a warning and `None`.
pub fn semver(raw: &str, diags: &mut crate::diag::Diagnostics) -> Option<String> {
    let raw = raw.trim();
    let (core, rest) = match raw.find(['-', '+']) {
        Some(i) if raw[..i].contains('.') => (&raw[..i], &raw[i..]),
        _ => (raw, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = !core.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !numeric {
        diags.warning(
            "ir",
            "/info/version",
            format!("`{raw}` is not a version number; the diff reports it as text"),
        );
        return None;
    }
    let mut padded: Vec<String> = parts
        .iter()
        .map(|p| p.trim_start_matches('0').to_string())
        .map(|p| if p.is_empty() { "0".into() } else { p })
        .collect();
    while padded.len() < 3 {
        padded.push("0".into());
    }
    let v = format!("{}{rest}", padded.join("."));
    if v != raw {
        diags.note(
            "fixup:info-version",
            "/info/version",
            format!("`{raw}` is not semver; read as `{v}`"),
        );
    }
    Some(v)
}

/// The resource version in a path: `/rest/v1.0/...` -> `v1.0`.
pub fn resource_version(path: &str) -> Option<String> {
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let first = segs.next()?;
    let v = if first == "rest" { segs.next()? } else { first };
    let rest = v.strip_prefix('v')?;
    (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_take_the_short_way_to_the_same_ident() {
        for name in [
            "created_at",
            "id",
            "type",
            "self",
            "a_b_c",
            "x",
            "abc",
            "zz_top",
            "match",
            "line_2",
            "address1",
            "a1b",
            "v2_api",
            "x_1_y",
            "a_1",
            "ab12cd",
            "a_b2c",
            "a9",
            "x_10_20",
            "in2",
        ] {
            let mut slow = words(name).to_snake_case();
            if KEYWORDS.contains(&slow.as_str()) {
                slow.push('_');
            }
            assert_eq!(snake_ident(name), slow, "{name}");
        }
    }

    #[test]
    fn every_short_plain_name_takes_the_short_way_to_the_same_names() {
        // Every name of up to 4 characters over `a`, `b`, `0`, `1` and `_`, and 20,000 longer
        // ones over the whole alphabet, as heck would spell them.
        let slow = |name: &str| {
            let mut slow = words(name).to_snake_case();
            if KEYWORDS.contains(&slow.as_str()) {
                slow.push('_');
            }
            slow
        };
        let mut names: Vec<String> = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| ["a", "b", "0", "1", "_"].map(|c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
        }
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789_";
        let mut seed = 7u64;
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (seed >> 60) as usize;
            let name: String = (0..len)
                .map(|i| {
                    alphabet[((seed >> (i * 5 % 58)) % alphabet.len() as u64) as usize] as char
                })
                .collect();
            names.push(name);
        }
        for name in names
            .iter()
            .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        {
            assert_eq!(snake_ident(name), slow(name), "{name}");
            assert_eq!(camel(name), words(name).to_upper_camel_case(), "{name}");
        }
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(snake_ident("filters[trade_id][]"), "filters_trade_id");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa_enabled"), "_2fa_enabled");
        assert_eq!(snake_ident("Procore-Company-Id"), "procore_company_id");
        assert_eq!(snake_ident("fr-CA"), "fr_ca");
        assert_eq!(snake_ident(""), "value");
        assert_eq!(type_name("fr-CA"), "FrCa");
        assert_eq!(type_name("self"), "Self_");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(
            variant_name("Microsoft Project 2010"),
            "MicrosoftProject2010"
        );
        assert_eq!(variant_name("2"), "V2");
        assert_eq!(variant_name("hex-color"), "HexColor");
        assert_eq!(variant_name("+"), "SymbolU2B");
        let mut names = vec!["A".to_string(), "A".to_string(), "A".to_string()];
        dedupe(&mut names);
        assert_eq!(names, ["A", "A2", "A3"]);
    }

    #[test]
    fn singulars() {
        for (p, s) in [
            ("rfis", "rfi"),
            ("companies", "company"),
            ("statuses", "status"),
            ("status", "status"),
            ("data", "data"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("watches", "watch"),
            ("responses", "response"),
            ("change_orders", "change_order"),
            ("root_causes", "root_cause"),
            ("settings", "settings"),
        ] {
            assert_eq!(singular(p), s, "{p}");
        }
    }

    #[test]
    fn info_versions_become_semver() {
        let mut d = crate::diag::Diagnostics::default();
        assert_eq!(semver("2.0", &mut d).as_deref(), Some("2.0.0"));
        assert_eq!(semver("1.2.3", &mut d).as_deref(), Some("1.2.3"));
        assert_eq!(semver("3", &mut d).as_deref(), Some("3.0.0"));
        assert_eq!(semver("1.0-beta", &mut d).as_deref(), Some("1.0.0-beta"));
        assert_eq!(semver("2024-10-07", &mut d), None);
        assert_eq!(semver("v2", &mut d), None);
        assert_eq!(d.count(crate::diag::Severity::Note), 3);
        assert_eq!(d.count(crate::diag::Severity::Warning), 2);
    }

    #[test]
    fn versions() {
        assert_eq!(resource_version("/rest/v1.0/x").as_deref(), Some("v1.0"));
        assert_eq!(resource_version("/rest/v2.1/x").as_deref(), Some("v2.1"));
        assert_eq!(resource_version("/oauth/token"), None);
        assert_eq!(resource_version("/vapid/x"), None);
    }
}
