//! Pagination: one page with its headers, or a stream over every page following
//! `Link: rel="next"`, holding at most one page in memory.

use super::request::Request;
use crate::Error;
use futures_util::stream::BoxStream;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use url::Url;

/// One page of a list operation.
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
}

/// Every item of every page.
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// The `rel="next"` target of a `Link` header.
pub(crate) fn next_link(header: &str, base: &Url) -> Option<Url> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| base.join(target).ok()).flatten()
    })
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
            .get(reqwest::header::LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| next_link(h, &url));
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
        Ok((
            Page {
                items,
                total: num("total"),
                per_page: num("per-page"),
                next,
            },
            next_req,
        ))
    }

    /// Sends and returns one page with its pagination headers.
    pub async fn send_page<T: DeserializeOwned>(self) -> Result<Page<T>, Error> {
        self.page_and_next().await.map(|(p, _)| p)
    }

    /// Streams every item of every page.
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
    }
}
