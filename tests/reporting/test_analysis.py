"""The analyses against independent computations (numpy's corrcoef, BH by hand), and their refusals."""
import numpy as np
import pytest
from reporting.boards import LANGUAGE, TASK, VISION, score_record
from braindock.errors import UsageError, ValidationError
from braindock.reporting import analysis, board


def test_benchmark_correlation_matches_numpy_and_its_interval_holds_it(board_home):
    found = board.load(board_home.settings)
    result = analysis.benchmark_correlations(found, n_boot=500)
    pair = next(p for p in result["pairs"] if {p["a"], p["b"]} == {VISION[0], VISION[1]})
    x = [board_home.scores[(k, VISION[0])][0] for k in pair["models"]]
    y = [board_home.scores[(k, VISION[1])][0] for k in pair["models"]]
    assert pair["pearson"]["r"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    ranks = [np.argsort(np.argsort(v)) for v in (x, y)]  # no ties in these scores
    assert pair["spearman"]["r"] == pytest.approx(np.corrcoef(*ranks)[0, 1])
    for method in ("pearson", "spearman"):
        low, high = pair[method]["ci95"]
        assert -1 <= low <= pair[method]["r"] <= high <= 1
    across = next(p for p in result["pairs"] if {p["a"], p["b"]} == {VISION[0], "sim.Pereira2018.language-ridge"})
    assert across["n"] == 0 and "pearson" not in across and "at least 3" in across["reason"]


def test_bootstrap_interval_narrows_with_more_models():
    rng = np.random.default_rng(0)
    widths = []
    for n in (8, 200):
        x = rng.normal(size=n)
        result = analysis.correlate(list(x), list(x + rng.normal(size=n)), n_boot=400)
        widths.append(result["pearson"]["ci95"][1] - result["pearson"]["ci95"][0])
    assert widths[1] < widths[0] / 2


def test_task_relation_with_benjamini_hochberg_by_hand(board_home):
    found = board.load(board_home.settings)
    keys = [m.key for m in found.models if found.average(m, "vision").mean is not None]
    rng = np.random.default_rng(1)
    tasks = {"tracks quality": {k: board_home.quality.get(k, 0.5) + 0.01 * rng.normal() for k in keys},
             "noise": {k: float(rng.normal()) for k in keys}}
    result = analysis.task_relation(found, tasks, "vision", n_boot=200)
    assert {row["against"] for row in result["tasks"]} == {"vision"}
    rows = {row["task"]: row for row in result["tasks"]}
    assert result["correction"] == "Benjamini-Hochberg"
    models = {m.key: m for m in found.models}
    brain = [found.average(models[k], "vision").mean for k in keys]
    assert rows["noise"]["r"] == pytest.approx(np.corrcoef(brain, [tasks["noise"][k] for k in keys])[0, 1])
    p = sorted(row["p"] for row in rows.values())
    expected = [min(1.0, min(p[j] * len(p) / (j + 1) for j in range(i, len(p)))) for i in range(len(p))]
    assert sorted(row["p_corrected"] for row in rows.values()) == pytest.approx(expected)
    assert rows["tracks quality"]["r"] > 0.5 and rows["tracks quality"]["n"] == len(keys)
    assert rows["tracks quality"]["mean_task_value"] == pytest.approx(np.mean(list(tasks["tracks quality"].values())))


def test_benchmark_n_plus_one_improves_with_more_benchmarks(board_home):
    result = analysis.next_benchmark(board.load(board_home.settings), "vision")
    curve = result["curve"]
    assert [c["k"] for c in curve] == [1, 2, 3] and result["benchmarks"] == sorted(VISION)
    assert curve[-1]["mean_spearman"] > curve[0]["mean_spearman"] > 0  # every benchmark follows one latent quality


def test_engineering_benchmarks_are_tasks(board_home):
    tasks = analysis.engineering_tasks(board.load(board_home.settings))
    assert set(tasks) == {TASK} and tasks[TASK]["model-b@1.0.0"] == board_home.scores[("model-b@1.0.0", TASK)][0]


def test_task_csv_errors_are_located_by_row(board_home, tmp_path):
    found = board.load(board_home.settings)
    path = tmp_path / "tasks.csv"
    path.write_text("model,task,value\nmodel-b,top1,0.7\nnobody,top1,0.5\nmodel-c,top1,high\nmodel-a,top1,0.2\n")
    with pytest.raises(ValidationError) as caught:
        analysis.read_task_csv(path, found)
    where = {(p.where, p.code) for p in caught.value.problems}
    assert where == {(f"{path}:3:model", "UNKNOWN_MODEL"), (f"{path}:4:value", "NOT_A_NUMBER"),
                     (f"{path}:5:model", "UNKNOWN_MODEL")}  # model-a: two images claim it, so it names no single model
    path.write_text("name,score\nmodel-b,0.7\n")
    with pytest.raises(ValidationError) as caught:
        analysis.read_task_csv(path, found)
    assert caught.value.problems[0].code == "MISSING_COLUMN" and caught.value.problems[0].where == f"{path}:1"
    path.write_text("model,task,value\nmodel-b,top1,0.7\nsha256:" + found.find_model("model-c").image_id[7:] + ",top1,0.4\n")
    assert analysis.read_task_csv(path, found) == {"top1": {"model-b@1.0.0": 0.7, "model-c@1.0.0": 0.4}}


def test_fewer_than_three_models_is_refused_with_no_plot(home, tmp_path):
    home.add(score_record("one", VISION[0], 0.2))
    home.add(score_record("two", VISION[0], 0.3))
    with pytest.raises(UsageError) as caught:
        analysis.analyse(board.load(home.settings), tmp_path / "plots")
    assert caught.value.problems[0].code == "TOO_FEW_MODELS" and "one@1.0.0, two@1.0.0" in caught.value.problems[0].message
    assert not (tmp_path / "plots").exists()


def test_analyse_writes_png_and_svg_for_each_part(board_home, tmp_path):
    result = analysis.analyse(board.load(board_home.settings), tmp_path, n_boot=100)
    files = [result["correlations"]["plots"]["spearman"], result["task"]["plot"], result["next_benchmark"]["plot"]]
    for plot in files:
        assert open(plot["png"], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in open(plot["svg"]).read()
    assert [t["task"] for t in result["task"]["tasks"]] == [TASK]


def test_tasks_against_one_benchmark_or_an_unknown_name(board_home):
    found = board.load(board_home.settings)
    it = analysis.brain_scores(found, VISION[-1])
    assert it["model-b@1.0.0"] == board_home.scores[("model-b@1.0.0", VISION[-1])][0] and "model-c@1.0.0" not in it  # missing
    with pytest.raises(UsageError) as caught:
        analysis.brain_scores(found, "V5")
    assert caught.value.problems[0].code == "UNKNOWN_BENCHMARK" and VISION[0] in caught.value.problems[0].fix


def test_an_engineering_task_is_related_to_its_own_domain(home):
    for name, brain, perplexity in (("lm-a", 0.2, 90.0), ("lm-b", 0.4, 60.0), ("lm-c", 0.5, 40.0)):
        home.add(score_record(name, LANGUAGE[0], brain, modality="text"))
        home.add(score_record(name, "sim.NextWord-perplexity", perplexity, modality="text", engineering=True))
    for name, score in (("v-a", 0.1), ("v-b", 0.3), ("v-c", 0.2)):
        home.add(score_record(name, VISION[0], score))
    found = board.load(home.settings)
    (row,) = analysis.task_relation(found, analysis.engineering_tasks(found))["tasks"]
    assert row["against"] == "language" and row["n"] == 3
    assert row["r"] == pytest.approx(np.corrcoef([0.2, 0.4, 0.5], [90.0, 60.0, 40.0])[0, 1])  # lower perplexity, higher score
