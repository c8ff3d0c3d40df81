//! Streams the RFIs of a project, one page in memory at a time, and prints the rate-limit
//! state at the end.
//!
//! ```sh
//! PROCORE_TOKEN=... PROCORE_COMPANY_ID=1234 PROCORE_PROJECT_ID=5678 \
//!     cargo run -p procore --features project-management --example stream_rfis
//! ```
//!
//! Settings are read from the environment:
//!
//! - `PROCORE_TOKEN` (an access token), or `PROCORE_CLIENT_ID` and `PROCORE_CLIENT_SECRET`
//!   (client credentials of a developer managed service account);
//! - `PROCORE_COMPANY_ID` and `PROCORE_PROJECT_ID`;
//! - `PROCORE_ENV`: `production` (default), `sandbox` or `monthly-sandbox`; or
//!   `PROCORE_BASE_URL` (and `PROCORE_LOGIN_URL`, default the same) for any other server.

use futures_util::TryStreamExt;
use procore::models::RfiStatus as Status;
use procore::Client;
use std::error::Error;
use std::io::Write;

/// Prints number, status and subject of every RFI of `project_id`; returns how many are open.
pub async fn run(
    client: &Client,
    company_id: i64,
    project_id: i64,
    out: &mut impl Write,
) -> Result<u64, Box<dyn Error>> {
    let client = client.with_company(company_id);
    // The first page alone, with its pagination headers.
    let first = client
        .list_project_rfis(project_id)
        .per_page(100)
        .send_page()
        .await?;
    if let Some(total) = first.total {
        writeln!(out, "{total} RFIs")?;
    }
    // Every page, following `Link: rel="next"`.
    let mut rfis = client.list_project_rfis(project_id).per_page(100).stream();
    let mut open = 0;
    while let Some(rfi) = rfis.try_next().await? {
        let status = match &rfi.status {
            Some(Status::Open) => {
                open += 1;
                "open"
            }
            // Values Procore adds later (`Unknown`), or that a later version of the crate names
            // (the enum is `#[non_exhaustive]`), read as the wire string.
            Some(other) => other.as_str(),
            None => "-",
        };
        writeln!(
            out,
            "#{:<8} {:<8} {}",
            rfi.number.as_deref().unwrap_or("?"),
            status,
            rfi.subject.as_deref().unwrap_or("")
        )?;
    }
    if let Some(rl) = client.rate_limit() {
        writeln!(
            out,
            "rate limit: {} of {} left, reset in {:?}",
            rl.remaining.unwrap_or_default(),
            rl.limit.unwrap_or_default(),
            rl.reset_in().unwrap_or_default()
        )?;
    }
    Ok(open)
}

/// Builds a client from the settings `var` looks up (`std::env::var` in `main`); see
/// [`procore::ClientBuilder::from_vars`] for the variables.
pub fn client_from(var: &impl Fn(&str) -> Option<String>) -> Result<Client, Box<dyn Error>> {
    Ok(procore::ClientBuilder::from_vars(var)?.build()?)
}

/// A required numeric setting.
pub fn id_from(var: &impl Fn(&str) -> Option<String>, name: &str) -> Result<i64, Box<dyn Error>> {
    let text = var(name).ok_or_else(|| format!("set {name}"))?;
    Ok(text
        .parse()
        .map_err(|e| format!("{name}={text:?}: not an id ({e})"))?)
}

async fn try_main() -> Result<(), Box<dyn Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let client = client_from(&var)?;
    let company_id = id_from(&var, "PROCORE_COMPANY_ID")?;
    let project_id = id_from(&var, "PROCORE_PROJECT_ID")?;
    let open = run(
        &client,
        company_id,
        project_id,
        &mut std::io::stdout().lock(),
    )
    .await?;
    eprintln!("{open} open RFIs");
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match try_main().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
