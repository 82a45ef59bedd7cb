"""The README's "Using it" commands, read from README.md and run in its order through the installed `braindock`
against a state like the demo's (pixels scored in a temporary BRAINDOCK_HOME), each checked for its exit code and
output, so the README cannot drift from the CLI; and the README's default-limits table against config.Limits."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from braindock.commands.build import build_images
from braindock.config import Limits, load_settings
from conftest import IT_BENCHMARK, PIXELS, TESTS
from real_shaped import write_majajhong

README = TESTS.parent / "README.md"
V4_BENCHMARK = "braindock/benchmark-majajhong2015-v4:1.0.0"
GABOR_C = "braindock/model-gabor-c:1.0.0"  # submissions/gabor-c
# What a curator writes into meta.yaml from the template `braindock import brainio` prints when metadata is missing.
BRAINIO_METADATA = {"attrs": {"citation": "Majaj et al. 2015, J Neurosci", "license": "CC-BY-4.0", "method": "multi-unit array",
                              "species": "Macaca mulatta", "units": "spikes/s"}, "neuroid": {"subject": "monkey1"}}

# Each README command -> the runs that stand for it: (arguments, exit code, pattern the output must contain).
# {it}, {v4}: the record IDs of pixels on the IT and the V4 benchmark; {tmp}: a scratch folder; {export}: the IT
# benchmark's export in the store. Placeholders of the README (my-lab/my-model:1, RECORD_ID, stimuli.csv) become
# the nearest real thing; `reference` and `build --clean` act on the whole machine, so only their options are checked.
RUNS = {
    f"braindock score {PIXELS} {IT_BENCHMARK}": [
        (f"score {PIXELS} {IT_BENCHMARK}", 0, r"pixels on sim\.MajajHong2015\.IT-pls: score -?\d\.\d{3} ± \d\.\d{3} .* record [0-9a-f]{12}")],
    "braindock leaderboard [--plot board.png] [--benchmark-version 1.0.0]": [
        ("leaderboard", 0, r"braindock leaderboard"),
        ("leaderboard --plot {tmp}/board.png --benchmark-version 1.0.0", 0, r"plot saved to {tmp}/board.png")],
    "braindock build": [(f"build {PIXELS}", 0, r"\[1/1\] (built    |unchanged) " + re.escape(PIXELS) + r" sha256:[0-9a-f]{12} [\d.]+ MB in ")],
    "braindock build --clean": [("build --help", 0, r"--clean\s+instead of building")],
    "braindock reference": [("reference --help", 0, r"usage: braindock reference")],
    f"braindock suite --model {PIXELS} --benchmark {V4_BENCHMARK} --benchmark {IT_BENCHMARK} --executor local --jobs 2": [
        (f"suite --model {PIXELS} --benchmark {V4_BENCHMARK} --benchmark {IT_BENCHMARK} --executor local --jobs 2", 0,
         r"suite [0-9a-f]{12}: 2 pairs, 1 distinct model runs(.|\n)*2 done, 0 running, 0 failed, 0 pending")],
    "braindock suite status": [("suite status", 0, r"pixels:1.0.0 .* done (.|\n)*2 done, 0 running")],
    "braindock check-model my-lab/my-model:1": [(f"check-model {PIXELS}", 0, r"\d+ passed, 0 failed, .* conforms to the container contract")],
    f"braindock check-benchmark {IT_BENCHMARK}": [
        (f"check-benchmark {IT_BENCHMARK}", 0, r"\d+ passed, 0 failed, .* conforms to the benchmark contract")],
    "braindock submit submissions/gabor-c": [
        ("submit submissions/gabor-c", 0, r"queued: gabor-c = gabor-c@"), ("submit --list", 0, r"gabor-c@1\.0\.0 .* queued")],
    "braindock validate stimuli.csv recordings.nc manifest.json": [
        ("validate {export}/stimuli/stimulus_set.json {export}/recordings/assembly.nc {export}/manifest.json", 0, r"valid: 0 error\(s\)")],
    "braindock import brainio assy_dicarlo_MajajHong2015_public.nc --out it.nc --metadata meta.yaml": [
        ("import brainio {tmp}/brainio/assy_dicarlo_MajajHong2015_public.nc --out {tmp}/it.nc", 1, r"--metadata meta.yaml"),
        ("import brainio {tmp}/brainio/assy_dicarlo_MajajHong2015_public.nc --out {tmp}/it.nc --metadata {tmp}/meta.yaml", 0,
         r"wrote {tmp}/it.nc")],
    "braindock ingest it.nc": [("ingest {tmp}/it.nc", 0, r"stored neural dicarlo_MajajHong2015_public as [0-9a-f]{64}")],
    "braindock datasets": [("datasets", 0, r"dicarlo_MajajHong2015_public")],
    "braindock benchmark build MajajHong2015public.IT-pls --from DIR": [
        ("benchmark build MajajHong2015public.IT-pls --from {tmp}/brainio", 1, r"SHA1_MISMATCH")],  # shaped like, not, the real files
    "braindock records ls | show ID | rm ID": [
        ("records ls", 0, r"{it12}"), ("records show {it}", 0, r'"record_id": "{it}"'), ("records rm {v4}", 0, r"removed {v4}")],
    "braindock reproduce RECORD_ID": [("reproduce {it}", 0, r"same")],
    "braindock export RECORD_ID... -o bundle": [("export {it} -o {tmp}/bundle", 0, r"wrote {tmp}/bundle: 1 record\(s\), 2 image\(s\)")],
    "braindock import bundle bundle": [("import bundle {tmp}/bundle", 0, r"imported 1 record\(s\), 2 image\(s\)")],
    "braindock cache ls | gc": [("cache ls", 0, r"pixels .* 640 "), ("cache gc", 0, r"removed from the activation cache")],
    "braindock config": [("config", 0, r"home: {home}")],
}


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> list[str]:
    """The `braindock ...` lines of the first bash block under "Using it", without their comments."""
    block = readme_section("Using it").split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split(" #", 1)[0].strip() for line in block.splitlines() if line.startswith("braindock ")]


def test_every_readme_command_has_a_run():
    commands = readme_commands()
    assert len(commands) >= 15  # the parser found the block
    assert sorted(commands) == sorted(RUNS), "a README command without a run here (add it to RUNS), or a run without its command"


def test_readme_limits_table_is_config_limits():
    rows = [line.split("|")[1:-1] for line in readme_section("Using it").splitlines() if line.startswith("| `")]
    table = {key.strip().strip("`"): yaml.safe_load(default.strip().strip("`")) for key, default, _ in rows}
    assert table == {f.name: f.default for f in fields(Limits)}


@pytest.fixture(scope="module")
def demo_state(tmp_path_factory, engine):
    """A BRAINDOCK_HOME with pixels scored on the V4 benchmark (the README's score command adds IT), and the files
    the curator commands read: brainio-shaped MajajHong2015 files and the meta.yaml a curator fills in."""
    build_images(load_settings(), (PIXELS, IT_BENCHMARK, V4_BENCHMARK, GABOR_C), quiet=True)  # the images the commands use
    tmp = tmp_path_factory.mktemp("readme")
    home = tmp / "home"
    env = {"BRAINDOCK_HOME": str(home)}
    braindock("score", PIXELS, V4_BENCHMARK, env=env)
    write_majajhong(tmp / "brainio")
    (tmp / "meta.yaml").write_text(yaml.safe_dump(BRAINIO_METADATA))
    yield tmp, home, env
    shutil.rmtree(tmp, ignore_errors=True)


def braindock(*args: str, env: dict, expect: int = 0) -> subprocess.CompletedProcess:
    import os

    result = subprocess.run([shutil.which("braindock"), *args], capture_output=True, text=True, env={**os.environ, **env}, cwd=TESTS.parent,
                            timeout=900)
    assert result.returncode == expect, f"braindock {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {name} by its value (not str.format: the patterns hold regex counts like {12})."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def records(env: dict) -> dict[str, str]:
    """benchmark identifier -> record ID in the ledger."""
    listed = json.loads(braindock("records", "ls", "--json", env=env).stdout)
    return {r["benchmark"]: r["record_id"] for r in listed}


@pytest.mark.engine
def test_readme_commands_run_in_order(demo_state):
    tmp, home, env = demo_state
    values = {"tmp": str(tmp), "home": str(home)}
    for command in readme_commands():
        for arguments, code, pattern in RUNS[command]:
            if "it" not in values and ("{it}" in arguments or "{it12}" in pattern):  # once: `records rm` removes V4's
                ids = records(env)
                it, v4 = ids["sim.MajajHong2015.IT-pls"], ids["sim.MajajHong2015.V4-pls"]
                values.update(it=it, v4=v4, it12=it[:12])
            if "{export}" in arguments:
                values["export"] = str(next(m.parent for m in home.glob("store/objects/*/content/manifest.json")
                                            if json.loads(m.read_text())["identifier"] == "sim.MajajHong2015.IT-pls"))
            ran = fill(arguments, values)
            result = braindock(*ran.split(), env=env, expect=code)
            output = result.stdout + result.stderr
            assert re.search(fill(pattern, {k: re.escape(v) for k, v in values.items()}), output), (
                f"README: {command}\nran: braindock {ran}\nexpected /{pattern}/ in:\n{output}")


@pytest.mark.engine
def test_leaderboard_messages_name_what_exists(demo_state):
    """A version with no scores exits 1 and lists the versions that exist; a benchmark image given as the model and
    an image without its tag are named as such."""
    _, _, env = demo_state
    missing = braindock("leaderboard", "--benchmark-version", "9.9.9", env=env, expect=1)
    assert "NO_SUCH_VERSION" in missing.stderr + missing.stdout and "use one of: 1.0.0" in missing.stderr + missing.stdout
    swapped = braindock("score", IT_BENCHMARK, V4_BENCHMARK, env=env, expect=1)
    assert "BENCHMARK_AS_MODEL" in swapped.stderr + swapped.stdout
    untagged = braindock("score", PIXELS.rsplit(":", 1)[0], IT_BENCHMARK, env=env, expect=2)
    assert f"name the tag: {PIXELS}" in untagged.stderr + untagged.stdout
