//! Pagination: one page with its headers, or a stream over every page following
//! `Link: rel="next"`, holding at most one page in memory. Lists come as a bare JSON array
//! (v1.x) or wrapped as `{"data": [...]}` (v2).

use super::error::Error;
use super::request::Request;
use futures_util::stream::BoxStream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::collections::VecDeque;
use url::Url;

/// One page of a list operation, with its pagination headers.
///
/// ```no_run
/// # async fn demo(client: procore::Client, company_id: i64) -> Result<(), procore::Error> {
/// # #[cfg(feature = "core")] {
/// let page: procore::Page<_> = client.list_projects(company_id).per_page(100).send_page().await?;
/// println!("{} of {:?} projects; more: {}", page.items.len(), page.total, page.next.is_some());
/// # }
/// # Ok(()) }
/// ```
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
    /// For a list answered as `{"data": [...], ...}` (Procore's v2 lists), the members beside
    /// `data`: whatever pagination metadata the operation sends (`pagination`,
    /// `current_page`, ...). Empty for a list answered as a bare array.
    pub meta: serde_json::Map<String, Value>,
}

/// Every item of every page, in order; the next page is fetched when the current one has been
/// consumed, so at most one page is held in memory. An error ends the stream.
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// # async fn demo(client: procore::Client, company_id: i64) -> Result<(), procore::Error> {
/// # #[cfg(feature = "core")] {
/// let mut projects: procore::ItemStream<_> = client.list_projects(company_id).per_page(100).stream();
/// while let Some(project) = projects.try_next().await? {
///     println!("{:?}", project.name);
/// }
/// # }
/// # Ok(()) }
/// ```
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

/// How a list answer holds its items.
#[derive(Clone, Copy)]
enum Shape {
    /// A bare JSON array (v1.x lists).
    Array,
    /// `{"data": [...], ...}` (v2 lists); the other members become [`Page::meta`].
    Data,
}

fn decode_items<T: DeserializeOwned>(
    body: &[u8],
    shape: Shape,
) -> Result<(Vec<T>, serde_json::Map<String, Value>), serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((Vec::new(), serde_json::Map::new()));
    }
    match shape {
        Shape::Array => Ok((serde_json::from_slice(body)?, serde_json::Map::new())),
        // A v2 list answer: the items under `data`, the rest (pagination metadata) kept as
        // it is.
        Shape::Data => {
            let mut meta: serde_json::Map<String, Value> = serde_json::from_slice(body)?;
            let data = meta
                .remove("data")
                .ok_or_else(|| <serde_json::Error as serde::de::Error>::missing_field("data"))?;
            Ok((Vec::<T>::deserialize(data)?, meta))
        }
    }
}

#[allow(dead_code)] // Which of these generated code calls depends on the enabled features.
impl Request {
    async fn page_and_next<T: DeserializeOwned>(
        self,
        shape: Shape,
    ) -> Result<(Page<T>, Option<Request>), Error> {
        let (resp, req) = self.expect_json().send_raw().await?;
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
        let (items, meta) = decode_items(&body, shape).map_err(|e| Error::Decode {
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
                meta,
            },
            next_req,
        ))
    }

    /// Sends and returns one page of a list answered as a JSON array, with its pagination
    /// headers.
    pub(crate) async fn send_page<T: DeserializeOwned>(self) -> Result<Page<T>, Error> {
        self.page_and_next(Shape::Array).await.map(|(p, _)| p)
    }

    /// Sends and returns one page of a list answered as `{"data": [...]}` (Procore's v2
    /// lists): the items unwrapped, the envelope's other members in [`Page::meta`].
    pub(crate) async fn send_data_page<T: DeserializeOwned>(self) -> Result<Page<T>, Error> {
        self.page_and_next(Shape::Data).await.map(|(p, _)| p)
    }

    /// Streams every item of every page of a JSON-array list, following `Link: rel="next"`
    /// (see [`ItemStream`]).
    pub(crate) fn stream<T: DeserializeOwned + Send + 'static>(self) -> ItemStream<T> {
        self.stream_shaped(Shape::Array)
    }

    /// Streams every item of every page of a `{"data": [...]}` list, following
    /// `Link: rel="next"` (see [`ItemStream`]).
    pub(crate) fn stream_data<T: DeserializeOwned + Send + 'static>(self) -> ItemStream<T> {
        self.stream_shaped(Shape::Data)
    }

    fn stream_shaped<T: DeserializeOwned + Send + 'static>(self, shape: Shape) -> ItemStream<T> {
        let state: (Option<Request>, VecDeque<T>) = (Some(self), VecDeque::new());
        Box::pin(futures_util::stream::try_unfold(
            state,
            move |(mut next, mut buf)| async move {
                loop {
                    if let Some(item) = buf.pop_front() {
                        return Ok(Some((item, (next, buf))));
                    }
                    let Some(req) = next.take() else {
                        return Ok(None);
                    };
                    let (page, following) = req.page_and_next::<T>(shape).await?;
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
