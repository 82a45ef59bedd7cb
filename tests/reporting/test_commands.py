"""`braindock site`, `analyze` and `leaderboard` as a user runs them: real CLI processes, exit codes, messages, files."""
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from reporting.boards import VISION, image_id, score_record

IT_BENCHMARK, PIXELS = "braindock/benchmark-majajhong2015-it:1.0.0", "braindock/model-pixels:1.0.0"


def braindock(home, *args):
    return subprocess.run([sys.executable, "-m", "braindock.cli", "--home", str(home), *args], capture_output=True, text=True)


def test_site_writes_every_page_and_rebuilds_in_place(board_home, tmp_path):
    out = tmp_path / "site"
    done = braindock(board_home.settings.home, "site", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    pages = json.loads(done.stdout)["pages"]
    assert {"index.html", "compare.html", "analysis.html"} <= set(pages) and all((out / p).is_file() for p in pages)
    assert len(list((out / "records").glob("*.json"))) == json.loads(done.stdout)["records"] == len(board_home.scores)
    (out / "models" / "stale.html").write_text("from an older build")
    assert braindock(board_home.settings.home, "site", "-o", str(out)).returncode == 0
    assert not (out / "models" / "stale.html").exists()  # replaced whole


def test_site_refuses_a_folder_it_did_not_make(board_home, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    done = braindock(board_home.settings.home, "site", "-o", str(out))
    assert done.returncode == 2 and "NOT_A_SITE" in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_site_serves_over_http(board_home, tmp_path):
    out = tmp_path / "site"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "braindock.cli", "--home", str(board_home.settings.home), "site", "-o", str(out),
                               "--serve", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=2) as response:
                    assert b'id="leaderboard"' in response.read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError(f"the site was not served: {server.stderr.read1().decode()}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_analyze_json_and_plots(board_home, tmp_path):
    done = braindock(board_home.settings.home, "analyze", "-o", str(tmp_path / "plots"), "--json", "--bootstrap", "200")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["task"]["correction"] == "Benjamini-Hochberg" and result["task"]["tasks"][0]["r"] > 0
    names = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert names == sorted(f"{stem}.{ext}" for stem in ("correlation-pearson", "correlation-spearman", "brain-vs-task", "next-benchmark")
                           for ext in ("png", "svg"))
    table = braindock(board_home.settings.home, "analyze", "-o", str(tmp_path / "plots"), "--bootstrap", "50")
    assert table.returncode == 0 and "p corrected" in table.stdout and "benchmark n+1" in table.stdout


def test_analyze_refuses_bad_input_with_what_to_do(board_home, home, tmp_path):
    empty = braindock(home.settings.home, "analyze", "-o", str(tmp_path / "a"))
    assert empty.returncode == 2 and "EMPTY_LEDGER" in empty.stderr and "braindock score" in empty.stderr
    csv = tmp_path / "tasks.csv"
    csv.write_text("model,task,value\nmodel-b,top1,0.7\nmodel-zz,top1,0.1\nmodel-d,top1,n/a\n")
    bad = braindock(board_home.settings.home, "analyze", "--task", str(csv), "-o", str(tmp_path / "b"))
    assert bad.returncode == 1 and f"{csv}:3:model" in bad.stderr and f"{csv}:4:value" in bad.stderr
    home.add(score_record("one", VISION[0], 0.2))
    home.add(score_record("two", VISION[0], 0.3))
    few = braindock(home.settings.home, "analyze", "-o", str(tmp_path / "c"))
    assert few.returncode == 2 and "at least 3 models" in few.stderr
    assert not any((tmp_path / name).exists() for name in "abc")  # no plot for a refused analysis


def test_leaderboard_shows_conflicts_and_domain_averages(board_home):
    done = braindock(board_home.settings.home, "leaderboard", "--json")
    shown = json.loads(done.stdout)
    assert shown["conflicts"] == {"model-a@1.0.0": sorted([image_id("model-a"), image_id("impostor")])}
    assert shown["averages"]["lm-small@1.0.0"]["language"]["mean"] == 0.31 and shown["averages"]["lm-small@1.0.0"]["vision"]["mean"] is None
    text = braindock(board_home.settings.home, "leaderboard").stdout
    assert "conflict" in text and "vision average" in text and image_id("impostor")[7:19] in text


@pytest.mark.engine
def test_site_from_real_scores(engine, tmp_path):
    """Two real models scored on the real simulated IT benchmark: the pages carry what `describe` and the export said."""
    home = tmp_path / "home"
    models = (PIXELS, "braindock/model-gabor-c:1.0.0")
    built = braindock(home, "build", *models, IT_BENCHMARK)  # only these three catalog images (a no-op when present)
    assert built.returncode == 0, built.stderr
    for model in models:
        done = braindock(home, "score", model, IT_BENCHMARK)
        assert done.returncode == 0, done.stderr
    out = tmp_path / "site"
    assert braindock(home, "site", "-o", str(out)).returncode == 0
    records = {json.loads(p.read_text())["inputs"]["model"]["identifier"]: json.loads(p.read_text()) for p in (out / "records").glob("*.json")}
    assert set(records) == {"pixels", "gabor-c"}
    pixels = records["pixels"]["inputs"]["model"]["image_id"]
    page = (out / "models" / f"pixels_1.0.0-{pixels[7:19]}.html").read_text()
    assert pixels in page and "IT → " in page and f'{records["pixels"]["result"]["score"]:.3f}' in page
    benchmark = next((out / "benchmarks").glob("sim.MajajHong2015.IT-pls*.html")).read_text()
    assert "Majaj, Hong, Solomon &amp; DiCarlo (2015)" in benchmark and "Generative model" in benchmark
    assert (out / "analysis.html").read_text().count("at least 3 models") == 1  # two models: said, no plot


def test_site_analysis_page_shows_task_csv(board_home, tmp_path):
    csv = tmp_path / "tasks.csv"
    csv.write_text("model,task,value\n" + "".join(f"model-{c},imagenet-top1,{0.1 * i}\n" for i, c in enumerate("bcdefgh")))
    done = braindock(board_home.settings.home, "site", "-o", str(tmp_path / "site"), "--task", str(csv))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "analysis.html").read_text()
    assert "imagenet-top1" in page and "Benjamini-Hochberg" in page and (tmp_path / "site" / "analysis" / "brain-vs-task.svg").is_file()
