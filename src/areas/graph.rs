//! `export`: converts a saved graph.json into other formats.
mod sources;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use stancegraph_graph::{
    apply_filters, render, EdgeKind, ExportFormat, ExportSpec, KnowledgeGraph,
};

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Output format: json, graphml, gexf, dot, neo4j, dna, nt, jsonld, html (one
    /// self-contained interactive page), sources (one row per quoted speaker per document:
    /// CSV, or JSON when the output name ends in .json).
    #[arg(long)]
    pub format: String,
    /// The graph.json written by `run`.
    pub graph: PathBuf,
    /// Output file (a directory for neo4j).
    #[arg(short, long)]
    pub out: PathBuf,
    /// Drop edges below this confidence.
    #[arg(long)]
    pub min_confidence: Option<f64>,
    /// Keep only these edge kinds (comma-separated): said, stance, interaction,
    /// affiliation, hierarchy, co_occurrence.
    #[arg(long, value_delimiter = ',')]
    pub edge_kinds: Vec<String>,
    /// Keep only these node kinds or types (comma-separated): actor, issue, document,
    /// PER, ORG, GPE, ANON, ...
    #[arg(long, value_delimiter = ',')]
    pub node_types: Vec<String>,
    /// Keep only evidence from documents published on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Keep only evidence from documents published on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Write the actor × actor agreement/conflict network from shared stances instead.
    #[arg(long)]
    pub actor_network: bool,
    /// html only: nodes drawn at first, by prominence (default 300; 0: all). The page has
    /// a control to show more.
    #[arg(long)]
    pub top_actors: Option<usize>,
}

/// Name the export is rendered under before it is mapped onto `--out`.
const RENDER_NAME: &str = "export";

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    if args.format == "sources" {
        return export_sources(&args);
    }
    let format = ExportFormat::parse(&args.format).ok_or_else(|| {
        let known: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
        anyhow!(
            "unknown export format `{}` (expected one of: {})",
            args.format,
            known.join(", ")
        )
    })?;
    let edge_kinds = args
        .edge_kinds
        .iter()
        .map(|k| EdgeKind::parse(k).ok_or_else(|| anyhow!("unknown edge kind `{k}`")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let text = std::fs::read_to_string(&args.graph)
        .with_context(|| format!("reading {}", args.graph.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.graph.display()))?;
    let graph = KnowledgeGraph::from_node_link(&value)
        .with_context(|| format!("reading graph {}", args.graph.display()))?;
    let spec = ExportSpec {
        format,
        path: Some(RENDER_NAME.into()),
        min_confidence: args.min_confidence,
        edge_kinds,
        node_types: args.node_types.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        actor_network: args.actor_network,
        top_actors: None,
    };
    let files = render(&graph, &spec).context("rendering the export")?;
    let shown = apply_filters(graph.view(), &spec);
    let mut written = Vec::new();
    for (name, bytes) in files {
        let target = match name.strip_prefix(RENDER_NAME) {
            Some("") => args.out.clone(),
            Some(rest) => args.out.join(rest.trim_start_matches('/')),
            None => args.out.join(&name),
        };
        write_atomically(&target, &bytes)?;
        println!("wrote {} ({} bytes)", target.display(), bytes.len());
        written.push(target.display().to_string());
    }
    println!(
        "{}",
        serde_json::json!({
            "task": "export",
            "format": format.as_str(),
            "files": written,
            "nodes": shown.nodes.len(),
            "edges": shown.links.len(),
        })
    );
    Ok(())
}

fn export_sources(args: &ExportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.graph)
        .with_context(|| format!("reading {}", args.graph.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", args.graph.display()))?;
    let graph = KnowledgeGraph::from_node_link(&value)
        .with_context(|| format!("reading graph {}", args.graph.display()))?;
    let rows = sources::rows(graph.view());
    let json = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let bytes = if json {
        serde_json::to_vec_pretty(&rows)?
    } else {
        sources::to_csv(&rows).into_bytes()
    };
    write_atomically(&args.out, &bytes)?;
    println!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    println!(
        "{}",
        serde_json::json!({"task": "export", "format": "sources", "files": [args.out.display().to_string()], "rows": rows.len()})
    );
    Ok(())
}

/// Writes via a temporary file in the same folder and a rename, so a reader never sees
/// half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, bytes).with_context(|| format!("writing {}", temp.display()))?;
    std::fs::rename(&temp, path)
        .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))
}
