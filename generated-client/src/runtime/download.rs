//! File downloads: Procore file links (`storage.procore.com/...`, with the bearer token, as
//! Procore requires) and the presigned cloud-storage URLs they redirect to (without it).

use super::client::Client;
use super::error::Error;
use super::transport::{Body, Outgoing};
use super::urls::{join_path, without_query};
use reqwest::Method;
use std::path::Path;
use url::Url;

impl Client {
    /// Downloads a file: a Procore file URL (absolute, or a path on the API host) or a
    /// presigned storage URL, following redirects. The bearer token goes to the API host and to
    /// the environment's token domains (`*.procore.com`; `*.procoregov.com` for the federal
    /// zone; see [`ClientBuilder::token_domains`](crate::ClientBuilder::token_domains)), on the
    /// first request and after redirects alike, and never to another host (the cloud storage a
    /// file link redirects to). `Procore-Company-Id` goes to the API host only.
    ///
    /// The body is not read: stream it with `Response::bytes_stream` or `chunk`, or use
    /// [`download_to_file`](Self::download_to_file). Downloads have no overall timeout, only
    /// the idle-read one.
    ///
    /// ```no_run
    /// # async fn demo(client: procore::Client, url_from_a_file_version: &str) -> Result<(), procore::Error> {
    /// // e.g. "https://storage.procore.com/v4/d/us-east-1/pro-core.com/companies/1/abc?sig=..."
    /// let resp = client.download(url_from_a_file_version).await?;
    /// println!("{:?} bytes to read", resp.content_length());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that does not parse; otherwise as any request.
    pub async fn download(&self, url: &str) -> Result<reqwest::Response, Error> {
        let target = if url.starts_with('/') {
            // A path on the API host (under the base path, if it has one).
            let (path, query) = url.split_once('?').unwrap_or((url, ""));
            let mut target = join_path(&self.inner.base, path);
            target.set_query((!query.is_empty()).then_some(query));
            target
        } else {
            Url::parse(url).map_err(|e| Error::Config(format!("bad download URL {url:?}: {e}")))?
        };
        let label = format!("GET {}", without_query(&target));
        self.execute(&Outgoing {
            method: Method::GET,
            url: target,
            template: "(download)",
            label: Some(&label),
            headers: &[],
            body: &Body::None,
            streaming: true,
            accept_json: false,
        })
        .await
    }

    /// Downloads a file (see [`download`](Self::download)) into `path`, a chunk at a time, and
    /// returns the number of bytes written. The file is written under a temporary name and
    /// renamed when complete, so `path` never holds a partial download.
    ///
    /// ```no_run
    /// # async fn demo(client: procore::Client, file_url: &str) -> Result<(), procore::Error> {
    /// let bytes = client.download_to_file(file_url, "plan.pdf").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`download`](Self::download); [`Error::Transport`] when the body breaks off;
    /// [`Error::Encode`] when the file cannot be written.
    pub async fn download_to_file(&self, url: &str, path: impl AsRef<Path>) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        let path = path.as_ref();
        let mut resp = self.download(url).await?;
        let operation = format!("GET {}", without_query(resp.url()));
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".part");
        let tmp = path.with_file_name(tmp_name);
        let io =
            |e: std::io::Error| Error::Encode(format!("{}: cannot write ({e})", path.display()));
        let mut file = tokio::fs::File::create(&tmp).await.map_err(io)?;
        let mut written = 0u64;
        let result: Result<(), Error> = async {
            while let Some(chunk) = resp.chunk().await.map_err(|e| Error::Transport {
                operation: operation.clone(),
                source: e.without_url(),
            })? {
                file.write_all(&chunk).await.map_err(io)?;
                written += chunk.len() as u64;
            }
            file.flush().await.map_err(io)?;
            file.sync_all().await.map_err(io)?;
            Ok(())
        }
        .await;
        drop(file);
        match result {
            Ok(()) => {
                tokio::fs::rename(&tmp, path).await.map_err(io)?;
                Ok(written)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }
}
