"""Sessions: `nox` runs the tests (engine tests included); `nox -s demo` sets up and scores the reference suite."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
ROOT = Path(__file__).parent


def _setup(session: nox.Session, extras: str = "") -> None:
    """Engine up, base image built, braindock installed in the session's environment."""
    session.run("bash", str(ROOT / "containers" / "setup.sh"), external=True)
    _install(session, "-e", f".{extras}")


def _install(session: nox.Session, *args: str) -> None:
    """pip install with pip's own lines and one every 20 s while pip says nothing (it unpacks numpy, scipy, ... in
    silence: 44 s on a loaded 2-core machine), so a logged first run never goes quiet."""
    stop, started = threading.Event(), time.monotonic()

    def beat() -> None:
        while not stop.wait(20):
            session.log(f"pip install {' '.join(args)}: still installing after {time.monotonic() - started:.0f} s")

    threading.Thread(target=beat, daemon=True).start()
    try:
        session.install(*args, silent=False)
    finally:
        stop.set()


@nox.session
def tests(session: nox.Session) -> None:
    """All tests, the Docker engine tests included (they build the reference images on first use)."""
    _setup(session, "[test]")
    session.run("bash", str(ROOT / "containers" / "slurm" / "setup.sh"), external=True)  # one Slurm node for the suite tests
    session.run("pytest", *(session.posargs or ["tests"]))


@nox.session
def unit(session: nox.Session) -> None:
    """The fast tests that need no container engine."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not engine", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Set everything up, build the reference containers, score every reference model on every benchmark, show the
    leaderboard (and where its plot went); then remove the untagged images the builds left, and say how to go on."""
    _setup(session)
    session.run("braindock", "reference")
    session.run("braindock", "build", "--clean")
    session.log(f"braindock is installed in this session's environment: `source {session.virtualenv.location}/bin/activate` "
                "to use it (README: Using it)")


@nox.session
def bench(session: nox.Session) -> None:
    """Speed and memory benchmarks; each prints our time against a baseline measured in the same run."""
    session.install("-e", ".[test]")
    for script in sorted((ROOT / "tests" / "bench").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)


@nox.session
def validity(session: nox.Session) -> None:
    """Can every simulated neural benchmark tell models apart? Prints a table per benchmark, saves tests/validity/validity.png;
    then scores the vision models (CNN family included; real containers) and reports object accuracy against IT score.
    Run whole (no posargs, which name report.py's parts), it then measures the design table (tests/design/design_table.py:
    do better-scoring models design better experiments? about 16 min) into tests/design/design_table.json and .png."""
    session.install("-e", ".")
    session.run("python", str(ROOT / "tests" / "validity" / "report.py"), "--plot", str(ROOT / "tests" / "validity" / "validity.png"), *session.posargs)
    if not session.posargs:
        session.run("python", str(ROOT / "tests" / "design" / "design_table.py"), str(Path(session.create_tmp()) / "design"),
                    "--json", str(ROOT / "tests" / "design" / "design_table.json"))


# Brain-Score vision 2.4.2 and what its metrics import, pinned to versions it accepts (numpy<2, scikit-learn<1.6,
# pandas<3, xarray<2022.6). brainscore-core 2.5 vendors Brain-Score's brainio (the PyPI `brainio` is BrainGlobe's).
BRAINSCORE = ["brainscore-vision==2.4.2", "brainscore-core==2.5.0", "result-caching==0.5"]  # installed --no-deps
BRAINSCORE_DEPENDENCIES = ["numpy==1.26.4", "scipy==1.13.1", "scikit-learn==1.5.2", "pandas==1.5.3",
                           "xarray==2022.3.0", "netCDF4", "tqdm", "boto3", "six", "pillow", "psutil"]


@nox.session
def parity(session: nox.Session) -> None:
    """Our metrics against Brain-Score vision 2.4.2's own on the same inputs (tests/parity/README.md). Brain-Score
    gets a venv of its own (.nox/parity-brainscore, no torch), never a dependency of braindock."""
    session.install("-e", ".")
    venv = ROOT / ".nox" / "parity-brainscore"
    python = venv / "bin" / "python"
    env = {"BS_INSTALL_DEPENDENCIES": "no"}  # else Brain-Score's load_metric runs `pip install` for each plugin
    if not python.exists():
        session.run("python", "-m", "venv", str(venv))
    # pip then warns that torch, jupyter, opencv, ... "are not installed": on purpose, the metrics need none of them
    session.run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", *BRAINSCORE, external=True, env=env)
    session.run(str(python), "-m", "pip", "install", "--quiet", *BRAINSCORE_DEPENDENCIES, external=True, env=env)
    session.run("python", str(ROOT / "tests" / "parity" / "compare.py"), "--brainscore-python", str(python),
                *session.posargs, env=env)
