"""Fixtures of the hostile-container suite: hostile images by fault, a data directory with tight limits, and the
checks every scenario ends with (no record, no container, no work folder left)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from braindock.config import load_settings
from braindock.execution.engines.base import LABEL_RUNNER, process_identity

CONTAINERS = Path(__file__).parents[1] / "containers"
# test model -> (build context, Dockerfile in it): the hostile model builds on the faulty one's files
CONTEXTS = {"hostile": (CONTAINERS, "hostile/Dockerfile"), "faulty": (CONTAINERS / "faulty", None)}
LIMITS = {"timeout_s": 20, "memory": "512m", "pids": 64, "output": "64m"}  # tight, so each attack ends in seconds


@pytest.fixture(scope="session")
def test_image(engine):
    """test_image('hostile', 'net_udp') or test_image('faulty', 'nan') -> tag of that test model built with that fault.
    Built when missing, even if built before: another test session on the same engine may have removed it."""
    from braindock.errors import UsageError

    def build(kind: str, fault: str) -> str:
        tag = f"braindock-test/{kind}:{fault.replace('_', '-')}"
        try:
            engine.inspect(tag)
        except UsageError:
            engine.build(CONTEXTS[kind][0], tag, dockerfile=CONTEXTS[kind][1], build_args={"FAULT": fault})
        return tag

    return build


@pytest.fixture(scope="session")
def hostile_image(test_image):
    return lambda fault: test_image("hostile", fault)


@pytest.fixture(scope="session")
def exported(engine, tmp_path_factory):
    """A store holding the IT benchmark's export, made under the default limits (the hostile homes' are tight)."""
    from braindock.execution.benchmarks import load_benchmark
    from conftest import IT_BENCHMARK

    home = tmp_path_factory.mktemp("hostile-export")
    load_benchmark(engine, load_settings(home), IT_BENCHMARK)
    return home / "store"


def make_home(tmp_path: Path, store: Path, **limits) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "store").symlink_to(store)
    (home / "config.yaml").write_text(yaml.safe_dump({"limits": {**LIMITS, **limits}}))
    return home


def ledger_rows(home: Path) -> int:
    path = home / "ledger.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return connection.execute("SELECT COUNT(*) FROM records").fetchone()[0] if "records" in tables else 0


def own_containers(engine) -> list[str]:
    """Containers (running or not) that this test process started."""
    me = process_identity(__import__("os").getpid())
    return [c.name for c in engine.managed() if c.labels.get(LABEL_RUNNER) == me]


def leftovers(engine, home: Path) -> dict:
    """What a finished command left behind: containers of ours, work folders, ledger records, spooled records."""
    work, spool = home / "work", home / "spool"
    return {"containers": own_containers(engine),
            "work": sorted(p.name for p in work.iterdir()) if work.exists() else [],
            "records": ledger_rows(home),
            "spool": sorted(p.name for p in spool.rglob("*") if p.is_file()) if spool.exists() else []}


NOTHING_LEFT = {"containers": [], "work": [], "records": 0, "spool": []}


def parse_error(out: str) -> dict:
    """The error document `--json` prints on stdout."""
    return json.loads(out)
