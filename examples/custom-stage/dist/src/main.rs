//! The stancegraph CLI with one more stage: `example.issues`.
use std::process::ExitCode;

fn main() -> ExitCode {
    stancegraph_cli::run_with(stancegraph_issue_tagger::register)
}
