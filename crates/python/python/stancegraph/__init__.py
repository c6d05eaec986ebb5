"""stancegraph: who said what, about whom.

News articles in, a knowledge graph of actors, quotes and stances out. The pipeline is
the Rust one of the ``stancegraph`` command line, with the default models compiled in.

>>> import stancegraph
>>> nlp = stancegraph.Pipeline()
>>> doc = nlp.annotate(["Tesla said on Monday it would cut prices."])[0]
>>> graph = stancegraph.Graph.from_documents([doc])
"""
from __future__ import annotations

import os
from itertools import islice
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from . import _native
from ._native import ConfigError, StancegraphError, __version__

__all__ = ["Pipeline", "Graph", "ConfigError", "StancegraphError", "__version__", "main"]

PathLike = Union[str, "os.PathLike[str]"]
Input = Union[str, bytes, Dict[str, Any], tuple]


def _config_args(config: Optional[PathLike]) -> Dict[str, Optional[str]]:
    """A config argument as the native layer takes it: a path, or TOML text."""
    if config is None:
        return {"config_path": None, "config_toml": None}
    if isinstance(config, os.PathLike):
        return {"config_path": os.fspath(config), "config_toml": None}
    if not isinstance(config, str):
        raise TypeError(f"config must be None, a path or a TOML string, not {type(config).__name__}")
    looks_like_toml = "\n" in config or "=" in config or config.lstrip().startswith("[")
    if looks_like_toml and not os.path.exists(config):
        return {"config_path": None, "config_toml": config}
    return {"config_path": config, "config_toml": None}


class Pipeline:
    """A configured stancegraph pipeline.

    ``Pipeline(config=None, workers=None, data_dir=None)``

    - ``config``: ``None`` for the embedded default pipeline, a path to a TOML config, or
      the TOML text itself. A config with problems raises :class:`ConfigError`, whose
      message and ``problems`` attribute list every problem with its path (as
      ``stancegraph validate`` does).
    - ``workers``: threads per call (default: ``[runner] workers``, else one per core).
    - ``data_dir``: a folder whose files override the embedded models (default:
      ``$STANCEGRAPH_DATA``, else the models compiled into the package).

    A pipeline is safe to share between threads; the GIL is released while it runs.
    """

    __slots__ = ("_native",)

    def __init__(self, config: Optional[PathLike] = None, workers: Optional[int] = None,
                 data_dir: Optional[PathLike] = None) -> None:
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                    or workers < 1):
            raise ValueError("workers must be a positive int")
        self._native = _native.Pipeline(
            workers=workers,
            data_dir=None if data_dir is None else os.fspath(data_dir),
            **_config_args(config),
        )

    @property
    def workers(self) -> int:
        """Threads used per call."""
        return self._native.workers

    @property
    def data_dir(self) -> str:
        """Where the models come from (``<embedded>``: compiled into the package)."""
        return self._native.data_dir

    @property
    def origin(self) -> str:
        """Where the config came from."""
        return self._native.origin

    def __repr__(self) -> str:
        return f"<stancegraph.Pipeline {self.origin!r}, {self.workers} workers>"

    def annotate(self, inputs: Union[Input, Iterable[Input]]) -> List[Dict[str, Any]]:
        """Annotates texts; returns one dict per input, in order.

        Each input is a ``str`` (plain text), ``bytes`` (a text file's content, encoding
        detected), a ``dict`` (a JSONL record: ``text`` or ``html``, optional ``id``,
        ``title``, ``date``, ``url``, ``outlet``, ``author``) or a ``(source, content)``
        pair read as the command line reads a file of that name. A single input may be
        passed without a list.

        A result has the ``documents.jsonl`` schema: ``id``, ``metadata``, ``text``,
        ``sentences``, ``tokens``, ``mentions``, ``entities``, ``quotes``, ``stances``,
        ``relations``, ... with code point offsets into its ``text`` (the input after
        whitespace normalisation), so ``doc["text"][start:end]`` is the span. An input
        that fails comes back as ``{"id", "source", "stage", "error", "skipped"}``
        instead of raising, and the other inputs are processed.
        """
        return self._native.annotate(inputs)

    def pipe(self, inputs: Iterable[Input], batch_size: int = 64) -> Iterator[Dict[str, Any]]:
        """Streams annotated documents: takes ``batch_size`` inputs at a time, annotates
        each batch on all workers and yields the results in input order."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        iterator = iter(inputs)
        while True:
            batch = list(islice(iterator, batch_size))
            if not batch:
                return
            yield from self._native.annotate(batch)

    def run(self, paths: Union[PathLike, Iterable[PathLike]], out: PathLike) -> Dict[str, Any]:
        """Runs the pipeline over files and folders as ``stancegraph run`` does: writes
        documents.jsonl, graph.json, the configured exports and the failure lists into
        ``out``; returns the run summary (documents, failed, words, words_per_s, ...)."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return self._native.run([os.fspath(p) for p in paths], os.fspath(out))


class Graph:
    """The knowledge graph: actors, issues and documents joined by ``said``, ``stance``,
    ``interaction``, ``affiliation``, ``hierarchy`` and ``co_occurrence`` edges, each with
    its evidence. Build one with :meth:`from_documents` or :meth:`load`; combine with
    :meth:`merge` (the result does not depend on order or grouping)."""

    __slots__ = ("_native",)

    def __init__(self, _native_graph: Optional["_native.Graph"] = None) -> None:
        self._native = _native.Graph() if _native_graph is None else _native_graph

    @staticmethod
    def from_documents(docs: Iterable[Dict[str, Any]]) -> "Graph":
        """The graph of annotated documents (as :meth:`Pipeline.annotate` returns them);
        error records are left out."""
        return Graph(_native.Graph.from_documents(docs))

    @staticmethod
    def load(path: PathLike) -> "Graph":
        """Reads a ``graph.json`` or the output folder of a run."""
        return Graph(_native.Graph.load(os.fspath(path)))

    @staticmethod
    def from_json(text: str) -> "Graph":
        """Reads a graph from node-link JSON text (what :meth:`to_json` returns)."""
        return Graph(_native.Graph.from_json(text))

    def merge(self, *others: "Graph") -> "Graph":
        """A new graph holding this one and ``others``; order and grouping do not matter."""
        return Graph(self._native.merge(*[o._native for o in others]))

    def to_json(self) -> str:
        """The node-link JSON that ``run`` writes to graph.json (without its final newline)."""
        return self._native.to_json()

    def save(self, out: PathLike, config: Optional[PathLike] = None) -> List[str]:
        """Writes graph.json (byte for byte what ``run`` writes) and the exports of
        ``config`` (default: the embedded config's GraphML and HTML report) into ``out``;
        returns the paths written."""
        return self._native.save(os.fspath(out), **_config_args(config))

    def export(self, format: str, path: PathLike) -> List[str]:
        """Writes one export: graphml, gexf, dot, neo4j (a folder), dna, nt, jsonld, html
        or json; returns the paths written."""
        return self._native.export(format, os.fspath(path))

    @property
    def node_count(self) -> int:
        """Actors, issues and documents."""
        return self._native.node_count

    @property
    def edge_count(self) -> int:
        """Edges before aggregation."""
        return self._native.edge_count

    @property
    def document_count(self) -> int:
        """Documents merged into the graph."""
        return self._native.document_count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Graph) and self._native == other._native

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._native)

    def to_dict(self) -> Dict[str, Any]:
        """The node-link data as Python objects."""
        import json

        return json.loads(self.to_json())

    def to_networkx(self):
        """A ``networkx.MultiDiGraph`` with every node and edge attribute (evidence
        included). Edge keys are the edge kinds (``said``, ``stance``, ...), numbered
        ``kind#2``, ``kind#3`` where one pair of nodes has several edges of a kind."""
        import networkx as nx

        data = self.to_dict()
        graph = nx.MultiDiGraph()
        graph.graph.update(data.get("graph", {}))
        for node in data["nodes"]:
            attributes = {k: v for k, v in node.items() if k != "id"}
            graph.add_node(node["id"], **attributes)
        for link in data["links"]:
            attributes = {k: v for k, v in link.items() if k not in ("source", "target", "key")}
            key = link.get("key", link.get("kind"))
            if graph.has_edge(link["source"], link["target"], key):
                n = 2
                while graph.has_edge(link["source"], link["target"], f"{key}#{n}"):
                    n += 1
                key = f"{key}#{n}"
            graph.add_edge(link["source"], link["target"], key=key, **attributes)
        return graph


def main(argv: Optional[List[str]] = None) -> int:
    """The ``stancegraph`` command line (``python -m stancegraph run ...``)."""
    import sys

    args = sys.argv[1:] if argv is None else list(argv)
    return _native.cli(["stancegraph", *args])
