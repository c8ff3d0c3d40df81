//! Rust names for operations, parameters, fields, types and enum variants.
//!
//! Rules (documented in ARCHITECTURE.md, "Naming"):
//! - an operation's method name comes from its method and path alone:
//!   `GET /rest/v1.0/projects/{project_id}/rfis` -> `list_project_rfis`,
//!   `GET .../rfis/{id}` -> `get_project_rfi`, `POST .../rfis` -> `create_project_rfi`,
//!   `PATCH|PUT .../rfis/{id}` -> `update_project_rfi`, `DELETE` -> `delete_project_rfi`;
//!   a static segment followed by a parameter is singular (`projects/{id}` -> `project`);
//!   resource versions other than v1.0 add a suffix (`_v2`, `_v1_1`).
//! - collisions are resolved in [`super::build`]: first by the HTTP method, then by the
//!   operationId; every rename is reported.
//! - types are named by position: operation + role (`Body`, `Response`, `Item`) + field path.

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
    let mut id = words(s).to_snake_case();
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
    let mut id = words(s).to_upper_camel_case();
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

/// The method name an operation gets before collisions are settled.
pub fn operation_fn_name(method: super::Method, path: &str) -> String {
    use super::Method::*;
    let version = resource_version(path);
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let skip = match (segs.first(), &version) {
        (Some(&"rest"), Some(_)) => 2,
        (Some(_), Some(_)) => 1,
        _ => 0,
    };
    let segs = &segs[skip.min(segs.len())..];
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let ends_with_param = segs.last().is_some_and(|s| is_param(s));
    // Static segments, singular where a parameter follows them.
    let mut nouns: Vec<String> = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        if is_param(s) {
            continue;
        }
        let followed_by_param = segs.get(i + 1).is_some_and(|n| is_param(n));
        nouns.push(if followed_by_param {
            singular(s)
        } else {
            (*s).to_string()
        });
    }
    let verb = match method {
        Get if ends_with_param || nouns.is_empty() => "get",
        // `/files/{id}/download`, `/me`: a singular resource, not a collection.
        Get if nouns.last().is_some_and(|n| singular(n) == *n) => "get",
        Get => "list",
        Post if !ends_with_param => {
            // `POST /projects/{id}/rfis` creates one RFI; a trailing action (`.../close`) stays.
            if let Some(last) = nouns.last_mut() {
                let last_static_is_collection =
                    segs.len() < 2 || is_param(segs[segs.len() - 2]) || segs.len() == 1;
                if last_static_is_collection {
                    *last = singular(last);
                }
            }
            "create"
        }
        Post => "create",
        Put | Patch => "update",
        Delete => "delete",
        Head => "head",
        Options => "options",
        Trace => "trace",
    };
    let mut name = format!("{verb}_{}", nouns.join("_"));
    if let Some(v) = version.filter(|v| v != "v1.0") {
        let v = v.trim_start_matches('v');
        let v = v.strip_suffix(".0").unwrap_or(v);
        name.push_str("_v");
        name.push_str(&v.replace('.', "_"));
    }
    snake_ident(&name)
}

#[cfg(test)]
mod tests {
    use super::super::Method;
    use super::*;

    #[test]
    fn operation_names_follow_method_and_path() {
        let cases = [
            (
                Method::Get,
                "/rest/v1.0/projects/{project_id}/rfis",
                "list_project_rfis",
            ),
            (
                Method::Get,
                "/rest/v1.0/projects/{project_id}/rfis/{id}",
                "get_project_rfi",
            ),
            (
                Method::Post,
                "/rest/v1.0/projects/{project_id}/rfis",
                "create_project_rfi",
            ),
            (
                Method::Patch,
                "/rest/v1.0/projects/{project_id}/rfis/{id}",
                "update_project_rfi",
            ),
            (
                Method::Delete,
                "/rest/v1.0/companies/{company_id}/users/{id}",
                "delete_company_user",
            ),
            (
                Method::Get,
                "/rest/v2.0/companies/{company_id}/projects",
                "list_company_projects_v2",
            ),
            (
                Method::Get,
                "/rest/v1.1/projects/{project_id}/rfis",
                "list_project_rfis_v1_1",
            ),
            (Method::Post, "/oauth/token", "create_oauth_token"),
            (Method::Get, "/rest/v1.0/me", "get_me"),
            (
                Method::Get,
                "/rest/v1.0/files/{id}/download",
                "get_file_download",
            ),
            (
                Method::Post,
                "/rest/v1.0/projects/{project_id}/rfis/{id}/close",
                "create_project_rfi_close",
            ),
        ];
        for (method, path, expected) in cases {
            assert_eq!(
                operation_fn_name(method, path),
                expected,
                "{method:?} {path}"
            );
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
