//! configs/accurate-tch.toml stays the accurate preset with the libtorch encoder stage: every
//! setting of configs/accurate.toml, except that `entities.encoder` (with `int8`, candle's
//! option) becomes `entities.encoder_tch` (with `device`). Runs in the default build: the
//! preset validates without libtorch.

fn settings(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("config");
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_string())
        .filter(|line| !line.is_empty())
        .filter(|line| !line.starts_with("int8 =") && !line.starts_with("device ="))
        .map(|line| line.replace("\"entities.encoder_tch\"", "\"entities.encoder\""))
        .collect()
}

#[test]
fn the_tch_preset_differs_from_accurate_only_in_the_encoder_backend() {
    let accurate = settings("configs/accurate.toml");
    let tch = settings("configs/accurate-tch.toml");
    assert_eq!(accurate, tch);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/accurate-tch.toml"),
    )
    .expect("config");
    assert!(text.contains("stage = \"entities.encoder_tch\""));
}

#[test]
fn the_tch_preset_validates_without_libtorch() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancegraph"))
        .arg("validate")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/accurate-tch.toml"))
        .output()
        .expect("stancegraph runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
