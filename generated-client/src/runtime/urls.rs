//! URLs: joining paths under a base, printing them without credentials, and deciding which
//! hosts may receive the bearer token.

use url::Url;

/// Where the bearer token may go: the API host (same scheme, host and port as the base URL),
/// and hosts on the token domains (`procore.com` matches `procore.com` and `*.procore.com`).
/// A token domain's host gets the token over `https`, or over `http` when the API itself is
/// reached over `http` (a local test server).
#[derive(Debug, Clone)]
pub(crate) struct TokenHosts {
    api: Url,
    domains: Vec<String>,
}

impl TokenHosts {
    pub(crate) fn new(api: Url, domains: Vec<String>) -> TokenHosts {
        let domains = domains
            .into_iter()
            .map(|d| {
                d.trim()
                    .trim_start_matches("*.")
                    .trim_matches('.')
                    .to_ascii_lowercase()
            })
            .filter(|d| !d.is_empty())
            .collect();
        TokenHosts { api, domains }
    }

    /// True for the API host itself: it gets the company header and the request's own headers.
    pub(crate) fn is_api(&self, url: &Url) -> bool {
        same_origin(url, &self.api)
    }

    /// True when `url` may receive the bearer token.
    pub(crate) fn allows(&self, url: &Url) -> bool {
        if self.is_api(url) {
            return true;
        }
        let scheme_ok = url.scheme() == "https" || url.scheme() == self.api.scheme();
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let domains = &self.domains;
        scheme_ok
            && domains.iter().any(|d| {
                host == *d
                    || host
                        .strip_suffix(d.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            })
    }
}

/// `base` with `path` appended to its path (a base path such as `/procore` is kept).
pub(crate) fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    if prefix.is_empty() && path.starts_with('/') {
        url.set_path(path);
    } else {
        let sep = if path.starts_with('/') { "" } else { "/" };
        url.set_path(&format!("{prefix}{sep}{path}"));
    }
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The URL without query or fragment, for messages (a presigned URL's query is a credential).
pub(crate) fn without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn paths_join_under_a_base_path() {
        let base = url("https://proxy.example/procore/");
        assert_eq!(
            join_path(&base, "/rest/v1.0/me").as_str(),
            "https://proxy.example/procore/rest/v1.0/me"
        );
        let base = url("https://api.procore.com");
        assert_eq!(
            join_path(&base, "/rest/v1.0/me").as_str(),
            "https://api.procore.com/rest/v1.0/me"
        );
    }

    #[test]
    fn origins() {
        let a = url("https://api.procore.com/x");
        assert!(same_origin(&a, &url("https://api.procore.com:443/y?z")));
        assert!(!same_origin(&a, &url("http://api.procore.com/x")));
        assert!(!same_origin(&a, &url("https://s3.amazonaws.com/x")));
        assert!(!same_origin(&a, &url("https://api.procore.com:8443/x")));
    }

    #[test]
    fn the_token_goes_to_the_environments_domains_only() {
        let hosts = TokenHosts::new(url("https://api.procore.com"), vec!["procore.com".into()]);
        for yes in [
            "https://api.procore.com/rest/v1.0/me",
            "https://storage.procore.com/v4/d/us-east-1/f?sig=x",
            "https://procore.com/x",
            "https://a.b.procore.com/x",
        ] {
            assert!(hosts.allows(&url(yes)), "{yes}");
        }
        for no in [
            "http://storage.procore.com/x",
            "https://s3.amazonaws.com/procore.com/x",
            "https://evilprocore.com/x",
            "https://procore.com.evil.example/x",
            "https://api.procoregov.com/x",
        ] {
            assert!(!hosts.allows(&url(no)), "{no}");
        }
        let gov = TokenHosts::new(
            url("https://api.procoregov.com"),
            vec!["*.procoregov.com".into()],
        );
        assert!(gov.allows(&url("https://storage.procoregov.com/x")));
        assert!(!gov.allows(&url("https://storage.procore.com/x")));
        // A plain-http API (a test server) lets its token domains use http too.
        let local = TokenHosts::new(url("http://127.0.0.1:8080"), vec!["localhost".into()]);
        assert!(local.allows(&url("http://localhost:9000/f")));
        assert!(!local.allows(&url("http://127.0.0.1:9000/f")));
    }

    #[test]
    fn messages_drop_presigned_queries() {
        let u = url("https://user:pw@s3.example/b/f.pdf?X-Amz-Signature=abc#x");
        assert_eq!(without_query(&u), "https://s3.example/b/f.pdf");
    }
}
