//! Uploads a photo to a project's Photos tool. The file is streamed from disk, never read
//! into memory whole.
//!
//! ```sh
//! PROCORE_TOKEN=... PROCORE_COMPANY_ID=1234 PROCORE_PROJECT_ID=5678 \
//!     cargo run -p procore --features project-management --example upload_file -- site.jpg
//! ```
//!
//! Settings are read from the environment:
//!
//! - `PROCORE_TOKEN` (an access token), or `PROCORE_CLIENT_ID` and `PROCORE_CLIENT_SECRET`
//!   (client credentials of a developer managed service account);
//! - `PROCORE_COMPANY_ID` and `PROCORE_PROJECT_ID`;
//! - `PROCORE_ENV`: `production` (default), `sandbox` or `monthly-sandbox`; or
//!   `PROCORE_BASE_URL` (and `PROCORE_LOGIN_URL`, default the same) for any other server.

use procore::models::{ImageInput, NewImage};
use procore::{Client, FilePart};
use std::error::Error;
use std::io::Write;
use std::path::Path;

/// Uploads the file at `path` as a photo of `project_id`; returns the new image's id.
pub async fn run(
    client: &Client,
    company_id: i64,
    project_id: i64,
    path: &Path,
    out: &mut impl Write,
) -> Result<i64, Box<dyn Error>> {
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .into_owned();
    let mime = match path.extension().and_then(|e| e.to_str()) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        _ => "application/octet-stream",
    };
    // Opened and streamed when the request is sent (and again if it is retried).
    let image = ImageInput::new()
        .data(FilePart::path(path).mime(mime))
        .description(format!("Uploaded by procore-rs: {name}"));
    let body = NewImage::new(name.clone(), image);
    let image = client
        .with_company(company_id)
        .create_image(project_id, body)
        .send()
        .await?;
    let id = image.id.ok_or("Procore's answer has no image id")?;
    writeln!(
        out,
        "uploaded {name} as image {id}: {}",
        image.url.as_deref().unwrap_or("(no URL)")
    )?;
    Ok(id)
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
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: upload_file <path to an image>")?;
    let out = &mut std::io::stdout().lock();
    run(&client, company_id, project_id, Path::new(&path), out).await?;
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
