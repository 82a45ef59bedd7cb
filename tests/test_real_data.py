"""Real-data benchmarks: sha1 against the catalog, brainio import, a valid export with Brain-Score's settings; the
language ones carry their own text, which becomes a text stimulus set that the unchanged scoring kinds score."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import xarray as xr
from braindock import real_data
from braindock.contract.benchmark import Benchmark
from braindock.curation.validation import validate_benchmark_export
from braindock.errors import UsageError, ValidationError
from braindock.scoring.language import score_answer
from braindock.scoring.neural import score_neural
from real_shaped import (BITS, FILES, LANGUAGE_FILES, bag_of_words, core, language_rows, write_blank, write_catalog, write_fedorenko,
                         write_futrell, write_majajhong, write_pereira)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_majajhong(tmp_path_factory.mktemp("brainscore"))


@pytest.mark.parametrize("name, region", [("MajajHong2015public.IT-pls", "IT"), ("MajajHong2015public.V4-pls", "V4")])
def test_files_shaped_like_brainscores_build_a_valid_export(files, tmp_path, name, region):
    manifest = real_data.prepare_export(name, files, tmp_path / "export", write_catalog(files, tmp_path / "catalog.csv"))
    assert validate_benchmark_export(tmp_path / "export") == []
    assert manifest["region"] == region and manifest["simulated"] is False
    assert manifest["metric"]["parameters"] == {"regression": "pls", "n_components": 25, "splits": 10, "train_size": 0.9,
                                                "stratify_by": "object_name", "seed": 1}
    assert manifest["visual_degrees"] == 8 and manifest["number_of_trials"] == 50
    assert set(manifest["source_files"]) == set(FILES)
    stimuli = json.loads((tmp_path / "export" / "stimuli" / "stimulus_set.json").read_text())["stimuli"]
    assert len(stimuli) == 80 and {"object_name", "category_name"} <= set(stimuli[0])


def test_a_sha1_mismatch_is_a_clear_error_and_builds_nothing(files, tmp_path):
    catalog = write_catalog(files, tmp_path / "catalog.csv", corrupt=FILES[0])
    with pytest.raises(ValidationError) as caught:
        real_data.prepare_export("MajajHong2015public.IT-pls", files, tmp_path / "export", catalog)
    (problem,) = caught.value.problems
    assert problem.code == "SHA1_MISMATCH" and FILES[0] in problem.where
    assert problem.expected == "0" * 40 and len(problem.found) == 40
    assert not (tmp_path / "export").exists()


def test_a_missing_file_is_named(files, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError) as caught:
        real_data.prepare_export("MajajHong2015public.IT-pls", tmp_path / "empty", tmp_path / "export",
                                 write_catalog(files, tmp_path / "catalog.csv"))
    assert {p.code for p in caught.value.problems} == {"FILE_NOT_FOUND"} and len(caught.value.problems) == 3


def test_an_unknown_benchmark_lists_the_known_ones(tmp_path):
    with pytest.raises(UsageError) as caught:
        real_data.prepare_export("NoSuch2020", tmp_path, tmp_path / "export")
    assert "MajajHong2015public.IT-pls" in caught.value.problems[0].fix


def test_the_shipped_catalog_names_brainscores_public_files():
    legacy = dict(csv.reader(open(real_data.REAL / "lookup_legacy.csv")))
    rows = list(csv.DictReader(open(real_data.CATALOG)))
    assert all(len(r["sha1"]) == 40 and int(r["sha1"], 16) >= 0 and r["version_id"] for r in rows)
    for row in rows:  # vision: one of Brain-Score's (lookup_legacy.csv, as shipped); language: load_from_s3's name
        if row["filename"] in legacy:
            assert row["version_id"] == legacy[row["filename"]]
        else:
            assert row["filename"] == LANGUAGE_FILES[row["identifier"]] == f"assy_{row['identifier'].replace('.', '_')}.nc"
    for name, spec in real_data.load_recipes().items():
        assert any(r["identifier"] == spec["assembly"] for r in rows), name


# Language: Brain-Score's identifiers, the file each reads, the file writer, and the unchanged scoring kind's answer.
LANGUAGE = {
    "Pereira2018.243sentences-linear": ("Pereira2018.language", write_pereira),
    "Pereira2018.384sentences-linear": ("Pereira2018.language", write_pereira),
    "Blank2014-linear": ("Blank2014.fROI", write_blank),
    "Fedorenko2016-linear": ("Fedorenko2016.language", write_fedorenko),
    "Futrell2018-pearsonr": ("Futrell2018", write_futrell),
}
LINEAR = {"regression": "ols", "split": "stratified_shuffle", "stratify_by": None, "splits": 10, "train_size": 0.9, "seed": 1}


@pytest.fixture(scope="module")
def language_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brainscore-language")
    for writer in (write_pereira, write_blank, write_fedorenko, write_futrell):
        writer(folder)
    return folder


def language_export(name, files, tmp_path, corrupt=None):
    identifier = LANGUAGE[name][0]
    catalog = write_catalog(files, tmp_path / "catalog.csv", corrupt=corrupt, rows=language_rows(identifier))
    return real_data.prepare_export(name, files, tmp_path / "export", catalog)


def model_answer(benchmark: Benchmark, shuffle: bool) -> xr.DataArray:
    """What a model that knows the declared generating features answers, reading each stimulus's own text file:
    bag-of-words activations (neural) or the words' declared surprisal (next_word); `shuffle` pairs them with the
    wrong stimuli."""
    entries = benchmark.stimulus_set["stimuli"]
    texts = [(benchmark.stimulus_set_path.parent / e["file"]).read_text(encoding="utf-8") for e in entries]
    order = np.random.default_rng(1).permutation(len(entries)) if shuffle else np.arange(len(entries))
    if benchmark.manifest["kind"] == "reading_times":
        ids = [e["stimulus_id"] for e in entries for _ in e["words"].split()]
        index = [k for e in entries for k in range(len(e["words"].split()))]
        bits = [BITS[core(w)] for i in order for w in texts[i].split()]
        return xr.DataArray(-np.array(bits) * np.log(2), dims=("word",),
                            coords={"stimulus_id": ("word", ids), "word_index": ("word", index)})
    features = np.array([bag_of_words(texts[i]) for i in order])[:, :, None]
    return xr.DataArray(features, dims=("presentation", "neuroid", "time_bin"),
                        coords={"stimulus_id": ("presentation", [e["stimulus_id"] for e in entries]),
                                "neuroid_id": ("neuroid", [f"word{k}" for k in range(features.shape[1])])})


def score(benchmark: Benchmark, answer: xr.DataArray):
    recordings = benchmark.recordings()
    if benchmark.manifest["kind"] == "reading_times":
        return score_answer(benchmark.manifest, recordings, answer)
    return score_neural(benchmark.manifest, recordings, answer)


@pytest.mark.parametrize("name", list(LANGUAGE))
def test_language_files_shaped_like_brainscores_build_a_valid_text_export(language_files, tmp_path, name):
    manifest = language_export(name, language_files, tmp_path)
    export = tmp_path / "export"
    assert [p for p in validate_benchmark_export(export) if p.severity == "error"] == []
    spec = real_data.recipe(name)
    assert manifest["modality"] == "text" and manifest["region"] == "language" and manifest["simulated"] is False
    assert manifest["metric"] == spec["metric"] and manifest["ceiling"] == spec["ceiling"]
    assert set(manifest["source_files"]) == {LANGUAGE_FILES[LANGUAGE[name][0]]}
    document = json.loads((export / "stimuli" / "stimulus_set.json").read_text())
    assert document["modality"] == "text"
    for entry in document["stimuli"]:  # laid out as the simulated language benchmarks: a .txt per stimulus, its text and words
        assert (export / "stimuli" / entry["file"]).read_text(encoding="utf-8") == entry["text"] + "\n"
        assert entry["words"] == " ".join(entry["text"].split())
    recordings = Benchmark(None, "", export).recordings()
    assert set(recordings["stimulus_id"].values.astype(str)) == {e["stimulus_id"] for e in document["stimuli"]}
    assert set(recordings["region"].values) == {"language"}


def test_pereira_keeps_one_experiment_and_the_subjects_who_did_it(language_files, tmp_path):
    language_export("Pereira2018.243sentences-linear", language_files, tmp_path)
    recordings = Benchmark(None, "", tmp_path / "export").recordings()
    assert recordings.sizes["presentation"] == 36 and set(recordings["experiment"].values) == {"243sentences"}
    assert sorted(set(recordings["subject"].values)) == ["018", "199", "215"]  # 288 did 384sentences only
    assert json.loads((tmp_path / "export" / "manifest.json").read_text())["metric"]["parameters"] == LINEAR


def test_fedorenko_stimuli_are_the_sentence_so_far(language_files, tmp_path):
    language_export("Fedorenko2016-linear", language_files, tmp_path)
    stimuli = json.loads((tmp_path / "export" / "stimuli" / "stimulus_set.json").read_text())["stimuli"]
    first = [s for s in stimuli if s["sentence_id"] == 0]
    assert [len(s["words"].split()) for s in first] == list(range(1, 9)) and first[0]["words"] == "THE"
    assert all(later["words"].startswith(earlier["words"]) for earlier, later in zip(first, first[1:]))
    recordings = Benchmark(None, "", tmp_path / "export").recordings()
    assert recordings["subject"].dtype.kind == "U" and sorted(set(recordings["subject"].values)) == ["1", "2", "3"]


def test_futrell_readers_are_neuroids_and_first_words_only_context(language_files, tmp_path):
    language_export("Futrell2018-pearsonr", language_files, tmp_path)
    recordings = Benchmark(None, "", tmp_path / "export").recordings()
    assert recordings.sizes["neuroid"] == 12 and list(recordings["neuroid_id"].values) == list(recordings["subject"].values)
    assert 0 not in set(recordings["word_index"].values) and 1 not in set(recordings["word_within_sentence_id"].values)
    stimuli = json.loads((tmp_path / "export" / "stimuli" / "stimulus_set.json").read_text())["stimuli"]
    assert len(stimuli) == 30 and all(s["words"].split()[0] == "The" for s in stimuli)  # 10 stories x 3 sentences
    words = {s["stimulus_id"]: s["words"].split() for s in stimuli}
    assert all(words[sid][k] == word for sid, k, word in zip(recordings["stimulus_id"].values, recordings["word_index"].values,
                                                              recordings["word"].values))
    assert np.isnan(recordings.values).mean() == pytest.approx(0.5)  # each reader read half the stories


@pytest.mark.parametrize("name", list(LANGUAGE))
def test_the_unchanged_scoring_kinds_score_the_language_exports(language_files, tmp_path, name):
    """The generating features, read from each stimulus's own file, score far above the same features on the wrong
    stimuli: the text, the stimulus ids and the recordings line up."""
    language_export(name, language_files, tmp_path)
    benchmark = Benchmark(None, "", tmp_path / "export")
    right, wrong = score(benchmark, model_answer(benchmark, False)), score(benchmark, model_answer(benchmark, True))
    assert right.raw.value > 0.8 and abs(wrong.raw.value) < 0.4
    assert 0 < right.ceiling.value <= 1 and np.isfinite(right.ceiled.value)


@pytest.mark.parametrize("name", list(LANGUAGE))
def test_a_language_file_with_the_wrong_sha1_is_refused_by_name(language_files, tmp_path, name):
    filename = LANGUAGE_FILES[LANGUAGE[name][0]]
    with pytest.raises(ValidationError) as caught:
        language_export(name, language_files, tmp_path, corrupt=filename)
    (problem,) = caught.value.problems
    assert problem.code == "SHA1_MISMATCH" and filename in problem.where and filename in problem.message
    assert problem.expected == "0" * 40 and problem.found == real_data.sha1_file(language_files / filename)
    assert not (tmp_path / "export").exists()
