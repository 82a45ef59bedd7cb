"""tests/bench/log_gaps.py, the README's measure of a logged run's silences, on a command with a known pause."""
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench" / "log_gaps.py"


def test_the_longest_silence_is_the_pause_and_names_the_line_after_it(tmp_path):
    # the reader starts during the first sleep, so each line is stamped as it is written
    talk = subprocess.Popen(["sh", "-c", "sleep 1; echo one; echo two; sleep 1.5; echo three"], stdout=subprocess.PIPE)
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "run.log"), "--json"], stdin=talk.stdout,
                          capture_output=True, text=True, check=True)
    talk.wait()
    assert done.stdout.startswith("one\ntwo\nthree\n")  # passed through as it came
    result = json.loads(done.stdout.split("three\n", 1)[1])
    (worst, *_) = result["longest_silences"]
    assert 1.4 <= worst["seconds"] < 3 and worst["ended_by"] == "three"
    again = subprocess.run([sys.executable, str(SCRIPT), "--from", str(tmp_path / "run.log"), "--json"], capture_output=True,
                           text=True, check=True)
    assert json.loads(again.stdout)["longest_silences"][0]["ended_by"] == "three"
