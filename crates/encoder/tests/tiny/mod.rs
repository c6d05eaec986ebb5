//! A tiny random BERT model directory (2 layers, hidden 32) in the layout of the encoder
//! contract, written by the tests themselves: no download.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use safetensors::{Dtype, View};

pub const NER_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
pub const ATTRIBUTION_LABELS: [&str; 7] = [
    "O",
    "B-SOURCE",
    "I-SOURCE",
    "B-CUE",
    "I-CUE",
    "B-CONTENT",
    "I-CONTENT",
];
/// The int8-quantised matrix and the f16 one.
pub const QUANTISED: &str = "encoder.layer.0.attention.self.query.weight";
pub const HALF: &str = "encoder.layer.1.intermediate.dense.weight";

fn vocab() -> Vec<String> {
    // The marker entries of the sentiment and stance schemes ([unused0]..[unused5]).
    let mut v: Vec<String> = [
        "[PAD]",
        "[unused0]",
        "[unused1]",
        "[unused2]",
        "[unused3]",
        "[unused4]",
        "[unused5]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for w in [
        "the",
        "president",
        "said",
        "minister",
        "of",
        "in",
        "on",
        "and",
        "to",
        "a",
        "trade",
        "talks",
        "china",
        "london",
        "bessent",
        "scott",
        "he",
        "was",
    ] {
        v.push(w.to_string());
    }
    for c in ('a'..='z').chain('0'..='9') {
        v.push(c.to_string());
        v.push(format!("##{c}"));
    }
    for p in [
        ".", ",", "\"", "'", "-", "(", ")", ":", ";", "?", "!", "$", "%",
    ] {
        v.push(p.to_string());
    }
    v
}

fn config(vocab_size: usize) -> Config {
    serde_json::from_value(serde_json::json!({
        "vocab_size": vocab_size, "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "intermediate_size": 64, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "max_position_embeddings": 64, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "classifier_dropout": null, "model_type": "bert"
    }))
    .expect("config")
}

struct Owned {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for &Owned {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

fn f32_owned(t: &Tensor) -> Owned {
    let values = t.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    Owned {
        dtype: Dtype::F32,
        shape: t.dims().to_vec(),
        bytes: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

/// Writes config.json, vocab.txt, heads.json and model.safetensors into `dir`, with window
/// geometry `max_pieces` / `stride`. Returns the f32 tensors as written before quantisation.
pub fn write_model(dir: &Path, max_pieces: usize, stride: usize) -> HashMap<String, Tensor> {
    write_model_with(dir, max_pieces, stride, &[])
}

/// [`write_model`] with more heads after ner and attribution: (task, scheme, labels).
pub fn write_model_with(
    dir: &Path,
    max_pieces: usize,
    stride: usize,
    extra_heads: &[(&str, &str, &[&str])],
) -> HashMap<String, Tensor> {
    std::fs::create_dir_all(dir).unwrap();
    let vocab = vocab();
    std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let config = config(vocab.len());
    let config_json = serde_json::json!({
        "vocab_size": vocab.len(), "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "intermediate_size": 64, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "max_position_embeddings": 64, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "classifier_dropout": null, "model_type": "bert"
    });
    std::fs::write(dir.join("config.json"), config_json.to_string()).unwrap();
    let mut head_list = vec![
        serde_json::json!({"task": "ner", "scheme": "BIO", "labels": NER_LABELS}),
        serde_json::json!({"task": "attribution", "scheme": "BIO", "labels": ATTRIBUTION_LABELS}),
    ];
    for (task, scheme, labels) in extra_heads {
        head_list.push(serde_json::json!({"task": task, "scheme": scheme, "labels": labels}));
    }
    let heads = serde_json::json!({
        "format": 1, "base": "tiny-random-bert", "max_pieces": max_pieces, "stride": stride,
        "case_shapes": 8, "case_dim": 16,
        "heads": head_list,
        "quantization": "int8-row", "trained_on": "nothing (random)", "command": "tests", "dev": {}
    });
    std::fs::write(dir.join("heads.json"), heads.to_string()).unwrap();

    let device = Device::Cpu;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
    BertModel::load(vb, &config).expect("random body");
    let mut tensors: HashMap<String, Tensor> = varmap
        .data()
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_tensor().clone()))
        .collect();
    let extra = extra_heads
        .iter()
        .map(|(task, _, labels)| (*task, labels.len()));
    for (task, n) in [
        ("ner", NER_LABELS.len()),
        ("attribution", ATTRIBUTION_LABELS.len()),
    ]
    .into_iter()
    .chain(extra)
    {
        let t = |shape: &[usize]| Tensor::randn(0f32, 1.0, shape, &device).unwrap();
        tensors.insert(format!("heads.{task}.case_embedding.weight"), t(&[8, 16]));
        tensors.insert(format!("heads.{task}.classifier.weight"), t(&[n, 48]));
        tensors.insert(format!("heads.{task}.classifier.bias"), t(&[n]));
    }
    let mut owned: Vec<(String, Owned)> = Vec::new();
    for (name, tensor) in &tensors {
        if name == QUANTISED {
            let rows = tensor.to_vec2::<f32>().unwrap();
            let scales: Vec<f32> = rows
                .iter()
                .map(|r| r.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-8) / 127.0)
                .collect();
            let q: Vec<u8> = rows
                .iter()
                .zip(&scales)
                .flat_map(|(r, s)| {
                    r.iter()
                        .map(move |v| (v / s).round().clamp(-127.0, 127.0) as i8 as u8)
                })
                .collect();
            owned.push((
                name.clone(),
                Owned {
                    dtype: Dtype::I8,
                    shape: tensor.dims().to_vec(),
                    bytes: q,
                },
            ));
            owned.push((
                format!("{name}.scale"),
                Owned {
                    dtype: Dtype::F32,
                    shape: vec![scales.len()],
                    bytes: scales.iter().flat_map(|v| v.to_le_bytes()).collect(),
                },
            ));
        } else if name == HALF {
            let values = tensor.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            owned.push((
                name.clone(),
                Owned {
                    dtype: Dtype::F16,
                    shape: tensor.dims().to_vec(),
                    bytes: values
                        .iter()
                        .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
                        .collect(),
                },
            ));
        } else {
            owned.push((name.clone(), f32_owned(tensor)));
        }
    }
    let bytes = safetensors::serialize(owned.iter().map(|(k, v)| (k.as_str(), v)), None).unwrap();
    std::fs::write(dir.join("model.safetensors"), bytes).unwrap();
    tensors
}
