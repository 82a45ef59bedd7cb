"""The simulated benchmark suite on a real engine: every benchmark container exports, validates and scores."""
from __future__ import annotations

import json

import pytest
from braindock import pipeline
from braindock.cli import main
from braindock.errors import ValidationError
from conftest import IT_BENCHMARK, PIXELS, TESTS

V4 = "braindock/benchmark-majajhong2015-v4:1.0.0"
V1 = "braindock/benchmark-freemanziemba2013-v1:1.0.0"
V2 = "braindock/benchmark-freemanziemba2013-v2:1.0.0"
BEHAVIOUR = "braindock/benchmark-rajalingham2018-i2n:1.0.0"
LANGUAGE = "braindock/benchmark-pereira2018-language:1.0.0"
LABELS = "braindock/benchmark-geirhos2021-error-consistency:1.0.0"
TRIPLETS = "braindock/benchmark-hebart2023-odd-one-out:1.0.0"
GABOR = "braindock/model-gabor-c:1.0.0"

# benchmark: (ceiling expected, tolerance): the declared reliability (neural), the tuned split-half (I2n)
# (label: the measured human-to-human kappa of the shipped data; odd-one-out: the generator's exact expectation)
CEILINGS = {V4: (0.895, 0.015), V1: (0.873, 0.015), V2: (0.825, 0.015), BEHAVIOUR: (0.479, 0.03),
            LABELS: (0.347, 0.001), TRIPLETS: (0.679, 0.01)}


@pytest.fixture(scope="module")
def text_model(engine):
    tag = "braindock-test/text-model:1"
    engine.build(TESTS / "containers" / "text-model", tag)
    return tag


@pytest.mark.parametrize("image", [V4, V1, V2, BEHAVIOUR, LABELS, TRIPLETS])
def test_pixels_scores_on_every_image_benchmark_through_the_cli(engine_settings, capsys, image):
    status = main(["--home", str(engine_settings.home), "score", PIXELS, image, "--json"])
    assert status == 0
    (record,) = json.loads(capsys.readouterr().out)
    result = record["result"]
    expected, tolerance = CEILINGS[image]
    assert result["ceiling"] == pytest.approx(expected, abs=tolerance)
    assert -0.2 < result["score"] < 0.3  # pixels is the floor on every benchmark


def test_v4_and_it_share_one_model_run(engine_settings):
    it = pipeline.score(PIXELS, IT_BENCHMARK, engine_settings)
    v4 = pipeline.score(PIXELS, V4, engine_settings)
    assert it.inputs["data"]["stimulus_set_sha256"] == v4.inputs["data"]["stimulus_set_sha256"]
    assert it.inputs["request"]["request_id"] == v4.inputs["request"]["request_id"]
    assert v4.environment["activations_cached"] is True


def test_behaviour_uses_the_standard_readout_for_a_model_that_only_records(engine_settings):
    record = pipeline.score(PIXELS, BEHAVIOUR, engine_settings)
    parameters = record.inputs["metric"]["parameters"]
    assert record.inputs["metric"]["name"] == "i2n"
    assert parameters["readout"]["source"] == "readout" and parameters["readout"]["region"] == "IT"
    assert record.inputs["normalization"]["name"] == "r/sqrt(ceiling)"
    assert len(record.result["per_split"]) == len(record.result["ceiling_per_split"]) == 10


@pytest.mark.parametrize("image, task, metric", [(LABELS, "label", "error_consistency"),
                                                 (TRIPLETS, "odd_one_out", "odd_one_out_agreement")])
def test_a_model_performing_a_task_answers_it_and_one_that_only_records_gets_the_readout(engine_settings, image, task, metric):
    own = pipeline.score(PIXELS, image, engine_settings)  # pixels lists label and odd_one_out under tasks
    assert own.inputs["model"]["layer"] == f"behavior.{task}" and own.inputs["request"]["regions"] == []
    assert own.inputs["metric"]["parameters"]["readout"] == {"source": "model", "task": task}
    read = pipeline.score(GABOR, image, engine_settings)  # gabor-c only records: the runner's readout of IT
    readout = read.inputs["metric"]["parameters"]["readout"]
    assert readout["source"] == "readout" and readout["region"] == "IT" and read.inputs["request"]["regions"] == ["IT", "V1", "V2", "V4"]
    assert own.inputs["metric"]["name"] == read.inputs["metric"]["name"] == metric
    assert own.result["ceiling"] == read.result["ceiling"]


def test_image_model_on_the_language_benchmark_is_a_clear_error(engine_settings):
    with pytest.raises(ValidationError) as caught:
        pipeline.score(PIXELS, LANGUAGE, engine_settings)
    assert {p.code for p in caught.value.problems} == {"WRONG_MODALITY", "REGION_NOT_COMMITTED"}


def test_text_model_scores_on_the_language_benchmark(engine_settings, text_model):
    record = pipeline.score(text_model, LANGUAGE, engine_settings)
    result = record.result
    assert record.inputs["metric"]["parameters"]["split"] == "group_kfold"
    assert record.inputs["ceiling"]["method"] == "extrapolation"
    assert 0.4 < result["ceiling"] < 0.6
    assert 0.0 < result["score"] < 1.0


def test_real_data_build_path_makes_a_scorable_container(engine_settings, tmp_path, capsys):
    from real_shaped import write_catalog, write_majajhong

    files = write_majajhong(tmp_path / "brainscore")
    catalog = write_catalog(files, tmp_path / "catalog.csv")
    tag = "braindock-test/real-majajhong2015-it:1"
    home = ["--home", str(engine_settings.home)]
    assert main([*home, "benchmark", "build", "MajajHong2015public.IT-pls", "--from", str(files), "--catalog", str(catalog),
                 "--tag", tag, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tag"] == tag
    record = pipeline.score(PIXELS, tag, engine_settings)
    assert record.inputs["benchmark"]["identifier"] == "MajajHong2015public.IT-pls"
    assert record.inputs["metric"]["parameters"]["stratify_by"] == "object_name"
    assert len(record.result["per_neuroid"]) == 12  # the IT sites only


def test_real_data_build_refuses_a_sha1_mismatch(engine_settings, tmp_path, capsys):
    from real_shaped import FILES, write_catalog, write_majajhong

    files = write_majajhong(tmp_path / "brainscore")
    catalog = write_catalog(files, tmp_path / "catalog.csv", corrupt=FILES[2])
    status = main(["--home", str(engine_settings.home), "benchmark", "build", "MajajHong2015public.IT-pls", "--from", str(files),
                   "--catalog", str(catalog), "--tag", "braindock-test/never-built:1"])
    assert status == 1
    assert "SHA1_MISMATCH" in capsys.readouterr().err


def test_a_language_real_data_build_scores_a_text_model_on_the_assemblys_own_text(engine_settings, text_model, tmp_path, capsys):
    from braindock import metrics, real_data
    from braindock.contract.benchmark import Benchmark
    from real_shaped import language_rows, write_blank, write_catalog

    files = tmp_path / "brainscore"
    write_blank(files)
    catalog = write_catalog(files, tmp_path / "catalog.csv", rows=language_rows("Blank2014.fROI"))
    tag = "braindock-test/real-blank2014:1"
    assert main(["--home", str(engine_settings.home), "benchmark", "build", "Blank2014-linear", "--from", str(files),
                 "--catalog", str(catalog), "--tag", tag, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source_files"] == {
        "assy_Blank2014_fROI.nc": {"identifier": "Blank2014.fROI", "sha1": real_data.sha1_file(files / "assy_Blank2014_fROI.nc")}}
    record = pipeline.score(text_model, tag, engine_settings)
    assert record.inputs["benchmark"]["identifier"] == "Blank2014-linear"
    linear = {"regression": "ols", "split": "stratified_shuffle", "stratify_by": None, "splits": 10, "train_size": 0.9, "seed": 1}
    assert linear.items() <= record.inputs["metric"]["parameters"].items()  # Brain-Score's linear_pearsonr
    manifest = real_data.prepare_export("Blank2014-linear", files, tmp_path / "export", catalog)  # the same export, in-process
    recordings = Benchmark(None, "", tmp_path / "export").recordings().mean("time_bin")
    expected = metrics.get_ceiling(manifest["ceiling"]["method"], **manifest["ceiling"]["parameters"])(recordings)
    assert record.result["ceiling"] == pytest.approx(expected.value, abs=1e-9)
    assert -1 < record.result["score"] < 2
