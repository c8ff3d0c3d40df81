//! Lists every project of a company, following the pages.
//!
//! ```sh
//! PROCORE_TOKEN=... PROCORE_COMPANY_ID=1234 cargo run -p procore --example list_projects
//! ```
//!
//! Settings are read from the environment:
//!
//! - `PROCORE_TOKEN` (an access token), or `PROCORE_CLIENT_ID` and `PROCORE_CLIENT_SECRET`
//!   (client credentials of a developer managed service account);
//! - `PROCORE_COMPANY_ID`;
//! - `PROCORE_ENV`: `production` (default), `sandbox` or `monthly-sandbox`; or
//!   `PROCORE_BASE_URL` (and `PROCORE_LOGIN_URL`, default the same) for any other server.

use futures_util::TryStreamExt;
use procore::Client;
use std::error::Error;
use std::io::Write;

/// Prints the id and name of every project of `company_id`; returns how many there are.
pub async fn run(
    client: &Client,
    company_id: i64,
    out: &mut impl Write,
) -> Result<u64, Box<dyn Error>> {
    // A handle that sends `Procore-Company-Id` on each request.
    let client = client.with_company(company_id);
    // One page (100 projects) in memory at a time, however many there are.
    let mut projects = client.list_projects(company_id).per_page(100).stream();
    let mut count = 0;
    while let Some(project) = projects.try_next().await? {
        writeln!(
            out,
            "{:>10}  {}",
            project.id.unwrap_or_default(),
            project.name.as_deref().unwrap_or("(no name)")
        )?;
        count += 1;
    }
    Ok(count)
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
    let count = run(&client, company_id, &mut std::io::stdout().lock()).await?;
    eprintln!("{count} projects");
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
