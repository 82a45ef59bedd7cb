"""Real-data benchmarks: sha1 against the catalog, brainio import, a valid export with Brain-Score's settings."""
from __future__ import annotations

import csv
import json

import pytest
from braindock import real_data
from braindock.curation.validation import validate_benchmark_export
from braindock.errors import UsageError, ValidationError
from real_shaped import FILES, write_catalog, write_majajhong


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
    legacy = {row[0] for row in csv.reader(open(real_data.REAL / "lookup_legacy.csv"))}
    rows = real_data.load_catalog()
    assert all(len(r.sha1) == 40 and int(r.sha1, 16) >= 0 for r in rows)
    assert {r.filename for r in rows} <= legacy  # every file is one of Brain-Score's (lookup_legacy.csv, as shipped)
    for name, spec in real_data.load_recipes().items():
        assert any(r.identifier == spec["assembly"] for r in rows), name
