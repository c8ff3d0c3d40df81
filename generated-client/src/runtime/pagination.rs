//! Pagination: one page with its headers, or a stream over every page following
//! `Link: rel="next"`, holding at most one page in memory.

use super::request::Request;
use crate::Error;
use futures_util::stream::BoxStream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use url::Url;

/// One page of a list operation, with its pagination headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// `Total`: items in all pages, when sent.
    pub total: Option<u64>,
    /// `Per-Page`: page size, when sent.
    pub per_page: Option<u64>,
    /// The next page (`Link: rel="next"`), if there is one.
    pub next: Option<Url>,
    /// Every response header (`Link`, `X-Rate-Limit-*`, ...).
    pub headers: HeaderMap,
}

/// Every item of every page, in order; the next page is fetched when the current one has been
/// consumed, so at most one page is held in memory. An error ends the stream.
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// The `rel="next"` target of a `Link` header (RFC 8288). Targets may contain commas (Rails
/// writes `filters[id]=1,2` unescaped), so the header is split on the commas between `<...>`
/// targets, not on every comma.
pub(crate) fn next_link(header: &str, base: &Url) -> Option<Url> {
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let after = &rest[end + 1..];
        // Parameters run to the next link (`, <`), or to the end.
        let params_end = after.find('<').unwrap_or(after.len());
        // Without the `,` that separates this link from the next.
        let params = after[..params_end].trim_end().trim_end_matches(',');
        let is_next = params.split(';').any(|p| {
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return base.join(target.trim()).ok();
        }
        rest = &after[params_end..];
    }
}

impl Request {
    async fn page_and_next<T: DeserializeOwned>(self) -> Result<(Page<T>, Option<Request>), Error> {
        let (resp, req) = self.send_raw().await?;
        let headers = resp.headers().clone();
        let url = resp.url().clone();
        let num = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let next = headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| next_link(h, &url))
            // A page that links to itself would loop for ever.
            .filter(|n| *n != url);
        let body = resp.bytes().await.map_err(|e| Error::Transport {
            operation: req.operation(),
            source: e,
        })?;
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"[]"
        } else {
            &body
        };
        let items: Vec<T> = serde_json::from_slice(text).map_err(|e| Error::Decode {
            operation: req.operation(),
            source: e,
            body: body.clone(),
        })?;
        let next_req = next.clone().map(|u| req.next_page(u));
        let (total, per_page) = (num("total"), num("per-page"));
        Ok((
            Page {
                items,
                total,
                per_page,
                next,
                headers,
            },
            next_req,
        ))
    }

    /// Sends and returns one page with its pagination headers.
    pub async fn send_page<T: DeserializeOwned>(self) -> Result<Page<T>, Error> {
        self.page_and_next().await.map(|(p, _)| p)
    }

    /// Streams every item of every page, following `Link: rel="next"` (see [`ItemStream`]).
    pub fn stream<T: DeserializeOwned + Send + 'static>(self) -> ItemStream<T> {
        let state: (Option<Request>, VecDeque<T>) = (Some(self), VecDeque::new());
        Box::pin(futures_util::stream::try_unfold(
            state,
            |(mut next, mut buf)| async move {
                loop {
                    if let Some(item) = buf.pop_front() {
                        return Ok(Some((item, (next, buf))));
                    }
                    let Some(req) = next.take() else {
                        return Ok(None);
                    };
                    let (page, following) = req.page_and_next::<T>().await?;
                    buf.extend(page.items);
                    next = following;
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link() {
        let base = Url::parse("https://api.procore.com/rest/v1.0/x?page=1").unwrap();
        let h = r#"<https://api.procore.com/rest/v1.0/x?page=3>; rel="last", <https://api.procore.com/rest/v1.0/x?page=2>; rel="next""#;
        assert_eq!(
            next_link(h, &base).unwrap().as_str(),
            "https://api.procore.com/rest/v1.0/x?page=2"
        );
        assert_eq!(
            next_link(r#"<https://a/x?page=1>; rel="prev""#, &base),
            None
        );
        // Commas inside targets, relative targets, unquoted and multi-valued rel.
        let h = r#"</x?ids=1,2&page=1>; rel="first prev", </x?ids=1,2&page=3>;rel=next"#;
        assert_eq!(
            next_link(h, &base).unwrap().as_str(),
            "https://api.procore.com/x?ids=1,2&page=3"
        );
        // `next` before another link: the separating comma is not part of its `rel`.
        let h = r#"</x?ids=1,2&page=3>; rel="next", </x?page=9>; rel="last""#;
        assert_eq!(
            next_link(h, &base).unwrap().as_str(),
            "https://api.procore.com/x?ids=1,2&page=3"
        );
        assert_eq!(next_link("", &base), None);
        assert_eq!(next_link("<unterminated; rel=next", &base), None);
    }
}
