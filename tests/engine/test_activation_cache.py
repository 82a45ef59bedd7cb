"""Activations are keyed by content: the same image asked the same request runs once; a rebuilt image misses."""
from __future__ import annotations

from braindock import pipeline
from braindock.cli import main
from braindock.execution.engines.docker_engine import DockerEngine
from conftest import IT_BENCHMARK, TESTS


class CountingEngine(DockerEngine):
    """The real Docker engine, counting the model runs it starts."""

    def __init__(self):
        super().__init__()
        self.runs = []

    def run(self, spec):
        if spec.command[:1] == ("run",):
            self.runs.append(spec.image)
        return super().run(spec)


def test_second_score_runs_no_container(engine_settings, faulty_image):
    model = faulty_image("none")
    counting = CountingEngine()
    first = pipeline.score(model, IT_BENCHMARK, engine_settings, engine=counting)
    second = pipeline.score(model, IT_BENCHMARK, engine_settings, engine=counting)
    assert counting.runs == [model]
    assert first.environment["activations_cached"] is False and second.environment["activations_cached"] is True
    assert second.result == first.result


def test_rebuilt_image_with_same_tag_misses(engine_settings, engine, tmp_path):
    context = tmp_path / "ctx"
    context.mkdir()
    source = (TESTS / "containers" / "faulty")
    for name in ("Dockerfile", "model.py"):
        (context / name).write_bytes((source / name).read_bytes())
    with open(context / "model.py", "a") as handle:  # content of its own: not an image another test cached
        handle.write(f"\n# {tmp_path.name}\n")
    tag = "braindock-test/rebuilt:1"
    engine.build(context, tag)
    counting = CountingEngine()
    pipeline.score(tag, IT_BENCHMARK, engine_settings, engine=counting)
    (context / "model.py").write_bytes((context / "model.py").read_bytes() + b"\n# one more byte\n")
    engine.build(context, tag)
    pipeline.score(tag, IT_BENCHMARK, engine_settings, engine=counting)
    assert len(counting.runs) == 2


def test_cache_ls_and_gc(engine_settings, faulty_image, capsys):
    pipeline.score(faulty_image("none"), IT_BENCHMARK, engine_settings)
    home = str(engine_settings.home)
    assert main(["--home", home, "cache", "ls", "--json"]) == 0
    import json

    listed = json.loads(capsys.readouterr().out)["entries"]
    assert any(item["model"] == "faulty-none" for item in listed)
    assert main(["--home", home, "cache", "gc", "--all", "--json"]) == 0
    assert main(["--home", home, "cache", "ls", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out.split("\n}\n")[-2] + "\n}")["entries"] == []


def test_v4_then_it_on_the_same_stimuli_runs_the_model_once(engine_settings, faulty_image):
    model = faulty_image("none")  # commits V1, V2, V4 and IT: one run answers them all
    counting = CountingEngine()
    v4 = pipeline.score(model, "braindock/benchmark-majajhong2015-v4:1.0.0", engine_settings, engine=counting, use_cache=False)
    it = pipeline.score(model, IT_BENCHMARK, engine_settings, engine=counting)
    assert v4.inputs["data"]["stimulus_set_sha256"] == it.inputs["data"]["stimulus_set_sha256"]
    assert counting.runs == [model]
    assert it.environment["activations_cached"] is True


def test_one_broken_region_blocks_only_its_own_benchmarks(engine_settings, faulty_image):
    """V4 answered with NaN, IT valid: IT is scored (with a warning about V4); V4 is refused from the cache, no rerun."""
    from braindock.errors import ResponseError
    import pytest

    model = faulty_image("bad_v4")
    counting = CountingEngine()
    warnings = []
    it = pipeline.score(model, IT_BENCHMARK, engine_settings, engine=counting, warn=warnings.append)
    assert it.result["score"] == it.result["score"]  # a number, not NaN
    assert [(w.code, w.severity) for w in warnings] == [("NAN_IN_ACTIVATIONS", "warning")] and "V4" in warnings[0].message
    cached = list((engine_settings.store_dir / "objects").glob("*/content/response"))
    assert any((c / "IT.npy").exists() and not (c / "V4.npy").exists() for c in cached)  # only valid regions are cached
    with pytest.raises(ResponseError) as caught:
        pipeline.score(model, "braindock/benchmark-majajhong2015-v4:1.0.0", engine_settings, engine=counting)
    assert [p.code for p in caught.value.problems] == ["NAN_IN_ACTIVATIONS"]
    assert counting.runs == [model]  # the refusal came from the cache: the model ran once
