//! The exec stage against a real Python plugin: annotations come back validated, and a
//! crash, garbage, a timeout, an invalid span or a changed text fail only that document.

use std::path::PathBuf;

use stancegraph_core::{BuildContext, Document, Metadata, Registry, Stage};

fn python_available() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn stage(timeout_ms: u64, produces: &[&str]) -> Box<dyn Stage> {
    let mut registry = Registry::new();
    stancegraph_exec::register(&mut registry);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/plugins/keywords.py");
    let config = serde_json::json!({
        "command": ["python3", script.display().to_string()],
        "produces": produces,
        "timeout_ms": timeout_ms,
    });
    let factory = registry.get("exec").unwrap();
    assert!(
        factory.validate(&config).is_empty(),
        "{:?}",
        factory.validate(&config)
    );
    let context = BuildContext {
        data_dir: PathBuf::from("data"),
        config_path: "stages[0]".into(),
    };
    factory.build(&config, &context).unwrap()
}

fn doc(text: &str) -> Document {
    Document::new(None, text, Metadata::default())
}

#[test]
fn plugin_annotations_survive_and_failures_are_per_document() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    let stage = stage(2_000, &["ext:keywords", "sentences"]);

    let mut good = doc("Beijing’s export controls on rare earth minerals ahead of the summit.");
    stage.process(&mut good).unwrap();
    let hits = good.extensions["keywords"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    // Code point offsets: the curly apostrophe is one code point.
    assert_eq!(hits[0]["start"], 10);

    for trigger in [
        "PLEASE CRASH",
        "PLEASE GARBAGE",
        "PLEASE SLEEP",
        "PLEASE FAIL",
        "PLEASE BADSPAN",
        "PLEASE RETEXT",
    ] {
        let mut bad = doc(&format!("A tariff story. {trigger}"));
        let error = stage.process(&mut bad).expect_err(trigger).to_string();
        assert!(error.contains(&bad.id), "{trigger}: {error}");
        assert!(
            bad.sentences.is_empty(),
            "{trigger}: layers changed on failure"
        );
        // The next document is processed by a healthy (possibly restarted) plugin.
        let mut after = doc("The tariff threat.");
        stage
            .process(&mut after)
            .unwrap_or_else(|e| panic!("after {trigger}: {e}"));
        assert_eq!(after.extensions["keywords"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn undeclared_layers_are_not_taken_from_the_plugin() {
    if !python_available() {
        eprintln!("skipping: python3 not found");
        return;
    }
    // BADSPAN writes sentences, which this config does not allow: they are ignored.
    let stage = stage(2_000, &["ext:keywords"]);
    let mut d = doc("A summit. PLEASE BADSPAN");
    stage.process(&mut d).unwrap();
    assert!(d.sentences.is_empty());
    assert_eq!(d.extensions["keywords"].as_array().unwrap().len(), 1);
}

#[test]
fn config_checks_layers_and_command() {
    let mut registry = Registry::new();
    stancegraph_exec::register(&mut registry);
    let factory = registry.get("exec").unwrap();
    let issues = factory
        .validate(&serde_json::json!({"command": [], "produces": ["text"], "timeout_ms": 0}));
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, vec!["command", "timeout_ms", "produces[0]"]);
    let context = BuildContext {
        data_dir: PathBuf::from("data"),
        config_path: "stages[0]".into(),
    };
    // `validate` finds a missing program before any run tries to start it.
    let issues = factory.validate(&serde_json::json!({"command": ["/nonexistent/plugin"]}));
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, vec!["command[0]"]);
    let issues = factory.validate(&serde_json::json!({"command": ["no-such-plugin-on-path"]}));
    assert!(
        issues[0].message.contains("not found on PATH"),
        "{issues:?}"
    );
    let missing = factory.build(
        &serde_json::json!({"command": ["/nonexistent/plugin"]}),
        &context,
    );
    assert!(missing.is_err());
}
