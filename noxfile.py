"""Sessions: `nox` runs the tests (engine tests included); `nox -s demo` sets up and scores the reference suite."""
from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
ROOT = Path(__file__).parent


def _setup(session: nox.Session, extras: str = "") -> None:
    """Engine up, base image built, braindock installed in the session's environment."""
    session.run("bash", str(ROOT / "containers" / "setup.sh"), external=True)
    session.install("-e", f".{extras}")


@nox.session
def tests(session: nox.Session) -> None:
    """All tests, the Docker engine tests included (they build the reference images on first use)."""
    _setup(session, "[test]")
    session.run("pytest", *(session.posargs or ["tests"]))


@nox.session
def unit(session: nox.Session) -> None:
    """The fast tests that need no container engine."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not engine", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Set everything up, build the reference containers, score every reference model on every benchmark, show the leaderboard."""
    _setup(session)
    session.run("braindock", "reference")


@nox.session
def bench(session: nox.Session) -> None:
    """Speed and memory benchmarks; each prints our time against a baseline measured in the same run."""
    session.install("-e", ".[test]")
    for script in sorted((ROOT / "tests" / "bench").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)


@nox.session
def validity(session: nox.Session) -> None:
    """Can every simulated neural benchmark tell models apart? Prints a table per benchmark, saves tests/validity/validity.png."""
    session.install("-e", ".")
    session.run("python", str(ROOT / "tests" / "validity" / "report.py"), "--plot", str(ROOT / "tests" / "validity" / "validity.png"), *session.posargs)
