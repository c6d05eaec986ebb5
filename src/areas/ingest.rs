//! `eval extract`: article extraction scored on the article-extraction benchmark.
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Eval {
    /// Score HTML main-body extraction against the article-extraction benchmark.
    Extract(EvalArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The benchmark directory (`html/`, `ground-truth.json`).
    #[arg(long)]
    pub aeb: PathBuf,
}

pub fn eval(cmd: Eval) -> anyhow::Result<()> {
    match cmd {
        Eval::Extract(args) => {
            let report = stancegraph_ingest::benchmark::evaluate(&args.aeb)?;
            for (id, reason) in &report.failures {
                println!("failed {id}: {reason}");
            }
            for (name, s) in [
                ("dev (even sorted index)", report.dev),
                ("held-out (odd)", report.held_out),
                ("all pages", report.all),
            ] {
                println!(
                    "{name:<24} pages {:>3}  precision {:.4}  recall {:.4}  F1 {:.4}",
                    s.pages, s.precision, s.recall, s.f1
                );
            }
            println!(
                "speed: {:.1} pages/s on one thread",
                report.pages_per_second
            );
            let all = report.all;
            println!(
                "{}",
                serde_json::json!({
                    "task": "extract",
                    "pages": all.pages,
                    "precision": all.precision,
                    "recall": all.recall,
                    "f1": all.f1,
                })
            );
            Ok(())
        }
    }
}
