#!/usr/bin/env bash
# Throughput of the whole default pipeline over the BBC News corpus (2,225 articles):
# one worker, then all cores. Prints documents/s, words/s and peak RSS for each run.
# Usage: scripts/bench-corpus.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/data/bbc-news/bbc}"
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 2; }
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/stancegraph"
cores=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for workers in 1 "$cores"; do
  /usr/bin/time -v "$bin" run --workers "$workers" --stats --out "$out/w$workers" "$corpus" \
    >"$out/stats$workers.json" 2>"$out/time$workers.txt" || true
  rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/time$workers.txt")
  python3 - "$out/stats$workers.json" "$rss_kb" "$workers" <<'PY'
import json, sys
stats = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
rss_mb = int(sys.argv[2]) / 1024
docs_s = stats["documents"] / stats["seconds"]
print(f"workers={sys.argv[3]} documents={stats['documents']} failed={stats['failed']} words={stats['words']} "
      f"seconds={stats['seconds']:.2f} docs/s={docs_s:.1f} words/s={stats['words_per_s']:.0f} peak_rss_mb={rss_mb:.0f}")
PY
done
