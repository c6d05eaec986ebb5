"""Shared fixtures: the seed article and one pipeline for the whole session."""
import os
import pathlib

import pytest

import stancegraph

ROOT = pathlib.Path(__file__).resolve().parents[3]
SEED = ROOT / "data" / "samples" / "000_668776db8feb23be.txt"


@pytest.fixture(scope="session")
def nlp():
    return stancegraph.Pipeline(workers=2)


@pytest.fixture(scope="session")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_path():
    return SEED


@pytest.fixture(scope="session")
def cli_binary():
    """The stancegraph binary built by cargo (STANCEGRAPH_BIN), if there is one."""
    path = os.environ.get("STANCEGRAPH_BIN") or str(ROOT / "target" / "release" / "stancegraph")
    return path if os.path.exists(path) else None
