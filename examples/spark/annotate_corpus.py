#!/usr/bin/env python3
"""Annotate a corpus on Spark and merge the partial graphs into one knowledge graph.

    spark-submit examples/spark/annotate_corpus.py INPUT OUT [--partitions N] [--config C]

INPUT is a directory (read recursively) or glob of articles: ``.txt``/``.html`` files or
``.jsonl`` files of records (``text``/``html``, ``id``, ``title``, ``date``, ``url``, ...),
on any file system Spark reads (local, HDFS, S3). Each partition is annotated with the
``stancegraph`` Python package (``mapPartitionsWithIndex``, one pipeline per Python worker,
reused across tasks), its documents go to ``OUT/documents/part-*`` (documents.jsonl lines)
and its partial graph is reduced with ``Graph.merge`` (order- and grouping-independent, so
retried or speculative tasks cannot change the result). The driver writes ``OUT/graph.json``
plus the configured exports and report, and ``OUT/failed.jsonl``.

For text and HTML files the graph is byte for byte the one ``stancegraph run INPUT`` writes
(document sources are the files' paths, without the ``file:`` scheme; files with identical
bytes count once, the first path in sorted order, as in ``run``). Not reproduced across
partitions: ``run``'s near-duplicate filter (``[source] near_duplicate_similarity``), which
depends on the order documents arrive in, and JSONL records without a ``url`` get the
source ``<dict>:1`` instead of ``FILE:LINE``.

On a cluster, every executor needs the package: install the wheel on the executors' Python
(``pip install stancegraph-*.whl``), or ship it with the job:
``spark-submit --py-files stancegraph-0.1.0-cp39-abi3-manylinux_2_34_x86_64.whl ...`` (an
abi3 wheel holds the compiled extension; executors must run Linux x86_64 with glibc 2.34+
and Python 3.9+; ``--py-files`` adds the wheel to ``sys.path`` like a zip).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)

_PIPELINES = {}


def pipeline(config, workers):
    """One pipeline per Python worker process and config (models load once, ~0.5 s)."""
    import stancegraph

    key = (config, workers)
    if key not in _PIPELINES:
        _PIPELINES[key] = stancegraph.Pipeline(config, workers=workers)
    return _PIPELINES[key]


def local_path(uri):
    """The path a file URI names, as the command line would print it."""
    return uri[len("file:"):] if uri.startswith("file:") else uri


def content_key(content):
    """Identity of a file's bytes."""
    import hashlib

    return hashlib.sha256(bytes(content)).hexdigest()


def inputs_of(rows):
    """(source, content) pairs for text and HTML files; dicts for JSONL records."""
    for uri, content in rows:
        source = local_path(uri)
        name = source.lower()
        if name.endswith(JSONL_SUFFIXES):
            for line in bytes(content).decode("utf-8", "replace").splitlines():
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError as error:
                        yield {"__invalid__": f"{source}: {error}"}
        elif name.endswith(TEXT_SUFFIXES):
            yield (source, bytes(content))


def annotate_partition(config, workers, fail_once, fail_marker):
    """The function each task runs: documents, failures and one partial graph."""

    def run(index, rows):
        from pyspark import TaskContext

        import stancegraph

        context = TaskContext.get()
        if fail_once is not None and index == fail_once and context is not None \
                and context.attemptNumber() == 0:
            if fail_marker:
                with open(fail_marker, "a", encoding="utf-8") as marker:
                    marker.write(f"partition {index} failed on attempt 0\n")
            raise RuntimeError(f"partition {index}: failing the first attempt on purpose")
        began = time.time()
        nlp = pipeline(config, workers)
        loaded = time.time()
        docs, words = [], 0
        for doc in nlp.pipe(inputs_of(rows), batch_size=32):
            if "error" in doc:
                yield ("failed", json.dumps(doc, sort_keys=True))
                continue
            words += len(doc["text"].split())
            docs.append(doc)
            yield ("document", json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        graph = stancegraph.Graph.from_documents(docs)
        print(f"partition {index}: {len(docs)} documents, pipeline ready in {loaded - began:.1f}s, "
              f"annotated and graphed in {time.time() - loaded:.1f}s", file=sys.stderr)
        yield ("graph", graph.to_json())
        yield ("words", str(words))

    return run


def merge_json(left, right):
    """Merges two partial graphs (node-link JSON); associative and commutative."""
    import stancegraph

    return stancegraph.Graph.from_json(left).merge(stancegraph.Graph.from_json(right)).to_json()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="directory or glob of .txt/.html/.jsonl files")
    parser.add_argument("out", help="output directory (graph.json, exports, documents/)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions (default: Spark's default parallelism)")
    parser.add_argument("--config", default=None, help="pipeline config (default: embedded)")
    parser.add_argument("--workers", type=int, default=1,
                        help="pipeline threads per task (default 1: Spark runs one task per core)")
    parser.add_argument("--master", default=None, help="Spark master when run without spark-submit")
    parser.add_argument("--fail-once", type=int, default=None, metavar="PARTITION",
                        help="testing: fail this partition's first attempt (Spark retries it)")
    parser.add_argument("--fail-marker", default=None,
                        help="testing: file the failing attempt appends a line to")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    import stancegraph

    # Local runs: Python workers use this interpreter (the one stancegraph is installed in).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("stancegraph-annotate").config(
        "spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    started = time.time()

    input_path = args.input
    if os.path.isdir(input_path) and not any(c in input_path for c in "*?["):
        # binaryFiles reads a directory's files, not its subdirectories: name them all.
        files = sorted(
            os.path.join(root, name)
            for root, _, names in os.walk(input_path)
            for name in names
            if name.lower().endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)
        )
        input_path = ",".join(files)
    partitions = args.partitions or sc.defaultParallelism
    # Files with the same bytes are one document: keep the first path in sorted order, as
    # `stancegraph run` keeps the first it reads and skips the rest as exact duplicates.
    rows = sc.binaryFiles(input_path, minPartitions=partitions) \
        .map(lambda row: (content_key(row[1]), row)) \
        .reduceByKey(lambda a, b: a if a[0] <= b[0] else b, numPartitions=partitions) \
        .values()
    from pyspark import StorageLevel

    print(f"input listed in {time.time() - started:.1f}s", file=sys.stderr)
    annotated = rows.mapPartitionsWithIndex(
        annotate_partition(args.config, args.workers, args.fail_once, args.fail_marker)
    ).persist(StorageLevel.MEMORY_AND_DISK)

    os.makedirs(args.out, exist_ok=True)
    documents_dir = os.path.join(args.out, "documents")
    annotated.filter(lambda kv: kv[0] == "document").map(lambda kv: kv[1]) \
        .saveAsTextFile(documents_dir if "://" in documents_dir else "file://" + os.path.abspath(documents_dir))
    print(f"documents written in {time.time() - started:.1f}s", file=sys.stderr)
    graph_json = annotated.filter(lambda kv: kv[0] == "graph").map(lambda kv: kv[1]) \
        .treeReduce(merge_json, depth=2)
    print(f"annotated and reduced in {time.time() - started:.1f}s", file=sys.stderr)
    failed = annotated.filter(lambda kv: kv[0] == "failed").map(lambda kv: kv[1]).collect()
    words = annotated.filter(lambda kv: kv[0] == "words").map(lambda kv: int(kv[1])).sum()
    annotated.unpersist()

    graph = stancegraph.Graph.from_json(graph_json)
    written = graph.save(args.out, config=args.config)
    with open(os.path.join(args.out, "failed.jsonl"), "w", encoding="utf-8") as out:
        for line in sorted(failed):
            out.write(line + "\n")
    seconds = time.time() - started
    summary = {
        "documents": graph.document_count,
        "failed": len(failed),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 1) if seconds > 0 else 0.0,
        "partitions": partitions,
        "master": sc.master,
        "written": written,
    }
    print(json.dumps(summary))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
