"""Progress in a log (not a terminal): a line when each step starts, one per heartbeat while it runs, one when it ends."""
from __future__ import annotations

import io
import re
import time

from braindock.output import Steps
from rich.console import Console


def test_a_logged_step_is_never_silent_longer_than_the_heartbeat():
    log = io.StringIO()
    with Steps(Console(file=log, force_terminal=False, width=200), total=2, heartbeat=0.05) as steps:
        with steps.step("building a") as end:
            time.sleep(0.28)
            end["text"] = "built a (1.0 MB)"
        with steps.step("building b"):
            pass
        steps.summary("2 images")
    lines = log.getvalue().splitlines()
    assert lines[0] == "[1/2] building a ..."
    beats = [line for line in lines if line.startswith("[1/2] building a: ")]
    assert len(beats) >= 3 and all(line.endswith(" s so far") for line in beats)
    assert re.fullmatch(r"\[1/2\] built a \(1\.0 MB\) in 0\.\d s", lines[len(beats) + 1])
    assert lines[-3] == "[2/2] building b ..." and re.fullmatch(r"\[2/2\] done: building b in 0\.0 s", lines[-2])
    assert re.fullmatch(r"2 images in 0\.\d s", lines[-1])
