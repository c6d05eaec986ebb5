use std::process::ExitCode;

fn main() -> ExitCode {
    stancegraph_cli::main_entry()
}
