"""Graphs through Python: merge, networkx round trip, exports."""
import json

import pytest

import stancegraph

TEXTS = [
    "Angela Merkel said Germany would support the treaty. Emmanuel Macron criticised Merkel.",
    "Emmanuel Macron said France opposes the tax. Boris Johnson praised Macron on Monday.",
    "Boris Johnson said Britain would leave. Angela Merkel warned Johnson about the deal.",
]


@pytest.fixture(scope="module")
def docs(nlp, seed_text):
    return nlp.annotate([seed_text, *TEXTS])


def test_merge_is_independent_of_order_and_grouping(docs):
    whole = stancegraph.Graph.from_documents(docs)
    parts = [stancegraph.Graph.from_documents([d]) for d in docs]
    flat = parts[0].merge(*parts[1:])
    nested = parts[3].merge(parts[1].merge(parts[2]), parts[0])
    assert flat.to_json() == whole.to_json() == nested.to_json()
    assert flat == whole
    assert whole.document_count == 4


def test_from_documents_leaves_out_error_records(nlp, docs):
    with_errors = docs + nlp.annotate([""])
    assert stancegraph.Graph.from_documents(with_errors) == stancegraph.Graph.from_documents(docs)


def test_networkx_round_trip(docs):
    nx = pytest.importorskip("networkx")
    graph = stancegraph.Graph.from_documents(docs)
    data = graph.to_dict()
    g = graph.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == len(data["nodes"])
    assert g.number_of_edges() == len(data["links"])
    for node in data["nodes"]:
        assert g.nodes[node["id"]] == {k: v for k, v in node.items() if k != "id"}
    # Back from networkx to node-link and into a graph: the same graph.
    nodes = [{"id": n, **attrs} for n, attrs in g.nodes(data=True)]
    links = [
        {"source": s, "target": t, "key": attrs["kind"], **attrs}
        for s, t, attrs in g.edges(data=True)
    ]
    back = {"directed": True, "multigraph": True, "graph": dict(g.graph), "nodes": nodes, "links": links}
    assert stancegraph.Graph.from_json(json.dumps(back)) == graph
    evidence = [e for _, _, a in g.edges(data=True) for e in a["evidence"]]
    assert evidence and all("text" in e for e in evidence)


def test_save_and_export(docs, tmp_path):
    graph = stancegraph.Graph.from_documents(docs)
    written = graph.save(tmp_path / "out")
    names = sorted(p.rsplit("/", 1)[-1] for p in written)
    assert names == ["graph.graphml", "graph.json", "report.html"]
    assert stancegraph.Graph.load(tmp_path / "out" / "graph.json") == graph
    [graphml] = graph.export("graphml", tmp_path / "g.graphml")
    assert open(graphml, encoding="utf-8").read().startswith("<?xml")
    with pytest.raises(ValueError):
        graph.export("png", tmp_path / "g.png")
    with pytest.raises(stancegraph.StancegraphError):
        stancegraph.Graph.load(tmp_path / "missing.json")
