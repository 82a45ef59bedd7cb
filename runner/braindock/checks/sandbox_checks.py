"""Checks of how the model behaves in the sandbox: files stay in /output, no network attempts, within limits.

The runner already runs models with no network, so a model cannot *reach* the network; what is observable is that
it *tried*. check-model runs the request once more under a seccomp filter that kills the process the moment it
connects or sends to an IPv4/IPv6 address, DNS lookups included (engines/network_trap.json), so even an attempt
whose error the model swallows is seen; the logs are also searched for connection and name-resolution errors.
"""
from __future__ import annotations

import os
import re

from ..errors import Problem, ResponseError
from ..execution.engines.base import TRAPPED_EXIT
from .result import CheckResult, SkipCheck, failed, passed
from .session import ModelSession

NETWORK_SIGNS = re.compile(
    r"network is unreachable|temporary failure in name resolution|name or service not known|could not resolve host"
    r"|failed to establish a new connection|max retries exceeded|connection refused|urlopen error|getaddrinfo"
    r"|no address associated with hostname|name resolution|enetunreach|eai_again|connectionerror|couldn't connect to"
    r"|cannot connect to|offline mode is enabled|unable to connect",
    re.IGNORECASE,
)


def network_lines(text: str) -> list[str]:
    """Log lines that show an attempt to use the network."""
    return [line.strip() for line in text.splitlines() if NETWORK_SIGNS.search(line)]


def check_files_stay_in_output(session: ModelSession) -> CheckResult:
    """/output holds response.json and the files it names, nothing else, and no symlink: the runner refuses a run
    whose /output holds more (UNNAMED_FILE, NOT_A_FILE in contract.responses), so check-model fails it too."""
    outcome = session.run()
    if not outcome.ok:
        raise SkipCheck("`run` did not exit 0 (see run_exits_zero)")
    root = outcome.output_dir.resolve()
    named = {"response.json"}
    try:
        response = session.response()
    except ResponseError:
        response = {}  # reported by response_meets_schema; then every file here counts as unnamed
    named |= {entry["file"] for entry in response.get("activations", {}).values()}
    errors = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            escapes = not path.resolve().is_relative_to(root)
            errors.append(Problem(f"/output/{relative}", "SYMLINK_ESCAPES_OUTPUT" if escapes else "SYMLINK_IN_OUTPUT",
                                  f"symbolic link to {os.readlink(path)!r}" + (" outside /output" if escapes else ""),
                                  "write real files inside /output (no symlinks)"))
        elif path.is_file() and relative not in named:
            errors.append(Problem(f"/output/{relative}", "UNNAMED_FILE", "not named by response.json",
                                  "write only response.json and the files it names (temporary files go to /tmp)"))
    for entry_file in sorted(named - {"response.json"}):
        if not (root / entry_file).resolve().is_relative_to(root):
            errors.append(Problem(f"/output/{entry_file}", "PATH_ESCAPES_OUTPUT", "response.json names a file outside /output",
                                  "name files relative to /output, inside it"))
    if errors:
        return failed("/output holds more than response.json and the files it names (the runner refuses such a run)",
                      "write every file inside /output and name it in response.json; scratch files go to /tmp; no links", errors)
    return passed(f"/output holds exactly response.json and the {len(named) - 1} file(s) it names")


def _logs(session: ModelSession) -> list[tuple[str, object]]:
    """(label, RunResult) of `describe` and of every run made so far."""
    return [("describe", session.describe_result)] + [(o.label, o.result) for o in session.runs()]


def check_no_network_attempts(session: ModelSession) -> CheckResult:
    """The run does not connect or send to an internet address (network trap), and no log shows an attempt."""
    session.description()  # nothing to run without a valid description
    trapped = session.run(trap_network=True)
    found = []
    if trapped.result.exit_code == TRAPPED_EXIT:
        found.append(Problem(f"{trapped.label}", "NETWORK_ATTEMPT",
                             "the run connected or sent to an IPv4/IPv6 address (a download, a DNS lookup) and was stopped by the network trap",
                             found=f"exit {TRAPPED_EXIT} (SIGSYS)"))
    logs = _logs(session)
    for label, result in logs:
        lines = network_lines(result.stdout + "\n" + result.stderr)
        if lines:
            found.append(Problem(f"{label} (logs)", "NETWORK_ATTEMPT", f"{len(lines)} log line(s) show a network attempt; first: {lines[0][:200]!r}"))
    if found:
        return failed("the model tried to use the network (models run with no network)",
                      "ship weights and data inside the image; load them from local files only (e.g. HF_HUB_OFFLINE=1); "
                      "connect to no address, not even to localhost", found)
    return passed(f"no connection attempt under the network trap, no sign of one in {len(logs)} log(s)")


def check_within_limits(session: ModelSession) -> CheckResult:
    """No container was killed for time or memory (the limits are check-model's, by default the site's)."""
    limits = session.limits
    logs = _logs(session)
    found = []
    for label, result in logs:
        if result.timed_out:
            found.append(Problem(label, "TIMEOUT", f"killed after {limits.timeout_s:.0f} s", expected=f"< {limits.timeout_s:.0f} s"))
        if result.oom_killed:
            found.append(Problem(label, "OUT_OF_MEMORY", f"killed at the memory limit {limits.memory}", expected=f"< {limits.memory}"))
    if found:
        return failed("a container was killed at a limit", "make the model faster or leaner, or ask the site for higher limits", found)
    slowest = max(logs, key=lambda item: item[1].duration_s)
    return passed(f"slowest: {slowest[0]} {slowest[1].duration_s:.1f} s (limits: {limits.timeout_s:.0f} s, {limits.memory}, {limits.cpus:g} CPUs)")
