"""The pipeline through Python: seed facts, bad input, config errors, threads."""
import json
import subprocess
import sys
import threading

import pytest

import stancegraph


def speaker_of(doc, needle):
    """Canonical name of the speaker of the quote whose content contains `needle`."""
    text = doc["text"]
    for quote in doc["quotes"]:
        content = text[quote["content"]["start"]:quote["content"]["end"]]
        if needle in content and quote["speaker"].get("type") == "entity":
            for entity in doc["entities"]:
                if entity["id"] == quote["speaker"]["id"]:
                    return entity["canonical"]
    return None


def facts(doc):
    """What the CLI and Python must agree on: entities and attributed quotes."""
    text = doc["text"]
    entities = sorted((e["canonical"], e["entity_type"]) for e in doc["entities"])
    quotes = sorted(
        (text[q["content"]["start"]:q["content"]["end"]], q["kind"], json.dumps(q["speaker"], sort_keys=True))
        for q in doc["quotes"]
    )
    return entities, quotes


def test_seed_quotes_and_entities(nlp, seed_text):
    [doc] = nlp.annotate([seed_text])
    assert "error" not in doc
    assert doc["offsets"] == "codepoint"
    # Facts tests/seed.rs also asserts for the command line.
    assert speaker_of(doc, "Leninist business model") == "Scott Bessent"
    names = {e["canonical"] for e in doc["entities"]}
    assert {"Scott Bessent", "Wendy Cutler", "He Lifeng", "China"} <= names
    # Code point offsets index the Python string directly.
    for mention in doc["mentions"]:
        span = doc["text"][mention["span"]["start"]:mention["span"]["end"]]
        assert span and span == span.strip()


def test_seed_matches_the_command_line(nlp, seed_path, cli_binary, tmp_path):
    """Read as the CLI reads the file: same document, byte for byte."""
    [doc] = nlp.annotate([(str(seed_path), seed_path.read_bytes())])
    if cli_binary:
        command = [cli_binary, "run", str(seed_path), "--out", str(tmp_path)]
    else:
        command = [sys.executable, "-m", "stancegraph", "run", str(seed_path), "--out", str(tmp_path)]
    subprocess.run(command, check=True, capture_output=True)
    line = (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0]
    cli_doc = json.loads(line)
    assert facts(doc) == facts(cli_doc)
    assert doc == cli_doc
    # A plain string gives the same annotations (only the source differs).
    [from_text] = nlp.annotate(seed_path.read_text(encoding="utf-8"))
    assert facts(from_text) == facts(cli_doc)


def test_bad_inputs_come_back_as_errors_and_the_rest_is_processed(nlp):
    good = "Boris Johnson said the plan was a disaster."
    results = nlp.annotate([5, None, "", "   \n ", good, b"Angela Merkel said no.", {"title": "no text"}, ("a.jsonl", "{}")])
    assert len(results) == 8
    for bad in results[:4] + results[6:]:
        assert bad["error"], bad
    assert "int" in results[0]["error"]
    assert "error" not in results[4] and results[4]["tokens"]
    assert "error" not in results[5] and results[5]["tokens"]


def test_invalid_utf8_bytes_are_decoded_not_fatal(nlp):
    [doc] = nlp.annotate([b"The minister said \xe9t\xe9 was over."])
    assert "error" not in doc, doc
    assert "minister" in doc["text"]


def test_a_ten_megabyte_string_does_not_crash(nlp):
    # Ten megabytes in long words (quick to process): no crash, no hang, and the next
    # input is still processed.
    huge = ("a" * 999 + " ") * (10 * 1024 * 1024 // 1000)
    assert len(huge) >= 10 * 1000 * 1000
    results = nlp.annotate([huge, "Tesla said it would cut prices."])
    assert len(results) == 2
    assert "error" not in results[1]
    first = results[0]
    assert "error" in first or len(first["text"]) > 10_000_000


def test_pipe_streams_in_batches(nlp):
    pulled = []

    def texts():
        for i in range(7):
            pulled.append(i)
            yield f"Minister {i} said the plan would work."

    stream = nlp.pipe(texts(), batch_size=3)
    first = next(stream)
    assert "error" not in first
    assert len(pulled) == 3, "only the first batch is read before the first result"
    rest = list(stream)
    assert len(rest) == 6 and len(pulled) == 7
    with pytest.raises(ValueError):
        next(nlp.pipe(["x"], batch_size=0))


def test_config_errors_list_every_problem_with_its_path():
    bad = """
[runner]
workers = "many"

[[stages]]
stage = "text.tokenise"

[[stages]]
stage = "entities.ner"
min_confidence = 7
"""
    with pytest.raises(stancegraph.ConfigError) as caught:
        stancegraph.Pipeline(bad)
    problems = caught.value.problems
    assert len(problems) >= 2, problems
    paths = [path for path, _ in problems]
    assert any(p.startswith("stages[0]") for p in paths), paths
    assert "text.tokenize" in str(caught.value)  # the suggestion for the misspelt stage
    for path, message in problems:
        assert path in str(caught.value) and message


def test_a_missing_model_file_is_a_config_error(tmp_path):
    config = tmp_path / "pipeline.toml"
    config.write_text('[[stages]]\nstage = "text.tokenize"\n\n[[stages]]\nstage = "text.pos"\nmodel = "models/text/none.bin"\n')
    with pytest.raises(stancegraph.ConfigError) as caught:
        stancegraph.Pipeline(config)
    assert caught.value.problems[0][0] == "stages[1].model"
    with pytest.raises(stancegraph.ConfigError):
        stancegraph.Pipeline(str(tmp_path / "absent.toml"))
    with pytest.raises(ValueError):
        stancegraph.Pipeline(workers=0)


def test_many_threads_annotate_at_once(nlp, seed_text):
    texts = [seed_text, "Angela Merkel said Germany would help.", seed_text[:1500]]
    expected = nlp.annotate(texts)
    results, errors = [None] * 8, []

    def work(i):
        try:
            results[i] = nlp.annotate(texts)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors
    assert all(r == expected for r in results)


def test_run_writes_what_the_cli_writes(nlp, seed_path, tmp_path):
    summary = nlp.run([seed_path], tmp_path)
    assert summary["documents"] == 1 and summary["failed"] == 0
    graph = stancegraph.Graph.load(tmp_path)
    assert (tmp_path / "graph.json").read_text(encoding="utf-8") == graph.to_json() + "\n"


def test_python_m_stancegraph_runs_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "stancegraph", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "stancegraph" in done.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[[stages]]\nstage = "nope"\n')
    done = subprocess.run([sys.executable, "-m", "stancegraph", "validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2 and "nope" in done.stderr
