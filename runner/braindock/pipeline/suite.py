"""`braindock suite`: score every pair of models x benchmarks that a model commits to; resumable, nothing lost.

The suite is named by content (the model and benchmark image IDs and the seed), so running the same suite again
finds its folder: pairs already in the ledger are skipped, records that workers left in the spool are taken
first, and only what is left is run. Each distinct model request runs once (pairs share a run by content key).
Folder: suites/<id>/ with plan.json, runs/<run key>/input (the laid-out requests), failed/<pair key>.json,
timings/<job>.json and the executor's own files (logs/, slurm-jobs.json).
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from ..config import Settings, load_settings
from ..errors import BraindockError, Problem
from ..execution.engines import Engine, get_engine
from ..execution.executors import HEARTBEAT_S, RUN, SCORE, Ended, Executor, Job, Worker
from ..execution.reaper import held
from ..provenance import activation_cache, spool
from ..provenance.ledger import Ledger
from ..store import Store, atomic_write, canonical_json, sha256_bytes
from . import score_pair
from .execute import execute
from .plan import Pair, Plan, Step, load_plan, plan, silent

DONE, RUNNING, FAILED, PENDING = "done", "running", "failed", "pending"


@dataclass(frozen=True)
class Suite:
    suite_id: str
    folder: Path
    plan: Plan


@dataclass(frozen=True)
class PairState:
    pair: Pair
    state: str
    record_id: str | None = None
    reason: str = ""

    def to_dict(self) -> dict:
        return {"model": self.pair.model.image.reference, "model_image_id": self.pair.model.image.image_id,
                "benchmark": self.pair.benchmark.image.reference, "pair": self.pair.key, "state": self.state,
                "record_id": self.record_id, "reason": self.reason}


def prepare(models: list[str], benchmarks: list[str], settings: Settings, engine: Engine, seed: int = 0,
            step: Step = silent) -> Suite:
    """The suite of these images: its plan, made once (each benchmark's and model's part wrapped in `step`) and
    kept in its folder (a re-run reads it back)."""
    ids = {"models": sorted(engine.inspect(m).image_id for m in models),
           "benchmarks": sorted(engine.inspect(b).image_id for b in benchmarks), "seed": seed}
    suite_id = sha256_bytes(canonical_json(ids))[:12]
    folder = settings.suites_dir / suite_id
    plan_file = folder / "plan.json"
    if plan_file.exists():
        return Suite(suite_id, folder, load_plan(json.loads(plan_file.read_text()), settings, engine))
    planned = plan(models, benchmarks, settings, engine, folder / "runs", seed=seed, step=step)
    atomic_write(plan_file, canonical_json({"suite_id": suite_id, "models": models, "benchmarks": benchmarks, **ids,
                                            **planned.to_dict()}))
    return Suite(suite_id, folder, planned)


def latest(settings: Settings, engine: Engine) -> Suite:
    """The suite whose plan was written last (for `suite status` without arguments)."""
    plans = sorted(settings.suites_dir.glob("*/plan.json"), key=lambda p: p.stat().st_mtime) if settings.suites_dir.exists() else []
    if not plans:
        raise BraindockError("no suite has been run here", [Problem(str(settings.suites_dir), "NO_SUITE", "no suite folder with a plan",
                                                                    "run `braindock suite` first")])
    return Suite(plans[-1].parent.name, plans[-1].parent, load_plan(json.loads(plans[-1].read_text()), settings, engine))


def worker_for(suite: Suite, settings: Settings) -> Worker:
    _PLANS[str(suite.folder)] = suite.plan  # local workers are forked from here: they need not read the plan again
    argv = lambda stage: [sys.executable, "-m", "braindock.cli", "--home", str(settings.home), "worker", stage, str(suite.folder)]  # noqa: E731
    return Worker(suite.folder, partial(work, str(settings.home), str(suite.folder)), argv, settings.limits)


def status(suite: Suite, settings: Settings, executor: Executor | None = None) -> list[PairState]:
    """done (in the ledger) / running / failed (with its reason) / pending, per pair."""
    ledger = Ledger(settings.ledger_path)
    running = executor.running(worker_for(suite, settings)) if executor else {}
    return [state_of(suite, ledger, pair, running) for pair in suite.plan.pairs]


def state_of(suite: Suite, ledger: Ledger, pair: Pair, running: dict[str, str]) -> PairState:
    record_id = ledger.find(pair.model.image.image_id, pair.benchmark.image.image_id, pair.seed)
    failure = _failure_file(suite.folder, pair.key)
    if record_id:
        return PairState(pair, DONE, record_id)
    if f"{SCORE}-{pair.key}" in running or f"{RUN}-{pair.run_key}" in running or _alive(suite.folder, pair):
        return PairState(pair, RUNNING)
    if failure.exists():
        return PairState(pair, FAILED, reason=json.loads(failure.read_text())["reason"])
    return PairState(pair, PENDING)


def run(suite: Suite, settings: Settings, executor: Executor, report: Callable[[PairState, int, int], None],
        idle: Callable[[dict], None] = lambda progress: None) -> list[PairState]:
    """Run what is left of the suite through `executor`; report each pair as it ends, and when nothing was
    reported for HEARTBEAT_S call `idle` with the counts (scores and model runs ended / to do); the final states."""
    ledger = Ledger(settings.ledger_path)
    spool.drain(settings.spool_dir, ledger)  # records a killed submitter left behind
    worker = worker_for(suite, settings)
    pairs = {pair.key: pair for pair in suite.plan.pairs}
    by_run: dict[str, list[Pair]] = {}
    for pair in suite.plan.pairs:
        by_run.setdefault(pair.run_key, []).append(pair)
    todo = [s.pair for s in status(suite, settings) if s.state != DONE]
    progress = {"ended": 0, "total": len(todo), "runs_ended": 0, "runs": len({pair.run_key for pair in todo})}
    said = time.monotonic()

    def ended(event: Ended) -> None:
        nonlocal said
        affected = by_run.get(event.job.key, []) if event.job.stage == RUN else [pairs[event.job.key]]
        progress["runs_ended"] += event.job.stage == RUN
        if event.state != "COMPLETED":
            code = f"SLURM_{event.state}" if executor.name == "slurm" else "WORKER_FAILED"
            for pair in affected:
                _fail(suite.folder, pair, event.job.stage, code, f"the {event.job.stage} job ended {event.state}", event.log, keep=True)
        if event.job.stage == SCORE:
            spool.drain(settings.spool_dir, ledger)
            progress["ended"] += 1
            report(state_of(suite, ledger, affected[0], {}), progress["ended"], progress["total"])
            said = time.monotonic()

    def waiting() -> None:
        nonlocal said
        if time.monotonic() - said >= HEARTBEAT_S:
            idle(dict(progress))
            said = time.monotonic()

    executor.resume(worker, ended, waiting)
    spool.drain(settings.spool_dir, ledger)
    left = [s.pair for s in status(suite, settings) if s.state in (PENDING, FAILED)]
    for pair in left:
        _failure_file(suite.folder, pair.key).unlink(missing_ok=True)
    runs = sorted({pair.run_key for pair in left})
    jobs = [Job(RUN, key) for key in runs] + [Job(SCORE, pair.key, after=pair.run_key) for pair in left]
    if jobs:
        atomic_write(suite.folder / "executor.json", canonical_json({"executor": executor.name}))
        executor.run(jobs, worker, ended, waiting)
    spool.drain(settings.spool_dir, ledger)
    return status(suite, settings)


# --- the worker: one job, in a pool process or a Slurm task ---------------------------------------------------

_PLANS: dict[str, Plan] = {}  # suite folder -> its plan, in this process


def work(home: str, suite_dir: str, stage: str, key: str) -> None:
    """Do one job of the suite: a model run (into the activation cache) or a score (into the spool).

    A failure is written to failed/<pair key>.json for every pair it stops; nothing reaches the ledger here.
    """
    folder = Path(suite_dir)
    started = time.monotonic()
    timings: dict[str, float] = {}
    lock = _hold(folder / "active" / f"{stage}-{key}.lock")
    try:
        settings = load_settings(home)
        engine = get_engine(settings.engine)
        planned = _PLANS.get(suite_dir) or load_plan(json.loads((folder / "plan.json").read_text()), settings, engine, only=key)
        timings = (_work_run if stage == RUN else _work_score)(planned, key, settings, engine, folder)
    except BraindockError as error:  # this node cannot even start the job (image missing or changed, engine down)
        document = json.loads((folder / "plan.json").read_text())
        for entry in document["pairs"]:
            if key in (entry["key"], entry["run_key"]):
                _fail_key(folder, entry["key"], f"{entry['model']} on {entry['benchmark']}", stage, _code(error, "JOB_FAILED"), error.render())
    finally:
        Path(lock.name).unlink(missing_ok=True)
        lock.close()
        atomic_write(folder / "timings" / f"{stage}-{key}.json",
                     canonical_json({"seconds": round(time.monotonic() - started, 3), **timings}))


def _work_run(planned: Plan, key: str, settings: Settings, engine: Engine, folder: Path) -> dict[str, float]:
    """The model run into the activation cache; its time inside the container."""
    run = planned.runs[key]
    try:
        answer = execute(run, settings, engine)
    except BraindockError as error:
        for pair in (p for p in planned.pairs if p.run_key == key):
            _fail(folder, pair, RUN, _code(error, "RUN_FAILED"), error.render())
        return {}
    atomic_write(folder / "runs" / key / "executed.json",
                 canonical_json({"computed": not answer.cached, "container_s": round(answer.container_s, 3)}))
    return {"container_s": round(answer.container_s, 3)}


def _work_score(planned: Plan, key: str, settings: Settings, engine: Engine, folder: Path) -> dict[str, float]:
    """The pair's score into the spool; the time its scoring (metric, ceiling) took."""
    pair = next(p for p in planned.pairs if p.key == key)
    if _failure_file(folder, key).exists():  # its model run failed: the failure is already written
        return {}
    run = planned.runs[pair.run_key]
    if activation_cache.lookup(Store(settings.store_dir), run.key) is None:
        _fail(folder, pair, SCORE, "NO_ANSWER", "the model run left no answer (it did not finish)")
        return {}
    try:
        answer = execute(run, settings, engine)
        executed = folder / "runs" / run.key / "executed.json"
        if executed.exists():  # computed for this suite: say so in the record, with the container's time
            done = json.loads(executed.read_text())
            answer = dataclasses.replace(answer, cached=not done["computed"], container_s=done["container_s"])
        scoring = time.monotonic()
        record = score_pair(pair, run.request, answer, engine.name)
        scoring = time.monotonic() - scoring
    except BraindockError as error:
        _fail(folder, pair, SCORE, _code(error, "SCORE_FAILED"), error.render())
        return {}
    spool.write(settings.spool_dir, record)
    return {"metric_s": round(scoring, 3)}


def _failure_file(folder: Path, pair_key: str) -> Path:
    return folder / "failed" / f"{pair_key}.json"


def _code(error: BraindockError, default: str) -> str:
    return error.problems[0].code if error.problems else default


def _fail(folder: Path, pair: Pair, stage: str, code: str, reason: str, log: str = "", keep: bool = False) -> None:
    _fail_key(folder, pair.key, pair.label, stage, code, reason, log, keep)


def _fail_key(folder: Path, pair_key: str, label: str, stage: str, code: str, reason: str, log: str = "", keep: bool = False) -> None:
    """Write why a pair failed (its stage, code, message, log tail); with `keep`, a worker's own account stays."""
    path = _failure_file(folder, pair_key)
    if keep and path.exists():
        return
    atomic_write(path, canonical_json({"pair": label, "stage": stage, "code": code,
                                       "reason": f"[{code}] {reason}" + (f"\nlog tail:\n{log}" if log else "")}))


def _hold(path: Path):
    """Lock the job's file for as long as this process lives: the kernel drops the lock however the process ends,
    so a killed worker (a zombie, or its pid reused) never looks alive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path, "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def _alive(folder: Path, pair: Pair) -> bool:
    """A worker of this machine holds the pair's score or run job right now."""
    for name in (f"{SCORE}-{pair.key}", f"{RUN}-{pair.run_key}"):
        try:
            if held(folder / "active" / f"{name}.lock"):
                return True
        except FileNotFoundError:
            continue
    return False
