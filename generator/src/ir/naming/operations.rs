//! Method names, and the resource an operation is about.
//!
//! A method name is a verb and the static segments of the path, singular where a parameter
//! follows them (`projects/{project_id}` -> `project`):
//!
//! | operation | returns | method |
//! |---|---|---|
//! | `GET /rest/v1.0/projects/{project_id}/rfis` | array | `list_project_rfis` |
//! | `GET /rest/v1.0/projects/{project_id}/rfis/{id}` | object | `get_project_rfi` |
//! | `GET /rest/v1.0/prime_contract` | object | `get_prime_contract` |
//! | `GET /rest/v2.0/companies/{company_id}/projects` | `{"data": [...]}` | `list_company_projects_v2` |
//! | `POST /rest/v1.0/projects/{project_id}/rfis` | | `create_project_rfi` |
//! | `POST /rest/v1.0/projects/{project_id}/rfis/{id}/close` | | `create_project_rfi_close` |
//! | `PATCH` or `PUT .../rfis/{id}` | | `update_project_rfi` |
//! | `DELETE .../rfis/{id}` | | `delete_project_rfi` |
//!
//! A `GET` is `list_` exactly when it returns an array (or Procore's `{"data": [...]}`
//! envelope); one that returns an object is `get_`, whatever its path looks like. When the spec
//! gives no JSON schema, the path decides: a plural last segment reads as a list. Resource
//! versions other than v1.0 add a suffix (`_v2`, `_v1_1`). Collisions between operations are
//! settled in `ir::build` (see `settle_fn_names`).

use super::{resource_version, singular, snake_ident, type_name};
use crate::ir::Method;
use crate::json::key;

/// What a `GET` returns, as far as its 2xx JSON schema tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// An array, or an object whose `data` is one.
    Array,
    /// An object (or a scalar).
    Object,
    /// No JSON schema to tell.
    Unknown,
}

impl Returns {
    /// Reads the first 2xx JSON response schema of a raw operation.
    pub fn of(op: &serde_json::Value) -> Returns {
        let schema = key(op, "responses")
            .and_then(|r| r.as_object())
            .and_then(|r| {
                r.iter()
                    .filter(|(code, _)| code.starts_with('2'))
                    .find_map(|(_, resp)| key(resp, "content"))
            })
            .and_then(|c| c.as_object())
            .and_then(|c| {
                c.iter()
                    .find(|(ct, _)| ct.contains("json"))
                    .and_then(|(_, m)| key(m, "schema"))
            });
        let Some(schema) = schema else {
            return Returns::Unknown;
        };
        let is_array = |s: &serde_json::Value| {
            key(s, "type").and_then(|t| t.as_str()) == Some("array") || key(s, "items").is_some()
        };
        if is_array(schema) {
            return Returns::Array;
        }
        let data = key(schema, "properties").and_then(|p| key(p, "data"));
        if data.is_some_and(is_array) {
            return Returns::Array;
        }
        if key(schema, "$ref").is_some() && schema.as_object().is_some_and(|o| o.len() == 1) {
            // A component: could be either; let the path decide.
            return Returns::Unknown;
        }
        Returns::Object
    }
}

/// The static segments of a path after its `/rest/vX` prefix, and which are followed by a
/// parameter.
struct Segments<'a> {
    segs: Vec<&'a str>,
}

fn is_param(s: &str) -> bool {
    s.starts_with('{') && s.ends_with('}')
}

impl<'a> Segments<'a> {
    fn of(path: &'a str) -> Segments<'a> {
        let version = resource_version(path);
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let skip = match (segs.first(), &version) {
            (Some(&"rest"), Some(_)) => 2,
            (Some(_), Some(_)) => 1,
            _ => 0,
        };
        Segments {
            segs: segs[skip.min(segs.len())..].to_vec(),
        }
    }

    fn ends_with_param(&self) -> bool {
        self.segs.last().is_some_and(|s| is_param(s))
    }

    /// Static segments, singular where a parameter follows them.
    fn nouns(&self) -> Vec<String> {
        let mut nouns = Vec::new();
        for (i, s) in self.segs.iter().enumerate() {
            if is_param(s) {
                continue;
            }
            let followed_by_param = self.segs.get(i + 1).is_some_and(|n| is_param(n));
            nouns.push(if followed_by_param {
                singular(s)
            } else {
                (*s).to_string()
            });
        }
        nouns
    }

    /// A trailing verb-like segment after an item (`.../rfis/{id}/close`) or a collection
    /// (`.../plan_template_items/bulk_create`).
    fn action(&self) -> Option<&'a str> {
        let n = self.segs.len();
        if n < 2 || is_param(self.segs[n - 1]) {
            return None;
        }
        let last = self.segs[n - 1];
        let before = self.segs[n - 2];
        let after_item = n >= 3 && is_param(before);
        let after_collection = !is_param(before) && singular(before) != before;
        ((after_item || after_collection) && singular(last) == last).then_some(last)
    }
}

/// The method name an operation gets before collisions are settled.
pub fn operation_fn_name(method: Method, path: &str, returns: Returns) -> String {
    use Method::*;
    let segs = Segments::of(path);
    let mut nouns = segs.nouns();
    let verb = match method {
        Get => match returns {
            Returns::Array => "list",
            Returns::Object => "get",
            Returns::Unknown if segs.ends_with_param() || nouns.is_empty() => "get",
            // `/files/{id}/download`, `/me`: a singular resource, not a collection.
            Returns::Unknown if nouns.last().is_some_and(|n| singular(n) == *n) => "get",
            Returns::Unknown => "list",
        },
        Post => {
            // `POST /projects/{id}/rfis` creates one RFI; a trailing action (`.../close`) stays.
            if !segs.ends_with_param() && segs.action().is_none() {
                if let Some(last) = nouns.last_mut() {
                    *last = singular(last);
                }
            }
            "create"
        }
        Put | Patch => "update",
        Delete => "delete",
        Head => "head",
        Options => "options",
        Trace => "trace",
    };
    let mut name = format!("{verb}_{}", nouns.join("_"));
    if let Some(v) = resource_version(path).filter(|v| v != "v1.0") {
        name.push_str(
            &version_suffix(&v)
                .to_ascii_lowercase()
                .replacen('v', "_v", 1),
        );
    }
    snake_ident(&name)
}

/// `v2.0` -> `V2`, `v1.1` -> `V1_1`: the suffix a resource version adds to names.
pub fn version_suffix(v: &str) -> String {
    let v = v.trim_start_matches('v');
    let v = v.strip_suffix(".0").unwrap_or(v);
    format!("V{}", v.replace('.', "_"))
}

/// What an operation is about, for naming its types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The resource, singular, upper camel case (`Rfi`, `ChangeEvent`).
    pub noun: String,
    /// The resource its path hangs from (`Project` for `/projects/{project_id}/rfis`).
    pub parent: Option<String>,
    /// A trailing action (`Close` for `.../rfis/{id}/close`), for non-`GET` operations.
    pub action: Option<String>,
}

/// The resource of an operation: the last static segment of its path, singular, or for an
/// action (`POST .../rfis/{id}/close`) the segment before it.
pub fn resource(method: Method, path: &str) -> Resource {
    let segs = Segments::of(path);
    let statics: Vec<&str> = segs.segs.iter().copied().filter(|s| !is_param(s)).collect();
    let action = (method != Method::Get).then(|| segs.action()).flatten();
    let (noun_at, action) = match action {
        Some(a) if statics.len() >= 2 => (statics.len() - 2, Some(type_name(a))),
        _ => (statics.len().saturating_sub(1), None),
    };
    let noun = statics
        .get(noun_at)
        .map(|s| type_name(&singular(s)))
        .unwrap_or_else(|| "Root".into());
    let parent = noun_at
        .checked_sub(1)
        .and_then(|i| statics.get(i))
        .map(|s| type_name(&singular(s)));
    Resource {
        noun,
        parent,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;

    #[test]
    fn method_names_follow_method_path_and_response() {
        let o = Returns::Object;
        let a = Returns::Array;
        let u = Returns::Unknown;
        let cases = [
            (
                Get,
                "/rest/v1.0/projects/{project_id}/rfis",
                a,
                "list_project_rfis",
            ),
            (
                Get,
                "/rest/v1.0/projects/{project_id}/rfis",
                u,
                "list_project_rfis",
            ),
            (
                Get,
                "/rest/v1.0/projects/{project_id}/rfis/{id}",
                o,
                "get_project_rfi",
            ),
            (Get, "/rest/v1.0/prime_contract", o, "get_prime_contract"),
            (Get, "/rest/v1.0/prime_contract", u, "get_prime_contract"),
            (
                Get,
                "/rest/v1.0/projects/{id}/settings",
                o,
                "get_project_settings",
            ),
            (
                Get,
                "/rest/v2.0/companies/{company_id}/projects",
                a,
                "list_company_projects_v2",
            ),
            (
                Get,
                "/rest/v1.1/projects/{project_id}/rfis",
                a,
                "list_project_rfis_v1_1",
            ),
            (
                Post,
                "/rest/v1.0/projects/{project_id}/rfis",
                u,
                "create_project_rfi",
            ),
            (
                Post,
                "/rest/v1.0/projects/{project_id}/rfis/{id}/close",
                u,
                "create_project_rfi_close",
            ),
            (
                Patch,
                "/rest/v1.0/projects/{project_id}/rfis/{id}",
                u,
                "update_project_rfi",
            ),
            (
                Delete,
                "/rest/v1.0/companies/{company_id}/users/{id}",
                u,
                "delete_company_user",
            ),
            (Post, "/oauth/token", u, "create_oauth_token"),
            (Get, "/rest/v1.0/me", o, "get_me"),
            (
                Get,
                "/rest/v1.0/files/{id}/download",
                u,
                "get_file_download",
            ),
        ];
        for (method, path, returns, expected) in cases {
            assert_eq!(
                operation_fn_name(method, path, returns),
                expected,
                "{method:?} {path} {returns:?}"
            );
        }
    }

    #[test]
    fn resources_come_from_the_path() {
        let r = |m, p| {
            let r = resource(m, p);
            (r.noun, r.parent, r.action)
        };
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            r(Get, "/rest/v1.0/projects/{project_id}/rfis"),
            ("Rfi".into(), s("Project"), None)
        );
        assert_eq!(
            r(Get, "/rest/v1.0/projects/{project_id}/rfis/{id}"),
            ("Rfi".into(), s("Project"), None)
        );
        assert_eq!(
            r(Post, "/rest/v1.0/projects/{project_id}/rfis/{id}/close"),
            ("Rfi".into(), s("Project"), s("Close"))
        );
        assert_eq!(
            r(Get, "/rest/v1.0/prime_contract"),
            ("PrimeContract".into(), None, None)
        );
        assert_eq!(
            r(Get, "/rest/v1.0/companies/{company_id}/change_events"),
            ("ChangeEvent".into(), s("Company"), None)
        );
        assert_eq!(r(Get, "/rest/v1.0/me"), ("Me".into(), None, None));
        assert_eq!(
            r(
                Post,
                "/rest/v1.0/projects/{project_id}/plan_items/bulk_create"
            ),
            ("PlanItem".into(), s("Project"), s("BulkCreate"))
        );
    }

    #[test]
    fn version_suffixes() {
        assert_eq!(version_suffix("v2.0"), "V2");
        assert_eq!(version_suffix("v1.1"), "V1_1");
        assert_eq!(version_suffix("v2.1"), "V2_1");
    }
}
