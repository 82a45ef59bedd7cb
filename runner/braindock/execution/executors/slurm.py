"""The Slurm executor: one job array of model runs, one job array of scores that depends on it (sbatch).

Each array task does several jobs in turn: a task starts Python and reads its part of the plan (2-3 s) and waits
for Slurm to start it, which many short jobs would otherwise pay each. A stage is cut into WAVES tasks per slot of
the partition (its CPUs over a task's), so every slot stays busy and the start-ups stay few. Limits become Slurm
options (--time, --mem, --cpus-per-task); each task logs to the suite's logs/ folder.
The submitter only watches (squeue, scontrol) and reports a task that Slurm ended (TIMEOUT, OUT_OF_MEMORY,
NODE_FAIL, ...) with its state and log tail. Workers write record files into the spool, never the ledger.
"""
from __future__ import annotations

import json
import math
import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

from ...errors import EngineError, Problem
from ...store import atomic_write, canonical_json
from ..engines.docker_engine import memory_bytes
from .base import RUN, SCORE, Ended, Executor, Job, Worker

JOBS_FILE = "slurm-jobs.json"  # the arrays submitted for this suite: resumable after the submitter is killed
FINISHED = {"COMPLETED"}
ACTIVE = {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED"}
WAVES = 4  # array tasks per slot and stage: enough to even out unequal jobs, few enough that start-up stays small


def _slurm(*argv: str) -> str:
    """Run a Slurm client command; EngineError saying which part of Slurm is missing or down."""
    if shutil.which(argv[0]) is None:
        raise EngineError(f"Slurm is not installed here: {argv[0]} not found", [
            Problem("executor slurm", "SLURM_MISSING", f"`{argv[0]}` is not on PATH",
                    "install Slurm's client commands (Debian: slurm-wlm; containers/slurm/setup.sh sets up one node), or use --executor local")])
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        text = (done.stderr or done.stdout).strip()
        down = any(sign in text for sign in ("Unable to contact slurm controller", "Connection refused", "is DOWN"))
        raise EngineError(f"`{' '.join(argv[:2])}` failed" + (": slurmctld is not reachable" if down else ""), [
            Problem("executor slurm", "SLURM_DOWN" if down else "SLURM_REFUSED", text.splitlines()[-1] if text else f"exit {done.returncode}",
                    "start slurmctld and slurmd (containers/slurm/setup.sh), or use --executor local" if down
                    else "check the limits in config.yaml against the partition's")], details=text)
    return done.stdout


def job_minutes(limits) -> int:
    """The longest one job may take: its container's time limit x 1.5 for start-up and scoring."""
    return max(1, math.ceil(float(limits.timeout_s) * 1.5 / 60))


def cpus_per_task(limits) -> int:
    return max(1, math.ceil(float(limits.cpus)))


def jobs_per_task(jobs: int, slots: int, minutes_per_job: int, max_minutes: int | None) -> int:
    """`jobs` cut into WAVES tasks per slot, each task's time limit within the partition's (pure)."""
    wanted = max(1, math.ceil(jobs / (max(1, slots) * WAVES)))
    return wanted if max_minutes is None else max(1, min(wanted, (max_minutes - 2) // minutes_per_job))


def sbatch_options(limits, logs: Path, name: str, dependency: str | None = None, jobs_per_task: int = 1) -> list[str]:
    """sbatch options for an array of worker tasks, each doing up to `jobs_per_task` jobs under `limits` (pure:
    unit-testable without Slurm)."""
    minutes = job_minutes(limits) * jobs_per_task + 2
    options = [f"--job-name={name}", f"--output={logs}/{name}-%A_%a.log", f"--time={minutes}",
               f"--mem={math.ceil(memory_bytes(limits.memory) / (1 << 20)) + 1024}M", f"--cpus-per-task={cpus_per_task(limits)}",
               "--parsable", "--kill-on-invalid-dep=yes"]
    if dependency:
        options.append(f"--dependency=afterany:{dependency}")
    return options


class SlurmExecutor(Executor):
    name = "slurm"

    def __init__(self, jobs: int | None = None, poll_s: float = 1.0, per_task: int | None = None):
        self.jobs, self.poll_s = jobs, poll_s  # jobs: at most this many tasks of an array at once (None: as Slurm schedules)
        self.per_task = per_task  # jobs per array task (None: WAVES tasks per slot of the partition)

    def check(self) -> None:
        """Slurm's commands are here and slurmctld answers (scontrol ping), before anything is planned."""
        _slurm("scontrol", "ping")

    def run(self, jobs: list[Job], worker: Worker, ended: Callable[[Ended], None], idle: Callable[[], None] = lambda: None) -> None:
        logs = worker.suite_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        arrays = self._submitted(worker)
        mine, runs = [], []  # the arrays of this call; the run arrays the scores wait for
        size = _array_size()
        slots, max_minutes = _partition(cpus_per_task(worker.limits))
        slots = min(slots, self.jobs or slots)
        for stage in (RUN, SCORE):
            keys = [job.key for job in jobs if job.stage == stage]
            tasks = chunks(keys, self.per_task or jobs_per_task(len(keys), slots, job_minutes(worker.limits), max_minutes))
            for chunk in chunks(tasks, size):
                keys_file = worker.suite_dir / f"{stage}-keys-{len(arrays)}.json"
                atomic_write(keys_file, canonical_json(chunk))
                command = shlex.join([*worker.argv(stage), "--keys", str(keys_file)]) + " --index $SLURM_ARRAY_TASK_ID"
                after = ":".join(runs) if stage == SCORE and runs else None
                options = sbatch_options(worker.limits, logs, f"braindock-{stage}", after, max(len(task) for task in chunk))
                job_id = _slurm("sbatch", *options, f"--array=0-{len(chunk) - 1}" + (f"%{self.jobs}" if self.jobs else ""),
                                f"--wrap=exec {command}").strip().split(";")[0]
                array = {"stage": stage, "id": job_id, "tasks": chunk}
                arrays.append(array)
                mine.append(array)
                runs += [job_id] if stage == RUN else []
                atomic_write(worker.suite_dir / JOBS_FILE, canonical_json(arrays))
        self._watch(mine, jobs, logs, ended, idle)

    def resume(self, worker: Worker, ended: Callable[[Ended], None], idle: Callable[[], None] = lambda: None) -> None:
        """Wait for the tasks an earlier (killed) submitter left queued or running, reporting each as it ends."""
        active = self.running(worker)
        if active:
            self._watch(self._submitted(worker), [Job(*name.split("-", 1)) for name in active], worker.suite_dir / "logs", ended, idle)

    def running(self, worker: Worker) -> dict[str, str]:
        states = {}
        for array in self._submitted(worker):
            for index, state in self._states(array["id"]).items():
                if state in ACTIVE:
                    states.update((name, state) for name in _names(array, index))
        return states

    def _submitted(self, worker: Worker) -> list[dict]:
        """Every array submitted for this suite, by any submitter: stage, Slurm job id, each task's keys."""
        path = worker.suite_dir / JOBS_FILE
        return json.loads(path.read_text()) if path.exists() else []

    def _states(self, array_id: str) -> dict[int, str]:
        """Array task index -> Slurm state, from scontrol (it keeps ended jobs for MinJobAge)."""
        text = subprocess.run(["scontrol", "show", "job", "-o", array_id], capture_output=True, text=True).stdout
        states = {}
        for line in text.splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if "ArrayTaskId" in fields and fields["ArrayTaskId"].isdigit():
                states[int(fields["ArrayTaskId"])] = fields.get("JobState", "UNKNOWN")
            elif "ArrayTaskId" in fields:  # a pending range such as 3-7 or [3-7%2]
                span = fields["ArrayTaskId"].strip("[]").split("%")[0]
                for part in span.split(","):
                    low, _, high = part.partition("-")
                    for index in range(int(low), int(high or low) + 1):
                        states[index] = fields.get("JobState", "PENDING")
        return states

    def _watch(self, arrays: list[dict], jobs: list[Job], logs: Path, ended: Callable[[Ended], None],
               idle: Callable[[], None]) -> None:
        wanted = {job.name: job for job in jobs}
        left = set(wanted)
        while left:
            for array in arrays:
                for index, state in self._states(array["id"]).items():
                    if state in ACTIVE:
                        continue
                    for name in left.intersection(_names(array, index)):
                        left.discard(name)
                        log = "" if state in FINISHED else _tail(logs / f"braindock-{array['stage']}-{array['id']}_{index}.log")
                        ended(Ended(wanted[name], state, log))
            if left:
                idle()
                time.sleep(self.poll_s)


def chunks(items: list, size: int) -> list[list]:
    """`items` in lists of at most `size` (keys per task; tasks per array: Slurm refuses one past MaxArraySize)."""
    return [items[k:k + size] for k in range(0, len(items), size)]


def _names(array: dict, index: int) -> list[str]:
    """The jobs (stage-key) of task `index` of a submitted array."""
    return [f"{array['stage']}-{key}" for key in array["tasks"][index]] if index < len(array["tasks"]) else []


def _array_size() -> int:
    """Tasks one array may hold here: MaxArraySize - 1 (scontrol show config; Slurm's default 1001)."""
    for line in _slurm("scontrol", "show", "config").splitlines():
        if line.split("=")[0].strip() == "MaxArraySize":
            return max(1, int(line.split("=")[1]) - 1)
    return 1000


def _partition(cpus: int) -> tuple[int, int | None]:
    """The default partition's slots (tasks of `cpus` CPUs its nodes run at once) and time limit in minutes
    (None: infinite), from sinfo."""
    slots, limit = 0, None
    for line in _slurm("sinfo", "-h", "-N", "-o", "%P %c %l").splitlines():
        partition, node_cpus, time_limit = line.split()
        if partition.endswith("*"):
            slots += int(node_cpus) // cpus
            limit = _minutes(time_limit)
    return max(1, slots), limit


def _minutes(text: str) -> int | None:
    """Slurm's time limit ('infinite', 'MM', 'HH:MM:SS', 'D-HH:MM:SS', 'D-HH') in whole minutes."""
    if text in ("infinite", "UNLIMITED"):
        return None
    days, _, clock = text.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    if days:  # D-HH, D-HH:MM, D-HH:MM:SS
        hours, minutes, seconds = (parts + [0, 0])[:3]
    else:  # MM, MM:SS, HH:MM:SS
        hours, minutes, seconds = parts if len(parts) == 3 else ([0] + parts + [0])[:3]
    return (int(days or 0) * 24 + hours) * 60 + minutes + math.ceil(seconds / 60)


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else f"(no log at {path})"
