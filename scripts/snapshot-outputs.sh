#!/usr/bin/env bash
# Writes every user-visible output of the default pipeline into DIR so that two builds can be
# compared byte for byte (the restructuring contract): run on the seed article and on the
# first 300 BBC articles (documents.jsonl, graph.json, report, failed.jsonl), every export
# format of both graphs, `annotate` on the seed, and (with --evals) the last JSON line of
# every eval command on the dev data.
#
# Usage: scripts/snapshot-outputs.sh DIR [--evals] [--bin PATH]
#        scripts/snapshot-outputs.sh --compare BEFORE_DIR AFTER_DIR
# A typical check: snapshot at the old commit's binary, change code, snapshot again, compare.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--compare" ]]; then
  [[ $# -eq 3 ]] || { echo "usage: $0 --compare BEFORE AFTER" >&2; exit 2; }
  if diff -r -q "$2" "$3"; then
    echo "identical: $(find "$2" -type f | wc -l) files"
  else
    echo "DIFFERENT (first differing lines below)" >&2
    diff -r "$2" "$3" | head -40 >&2
    exit 1
  fi
  exit 0
fi

dir="${1:?usage: $0 DIR [--evals] [--bin PATH]}"
shift
evals=0
bin=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --evals) evals=1 ;;
    --bin) bin="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "$bin" ]]; then
  cargo build --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/stancegraph"
fi
bin=$(realpath "$bin")
mkdir -p "$dir"
dir=$(realpath "$dir")
data=../shared/data
seed=data/samples/000_668776db8feb23be.txt
mkdir -p "$dir"
rm -rf "${dir:?}"/*

# Outputs carry no timestamps except the run's own; strip fields that legitimately differ
# between two runs (wall-clock times, the binary's path) so the comparison is about content.
normalise() { sed -E 's/"(seconds|elapsed_ms|elapsed_s|started_at|finished_at|wall_ms|words_per_second|words_per_sec|words_per_s|tokens_per_second|docs_per_second)": ?[0-9.eE+"T:Z-]+/"\1":0/g' "$1"; }

snapshot_run() { # NAME INPUT...
  local name="$1"; shift
  local out; out=$(mktemp -d)
  "$bin" run --workers 1 --out "$out" "$@" >/dev/null 2>"$dir/$name.stderr" || echo "exit $?" >>"$dir/$name.stderr"
  sed -i -E -e 's/[0-9]+(\.[0-9]+)? ?(ms|s)\b/T/g' -e "s|$out|OUT|g" "$dir/$name.stderr"
  mkdir -p "$dir/$name"
  (cd "$out" && find . -type f | sort) | while read -r f; do
    mkdir -p "$dir/$name/$(dirname "$f")"
    normalise "$out/$f" >"$dir/$name/$f"
  done
  for format in json graphml gexf dot nt jsonld html dna; do
    "$bin" export --format "$format" --out "$dir/$name/export.$format" "$out/graph.json" >/dev/null
  done
  "$bin" export --format neo4j --out "$dir/$name/export-neo4j" "$out/graph.json" >/dev/null
  "$bin" export --format sources --out "$dir/$name/export-sources.csv" "$out/graph.json" >/dev/null
  "$bin" export --format sources --out "$dir/$name/export-sources.json" "$out/graph.json" >/dev/null
  "$bin" export --format json --actor-network --out "$dir/$name/export-actor-network.json" "$out/graph.json" >/dev/null
  "$bin" export --format json --min-confidence 0.5 --edge-kinds said,stance --out "$dir/$name/export-filtered.json" "$out/graph.json" >/dev/null
  rm -rf "$out"
}

snapshot_run seed "$seed"
"$bin" annotate "$seed" >"$dir/seed-annotate.jsonl"
if [[ -d "$data/bbc-news/bbc" ]]; then
  # Every tenth article of the sorted corpus (all five sections), copied (symlinks are
  # skipped by design) under a fixed relative name so that source paths do not differ.
  list=$(mktemp -d)
  find "$data/bbc-news/bbc" -name '*.txt' | sort | awk 'NR % 7 == 0' | head -300 | while read -r f; do
    rel="${f#"$data/bbc-news/bbc/"}"; mkdir -p "$list/bbc300/$(dirname "$rel")"; cp "$f" "$list/bbc300/$rel"
  done
  (cd "$list" && snapshot_run bbc300 bbc300)
  rm -rf "$list"
else
  echo "notice: $data/bbc-news absent, BBC snapshot skipped" >&2
fi

if [[ $evals -eq 1 ]]; then
  ev() { local name="$1"; shift; "$bin" eval "$@" 2>/dev/null | tail -n 1 | normalise /dev/stdin >"$dir/eval-$name.json"; }
  ev pos pos --conllu "$data/ud-english-ewt/en_ewt-ud-dev.conllu"
  ev parse parse --conllu "$data/ud-english-ewt/en_ewt-ud-dev.conllu"
  ev parse-raw parse --conllu "$data/ud-english-ewt/en_ewt-ud-dev.conllu" --raw
  ev ner ner --conll "$data/conll2003/eng.testa"
  ev quotes-polnear quotes --polnear "$data/polnear/dev"
  ev quotes-ggt quotes --ggt "$data/ggt/ggt_dev.jsonl"
  ev stance stance --seesaw "$data/seesaw" --split valid
  ev sentiment sentiment --newsmtsc "$data/newsmtsc/train.jsonl"
  ev extract extract --aeb "$data/article-extraction"
fi
echo "snapshot in $dir: $(find "$dir" -type f | wc -l) files"
