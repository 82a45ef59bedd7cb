"""The board: rows keyed by image ID, conflicts kept apart, averages only within a domain, missing never 0."""
import pytest
from braindock.errors import UsageError
from braindock.reporting import board, leaderboard
from reporting.boards import LANGUAGE, TASK, VISION, image_id, score_record


def test_two_images_claiming_one_name_stay_two_rows(home):
    home.add(score_record("gabor-c", VISION[0], 0.4))
    home.add(score_record("gabor-c", VISION[0], 0.9, image="impostor"))
    found = board.load(home.settings)
    assert len(found.models) == 2
    by_image = {m.image_id: m for m in found.models}
    real, fake = by_image[image_id("gabor-c")], by_image[image_id("impostor")]
    assert found.score(real, found.benchmarks[0]) == 0.4 and found.score(fake, found.benchmarks[0]) == 0.9
    assert real.rivals == (fake.image_id,) and fake.rivals == (real.image_id,)
    assert real.key != fake.key and real.label == fake.label == "gabor-c@1.0.0"
    assert leaderboard.conflicts(leaderboard.rows([r.record for r in found.cells.values()])) == {
        "gabor-c@1.0.0": sorted([real.image_id, fake.image_id])}


def test_one_image_rescored_keeps_one_row_with_its_newest_record(home):
    home.add(score_record("pixels", VISION[0], 0.1))
    newer = score_record("pixels", VISION[0], 0.2)
    newer.inputs["request"]["seed"] = 1  # other inputs: a second record, created later
    home.add(type(newer)(newer.inputs, newer.result, newer.environment, created="2026-12-01T00:00:00+00:00"))
    found = board.load(home.settings)
    assert [m.key for m in found.models] == ["pixels@1.0.0"] and found.score(found.models[0], found.benchmarks[0]) == 0.2


def test_domain_averages_never_mix_vision_and_language(home):
    home.add(score_record("vis", VISION[0], 0.2))
    home.add(score_record("vis", VISION[1], 0.4))
    home.add(score_record("other", VISION[2], 0.6))
    home.add(score_record("lm", LANGUAGE[0], 0.9, modality="text"))
    home.add(score_record("vis", TASK, 0.8, engineering=True))
    found = board.load(home.settings)
    models = {m.identifier: m for m in found.models}
    vision = found.average(models["vis"], "vision")
    assert vision.mean == pytest.approx(0.3) and (vision.scored, vision.skipped) == (2, 1)  # the task is not a brain benchmark
    assert found.average(models["vis"], "language").mean is None
    assert found.average(models["lm"], "language").mean == 0.9 and found.average(models["lm"], "vision").mean is None
    assert [b.identifier for b in found.engineering_benchmarks()] == [TASK]
    assert found.score(models["lm"], found.benchmarks[0]) is None  # missing, not 0


def test_benchmark_facts_come_from_the_stored_manifest(board_home):
    found = board.load(board_home.settings)
    it = next(b for b in found.benchmarks if b.identifier == VISION[-1])
    assert it.manifest["citation"].startswith("Simulated after Majaj") and it.simulated and it.kind == "neural"
    v1 = next(b for b in found.benchmarks if b.identifier == VISION[0])
    assert v1.manifest is None and v1.kind == "brain" and v1.domain == "vision"  # from the record itself


def test_find_model_by_name_label_or_image_id(board_home):
    found = board.load(board_home.settings)
    assert found.find_model("model-b").label == "model-b@1.0.0"
    assert found.find_model(image_id("model-b")[7:19]).identifier == "model-b"
    assert found.find_model("model-a") is None  # two images claim it: ambiguous
    assert found.find_model(image_id("impostor")).description["description"].startswith("<script>")


def test_empty_ledger_says_what_to_run(home):
    with pytest.raises(UsageError) as caught:
        board.load(home.settings)
    assert caught.value.problems[0].code == "EMPTY_LEDGER" and "braindock score" in caught.value.problems[0].fix


def perplexities(home) -> dict[str, float]:
    """Three language models on a perplexity benchmark (lower is better) and on a brain benchmark."""
    scored = {"lm-a": 90.0, "lm-b": 40.0, "lm-c": 60.0}
    for name, value in scored.items():
        home.add(score_record(name, "sim.NextWord-perplexity", value, modality="text", engineering=True, metric="perplexity"))
        home.add(score_record(name, LANGUAGE[0], 0.3, modality="text"))
    return scored


def test_a_lower_is_better_metric_ranks_lowest_first(home, capsys):
    from braindock.cli import main

    perplexities(home)
    found = board.load(home.settings)
    assert {b.identifier: b.better for b in found.benchmarks} == {"sim.NextWord-perplexity": "lower", LANGUAGE[0]: "higher"}
    assert main(["--home", str(home.settings.home), "leaderboard"]) == 0
    shown = [line for line in capsys.readouterr().out.splitlines() if "sim.NextWord-perplexity@" in line]
    assert [line.split()[1] for line in shown] == ["lm-b@1.0.0", "lm-c@1.0.0", "lm-a@1.0.0"]  # 40, 60, 90


def test_a_benchmark_on_three_scales_counts_once_in_an_average(home):
    """IT at 2018, v1.0 and 2026 is three columns but one benchmark: the vision average takes V1 and IT at 2018."""
    for version, normalization, score in (("1.0.0", "r/ceiling", 0.5), ("1.0.0+scale.v1.0", "(r/ceiling)^2", 0.25),
                                          ("1.0.0+scale.2026", "r^2/ceiling", 0.2)):
        record = score_record("vis", VISION[-1], score)
        record.inputs["benchmark"]["version"], record.inputs["normalization"]["name"] = version, normalization
        home.add(record)
    home.add(score_record("vis", VISION[0], 0.7))
    found = board.load(home.settings)
    assert len(found.brain_benchmarks("vision")) == 4  # every column is shown
    assert sorted((b.identifier, b.scale) for b in found.averaged("vision")) == [(VISION[0], "2018"), (VISION[-1], "2018")]
    average = found.average(found.models[0], "vision")
    assert average.mean == pytest.approx((0.5 + 0.7) / 2) and (average.scored, average.skipped) == (2, 0)
