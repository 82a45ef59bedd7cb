import json
import shutil
import zipfile

import pytest
import xarray as xr
import yaml
from braindock.curation.importers.brainio import import_assembly, import_stimulus_set
from braindock.curation.validation import validate_path
from braindock.errors import ValidationError
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio

NEURAL_ATTRS = {("attrs", k) for k in ("species", "method", "units", "license", "citation")}
NEURONS = {("neuroid", "region"), ("neuroid", "subject")}
META = {
    "attrs": {"species": "Macaca mulatta", "method": "multi-unit array", "units": "spikes/s",
              "license": "MIT", "citation": "Schrimpf et al. 2018, bioRxiv"},
    "neuroid": {"region": "IT", "subject": "monkey1"},
}

pytestmark = needs_brainio


@pytest.fixture
def copied(tmp_path):
    """The fixtures copied to tmp_path (never touch the originals)."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def errors(result):
    return sorted((p.code, p.where.split("#", 1)[-1]) for p in result.report.errors)


def test_ten_images_import_and_lack_only_license_and_citation(copied, tmp_path):
    result = import_stimulus_set(copied / "ten-images" / "image_test_ten_images.csv", copied / "ten-images", tmp_path / "out")
    assert sorted(result.missing) == [("attrs", "citation"), ("attrs", "license"), ("attrs", "visual_degrees")]
    assert errors(result) == [("MISSING_FIELD", "/citation"), ("MISSING_FIELD", "/license")]
    assert [p.code for p in result.report.warnings] == ["MISSING_METADATA"]
    assert "license: CC-BY-4.0" in result.template and "visual_degrees: 8" in result.template
    assert all("--metadata" in p.fix and "attrs: {" in p.fix for p in result.report.problems)
    document = json.loads((tmp_path / "out" / "stimulus_set.json").read_text())
    assert [s["stimulus_id"] for s in document["stimuli"]] == [f"n{i}" for i in range(10)]
    assert document["stimuli"][3]["thing"] == "foo3"
    assert result.report.facts[str(tmp_path / "out" / "stimulus_set.json")]["files_checked"] == 10


def test_ten_images_with_metadata_validate_from_a_zip(copied, tmp_path):
    archive = tmp_path / "ten.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for png in sorted((copied / "ten-images").glob("*.png")):
            z.write(png, f"ten-images/{png.name}")
    meta = tmp_path / "meta.yaml"
    meta.write_text(yaml.safe_dump({"attrs": {"license": "MIT", "citation": "brainio tests", "visual_degrees": 8}}))
    result = import_stimulus_set(copied / "ten-images" / "image_test_ten_images.csv", archive, tmp_path / "out", meta)
    assert result.report.valid and result.missing == []
    assert validate_path(tmp_path / "out").valid


def test_testme_lacks_attrs_neuroid_columns_and_time_bins(copied, tmp_path):
    result = import_assembly(copied / "assy_test_TestMe.nc", tmp_path / "testme.nc")
    assert set(result.missing) == NEURAL_ATTRS | NEURONS | {("time_bins", "")}
    assert {code for code, _ in errors(result)} == {"MISSING_FIELD"}
    assert {where for _, where in errors(result)} == {
        "/attrs/species", "/attrs/method", "/attrs/units", "/attrs/license", "/attrs/citation",
        "/coords/region", "/coords/subject", "/coords/time_bin_start", "/coords/time_bin_end"}
    assert "time_bins: [[70, 170]]" in result.template and "region: IT" in result.template
    assert any("time_bin dimension" in note for note in result.notes)


def test_package_assembly_renames_legacy_coords_and_lacks_metadata(copied, tmp_path):
    result = import_assembly(copied / "assy_test_package_assembly.nc", tmp_path / "package.nc")
    assert set(result.missing) == NEURAL_ATTRS | NEURONS
    with xr.open_dataset(tmp_path / "package.nc", engine="h5netcdf") as ds:
        assert list(ds.data_vars) == ["data"]
        assert "stimulus_id" in ds.coords and "image_id" not in ds.coords
        assert ds["data"].dims == ("presentation", "neuroid", "time_bin")
        assert list(ds["repetition"].values) == [0] * 6


@pytest.mark.parametrize("name,extra", [("assy_test_TestMe.nc", {"time_bins": [[70, 170]]}),
                                        ("assy_test_package_assembly.nc", {})])
def test_neural_fixtures_validate_once_metadata_is_supplied(copied, tmp_path, name, extra):
    result = import_assembly(copied / name, tmp_path / name, {**META, **extra})
    assert result.report.valid, result.report.render()
    assert result.missing == []
    assert validate_path(tmp_path / name).valid


def test_probabilities_assembly_is_refused_as_a_models_output(copied, tmp_path):
    with pytest.raises(ValidationError) as caught:
        import_assembly(copied / "alexnet-probabilities.nc", tmp_path / "probs.nc")
    [problem] = caught.value.problems
    assert problem.code == "MODEL_OUTPUT_NOT_TRIALS" and "240 x 24" in problem.message and "not human" in problem.message
    assert not (tmp_path / "probs.nc").exists()


def test_a_csv_without_ids_is_refused_with_every_problem(tmp_path):
    (tmp_path / "s.csv").write_text("filename,thing\n,foo\n")
    with pytest.raises(ValidationError) as caught:
        import_stimulus_set(tmp_path / "s.csv", tmp_path, tmp_path / "out")
    assert {p.code for p in caught.value.problems} == {"MISSING_COLUMN", "EMPTY_VALUE"}
    assert not (tmp_path / "out").exists()


def test_missing_files_leave_no_output(copied, tmp_path):
    (copied / "ten-images" / "n4.png").unlink()
    with pytest.raises(ValidationError) as caught:
        import_stimulus_set(copied / "ten-images" / "image_test_ten_images.csv", copied / "ten-images", tmp_path / "out")
    assert [p.code for p in caught.value.problems] == ["FILE_NOT_FOUND"]
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.importing-*"))
