//! Creates an RFI with a file attached to its question, through the multipart form Procore
//! offers for it (`rfi[question][attachments][]`; the JSON form cannot carry files).
//!
//! ```sh
//! PROCORE_TOKEN=... PROCORE_COMPANY_ID=... PROCORE_PROJECT_ID=... PROCORE_RFI_MANAGER_ID=... \
//!   cargo run -p procore --example create_rfi --features project-management -- sketch.pdf
//! ```
//!
//! Settings as in `upload_file`, plus `PROCORE_RFI_MANAGER_ID` (the user who manages the RFI).
//!
//! `create_project_rfi` sends the multipart form; `create_project_rfi_json` sends the same
//! operation as JSON (`NewRfiJson`), which attaches files already in Procore by id only.

use procore::models::{NewRfi, RfiQuestion};
use procore::{Client, FilePart};
use std::error::Error;
use std::io::Write;
use std::path::Path;

/// Creates an RFI in `project_id` whose question has the file at `path` attached; returns its id.
pub async fn run(
    client: &Client,
    project_id: i64,
    manager_id: i64,
    path: &Path,
    out: &mut impl Write,
) -> Result<i64, Box<dyn Error>> {
    // Streamed from disk when the request is sent (and again if it is retried).
    let question = RfiQuestion::new("Which sealant does the detail on the attached sketch need?")
        .attachments(vec![FilePart::path(path)]);
    let rfi = NewRfi::new("Sealant at level 2 window heads", manager_id, question);
    let created = client.create_project_rfi(project_id, rfi).send().await?;
    let id = created.id.ok_or("Procore answered without an id")?;
    writeln!(out, "created RFI {id} with {} attached", path.display())?;
    Ok(id)
}

/// Builds a client from the settings `var` looks up; see [`procore::ClientBuilder::from_vars`].
pub fn client_from(var: &impl Fn(&str) -> Option<String>) -> Result<Client, Box<dyn Error>> {
    Ok(procore::ClientBuilder::from_vars(var)?.build()?)
}

fn id_from(var: &impl Fn(&str) -> Option<String>, name: &str) -> Result<i64, Box<dyn Error>> {
    let text = var(name).ok_or_else(|| format!("set {name}"))?;
    Ok(text
        .parse()
        .map_err(|e| format!("{name}={text:?}: not an id ({e})"))?)
}

async fn try_main() -> Result<(), Box<dyn Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let client = client_from(&var)?;
    let project_id = id_from(&var, "PROCORE_PROJECT_ID")?;
    let manager_id = id_from(&var, "PROCORE_RFI_MANAGER_ID")?;
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: create_rfi <path to a file to attach>")?;
    let out = &mut std::io::stdout().lock();
    run(&client, project_id, manager_id, Path::new(&path), out).await?;
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
