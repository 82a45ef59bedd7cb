"""Files built like Brain-Score's real ones that are not (yet) what spec/ wants: each is recognised for what it is,
and the hint it gets leads, followed literally, to a valid file."""
import json
import shutil

import h5py
import numpy as np
import pytest
import xarray as xr
import yaml
from braindock.cli import main
from braindock.curation.importers.brainio import import_assembly
from braindock.curation.validation import validate_path
from braindock.errors import UsageError, ValidationError
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio
from validation.builders import event_assembly

pytestmark = needs_brainio
TEN = FIXTURES / "ten-images"
SET_META = {"attrs": {"license": "MIT", "citation": "brainio tests", "visual_degrees": 8}}


def codes(report):
    return sorted({p.code for p in report.problems})


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    return code, capsys.readouterr()


@pytest.fixture
def ten(tmp_path):
    """The ten brainio test images and their CSV, copied (the fixtures are read-only)."""
    target = tmp_path / "ten"
    shutil.copytree(TEN, target)
    for path in [target, *target.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def trial_table(folder):
    """One row per presentation, as behavioural and neural experiment logs are: each image shown 3 times."""
    lines = ["stimulus_id,filename,thing,repetition,choice"]
    for rep in range(3):
        lines += [f"n{i},n{i}.png,foo{i},{rep},{'dog' if (i + rep) % 2 else 'cat'}" for i in range(10)]
    path = folder / "trials.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_trial_table_is_recognised_once_and_its_deduplicated_stimulus_set_is_valid(ten, tmp_path, capsys):
    csv = trial_table(ten)
    report = validate_path(csv, metadata=SET_META)
    assert codes(report) == ["TRIAL_LEVEL_TABLE"]  # one problem, not twenty DUPLICATE_STIMULUS_IDs
    [problem] = report.problems
    assert "30 rows for 10 distinct stimuli" in problem.message and "--deduplicate" in problem.fix
    assert "repetition" in problem.fix and "choice" in problem.fix and "belong in the assembly" in problem.fix
    assert report.facts[str(csv)]["layout"] == "trial-table" and report.facts[str(csv)]["files_checked"] == 10
    meta = tmp_path / "meta.yaml"
    meta.write_text(yaml.safe_dump(SET_META))
    code, out = run(capsys, "import", "brainio", csv, "--out", tmp_path / "set", "--metadata", meta)
    assert code == 1 and "TRIAL_LEVEL_TABLE" in out.err and not (tmp_path / "set").exists()
    code, out = run(capsys, "import", "brainio", csv, "--deduplicate", "--out", tmp_path / "set", "--metadata", meta)
    assert code == 0, out.out
    document = json.loads((tmp_path / "set" / "stimulus_set.json").read_text())
    assert [s["stimulus_id"] for s in document["stimuli"]] == [f"n{i}" for i in range(10)]
    assert {k for s in document["stimuli"] for k in s} == {"stimulus_id", "file", "sha256", "thing"}  # per-trial columns dropped
    assert validate_path(tmp_path / "set").valid


def test_the_real_lookup_catalog_is_named_as_one(tmp_path):
    report = validate_path(FIXTURES / "lookup_legacy.csv")
    assert codes(report) == ["LOOKUP_CATALOG"]
    assert "image_dicarlo_hvm.csv" in report.problems[0].message and "not imported" in report.problems[0].fix


def test_a_brainio_lookup_csv_is_named_as_a_catalog(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text("identifier,lookup_type,class,location_type,location,sha1,stimulus_set_identifier\n"
                    "dicarlo.MajajHong2015,assembly,NeuronRecordingAssembly,S3,https://x/assy.nc,abc,dicarlo.hvm\n"
                    "dicarlo.hvm,stimulus_set,StimulusSet,S3,https://x/image.csv,def,\n")
    report = validate_path(path)
    assert codes(report) == ["LOOKUP_CATALOG"] and "dicarlo.MajajHong2015" in report.problems[0].message


def test_renamed_columns_are_suggested_and_their_files_still_checked(ten):
    text = (ten / "image_test_ten_images.csv").read_text().replace("stimulus_id,filename", "image_file_name,stimulus_paths", 1)
    csv = ten / "renamed.csv"
    csv.write_text(text)
    (ten / "n3.png").unlink()
    report = validate_path(csv, metadata=SET_META)
    missing = {p.where.rsplit("column ", 1)[-1]: p for p in report.problems if p.code == "MISSING_COLUMN"}
    assert "rename column 'stimulus_paths' to 'filename'" in missing["filename"].fix
    assert "looked for column 'filename'" in missing["filename"].message and "not found" in missing["filename"].message
    # image_file_name holds file names, so it is not offered as the id column
    assert "add a stimulus_id column" in missing["stimulus_id"].fix
    [not_found] = [p for p in report.problems if p.code == "FILE_NOT_FOUND"]
    assert not_found.where.endswith("row 5:column stimulus_paths") and "looked for 'n3.png'" in not_found.message


def test_a_probability_matrix_is_a_models_output_not_trials():
    report = validate_path(FIXTURES / "alexnet-probabilities.nc")
    assert codes(report) == ["MODEL_OUTPUT_NOT_TRIALS"]
    assert "not human" in report.problems[0].message and "subject" in report.problems[0].fix


def test_model_activations_are_not_recordings():
    report = validate_path(FIXTURES / "alexnet-rgb-1000.nc")
    assert codes(report) == ["MODEL_OUTPUT_NOT_RECORDINGS"]


def test_an_event_assembly_is_recognised_and_its_group_reported(tmp_path):
    path = event_assembly(tmp_path / "assy_spikes.nc")
    report = validate_path(path)
    assert codes(report) == ["EVENT_ASSEMBLY", "HDF5_GROUP"]
    event = next(p for p in report.problems if p.code == "EVENT_ASSEMBLY")
    assert "--bin 70:170" in event.fix and "7 spike times" in event.message
    group = next(p for p in report.problems if p.code == "HDF5_GROUP")
    assert group.where.endswith("#/stimulus_set") and "stimulus_file" in group.message and group.severity == "warning"


def test_binning_events_counts_spikes_per_presentation_neuroid_and_bin(tmp_path):
    result = import_assembly(event_assembly(tmp_path / "assy_spikes.nc"), tmp_path / "binned.nc",
                             bins=[(70, 170), (170, 270)])
    with xr.open_dataset(tmp_path / "binned.nc", engine="h5netcdf") as ds:
        data = ds["data"].load()
    assert data.dims == ("presentation", "neuroid", "time_bin")
    assert list(zip(data["stimulus_id"].values, data["repetition"].values)) == [("a", 0), ("b", 1), ("a", 1), ("b", 0)]
    assert list(data["neuroid_id"].values) == ["n1", "n2"] and list(data["region"].values) == ["IT", "V4"]
    # counts by hand from builders.SPIKES, over 0.1 s bins: [presentation][neuroid][bin]
    expected = np.array([[[2, 0], [0, 1]], [[0, 0], [1, 0]], [[1, 0], [0, 0]], [[0, 1], [0, 0]]]) / 0.1
    np.testing.assert_allclose(data.values, expected)
    assert list(data["time_bin_start"].values) == [70, 170] and data.attrs["units"] == "spikes/s"
    with h5py.File(tmp_path / "binned.nc", "r") as handle:  # the group carried along unchanged
        assert [v.decode() if isinstance(v, bytes) else v for v in handle["stimulus_set/stimulus_file"][()]] == ["a.png", "b.png"]
    assert any("carried HDF5 group /stimulus_set" in n for n in result.notes)
    assert ("neuroid", "subject") in result.missing and ("time_bins", "") not in result.missing


def test_bin_is_refused_for_an_assembly_already_binned_and_events_need_it(tmp_path):
    with pytest.raises(UsageError) as caught:
        import_assembly(FIXTURES / "assy_test_TestMe.nc", tmp_path / "x.nc", bins=[(70, 170)])
    assert caught.value.problems[0].code == "BAD_BIN"
    with pytest.raises(ValidationError) as caught:
        import_assembly(event_assembly(tmp_path / "assy_spikes.nc"), tmp_path / "y.nc")
    assert caught.value.problems[0].code == "EVENT_ASSEMBLY" and not (tmp_path / "y.nc").exists()


def test_a_group_that_cannot_be_copied_is_refused_by_name(tmp_path, monkeypatch):
    path = event_assembly(tmp_path / "assy_spikes.nc")

    def refuse(self, source, dest, name=None, **kwargs):
        raise ValueError("copy refused for the test")
    monkeypatch.setattr(h5py.Group, "copy", refuse)
    with pytest.raises(ValidationError) as caught:
        import_assembly(path, tmp_path / "out.nc", bins=[(70, 170)])
    [problem] = caught.value.problems
    assert problem.code == "HDF5_GROUP_NOT_COPIED" and "'/stimulus_set'" in problem.message
    assert "the HDF5 library said" in problem.message and not (tmp_path / "out.nc").exists()
