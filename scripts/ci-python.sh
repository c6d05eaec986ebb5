#!/usr/bin/env bash
# The Python package and the Spark job, as CI runs them:
#  1. builds the wheel in a fresh virtualenv (maturin from PyPI) and installs it there;
#  2. runs the pytest suite against it (and the release binary, for the CLI comparisons);
#  3. with a Java runtime (Debian's, installed when missing) and PySpark from PyPI, runs
#     examples/spark/annotate_corpus.py on local[2] over 200 BBC articles and checks that
#     the merged graph equals, byte for byte, the graph of one `stancegraph run` over the
#     same files; then again with one partition's first attempt failing (Spark retries it).
# The Spark part skips, with a notice, when ../shared/data/bbc-news is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== python: fresh virtualenv, maturin and test tools from PyPI"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check maturin pytest networkx

echo "== python: build the wheel"
cargo build --release --quiet
started=$(date +%s)
"$work/venv/bin/maturin" build --release --strip --quiet -m crates/python/Cargo.toml --out "$work/wheels"
wheel=$(ls "$work"/wheels/stancegraph-*.whl)
echo "built $(basename "$wheel"): $(du -h "$wheel" | cut -f1), $(( $(date +%s) - started )) s"
"$py" -m pip install --quiet --disable-pip-version-check "$wheel"

echo "== python: pytest"
# From another folder, so `import stancegraph` is the installed wheel, not the source tree.
(cd "$work" && STANCEGRAPH_BIN="$root/target/release/stancegraph" \
  "$py" -m pytest -q -p no:cacheprovider "$root/crates/python/tests")

bbc="$root/../shared/data/bbc-news/bbc"
if [ ! -d "$bbc" ]; then
  echo "NOTICE: $bbc is absent: the Spark test is skipped"
  exit 0
fi

echo "== spark: Java runtime and PySpark"
if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | head -1
"$py" -m pip install --quiet --disable-pip-version-check pyspark

echo "== spark: 200 BBC articles (the first 40 of each topic)"
corpus="$work/bbc200"
for topic in business entertainment politics sport tech; do
  mkdir -p "$corpus/$topic"
  find "$bbc/$topic" -maxdepth 1 -name '*.txt' | sort | sed -n '1,40p' | xargs -I{} cp {} "$corpus/$topic/"
done
test "$(find "$corpus" -type f | wc -l)" -eq 200

# The reference: one `stancegraph run` (the wheel's own command line, so both sides are
# the same build of the pipeline).
"$py" -m stancegraph run "$corpus" --out "$work/cli" --stats 2>/dev/null | tail -1

# Byte for byte (actors carry their per-document gender votes, so a merge of partial
# graphs reaches the same majority as one run).
same_graph() {
  cmp "$1" "$2" || { echo "graphs differ: $1 $2"; return 1; }
}

spark_job() {
  "$py" examples/spark/annotate_corpus.py --master "$1" "$corpus" "$2" "${@:3}" 2> "$2.log" \
    || { tail -40 "$2.log"; return 1; }
  grep '^partition' "$2.log" || true
}

echo "== spark: local[2]"
spark_job "local[2]" "$work/spark" | tail -3
same_graph "$work/cli/graph.json" "$work/spark/graph.json"
test "$(cat "$work"/spark/documents/part-* | wc -l)" -eq "$(wc -l < "$work/cli/documents.jsonl")"
echo "spark graph.json == stancegraph run graph.json ($(wc -c < "$work/cli/graph.json") bytes)"

echo "== spark: partition 1 fails on its first attempt and is retried"
# local[N,F]: N threads, F attempts per task (plain local[N] never retries).
spark_job "local[2,2]" "$work/retry" --fail-once 1 --fail-marker "$work/failed-once" | tail -3
grep -q "partition 1 failed on attempt 0" "$work/failed-once"
same_graph "$work/cli/graph.json" "$work/retry/graph.json"
echo "after a retried task the graph is still identical"
echo "python and spark: 2 passed, 0 failed"
