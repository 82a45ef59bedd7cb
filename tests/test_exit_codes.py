"""One exit-code convention across commands: 0 valid / done, 1 invalid input, 2 could not run. Command by command,
through the real CLI; library text (HDF5, OSError) only ever after a sentence of ours."""
import json
import shutil

import pytest
from braindock.cli import main
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio
from validation.builders import write_images, write_stimulus_set


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


@pytest.fixture
def csv_set(tmp_path):
    """A CSV with its image, and a sidecar making it valid."""
    write_images(tmp_path, ["a"])
    (tmp_path / "s.csv").write_text("stimulus_id,filename\na,a.png\n")
    (tmp_path / "meta.yaml").write_text("attrs: {license: MIT, citation: Doe 2024, visual_degrees: 8}\n")
    return tmp_path


def test_validate(csv_set, capsys):
    csv, meta = csv_set / "s.csv", csv_set / "meta.yaml"
    assert run(capsys, "validate", csv, "--metadata", meta)[0] == 0
    assert run(capsys, "validate", csv)[0] == 1  # no licence, no citation
    (csv_set / "placeholder.yaml").write_text("attrs: {license: LABEL, citation: Doe}\n")
    code, text = run(capsys, "validate", csv, "--metadata", csv_set / "placeholder.yaml")
    assert code == 1 and "PLACEHOLDER_VALUE" in text
    assert run(capsys, "validate", csv_set / "none.csv")[0] == 2
    assert run(capsys, "validate", csv, "--metadata", csv_set / "none.yaml")[0] == 2
    (csv_set / "notes.txt").write_text("hi")
    assert run(capsys, "validate", csv_set / "notes.txt")[0] == 2
    assert run(capsys, "validate")[0] == 2


def test_validate_puts_our_sentence_before_the_readers_text(tmp_path, capsys):
    (tmp_path / "broken.nc").write_bytes(b"CDF\x01 not really netCDF" * 10)
    code, text = run(capsys, "validate", "--json", tmp_path / "broken.nc")
    [problem] = json.loads(text)["problems"]
    assert code == 1 and problem["message"].startswith("could not open the file as netCDF-4/HDF5; the reader said:")


@needs_brainio
def test_import(csv_set, tmp_path, capsys):
    csv, meta = csv_set / "s.csv", csv_set / "meta.yaml"
    assert run(capsys, "import", "brainio", csv, "--out", tmp_path / "ok", "--metadata", meta)[0] == 0
    code, _ = run(capsys, "import", "brainio", csv, "--out", tmp_path / "incomplete")
    assert code == 1 and not (tmp_path / "incomplete").exists()
    assert run(capsys, "import", "brainio", csv, "--out", tmp_path / "ok", "--metadata", meta)[0] == 2  # exists
    assert run(capsys, "import", "brainio", tmp_path / "none.csv", "--out", tmp_path / "x")[0] == 2
    assert run(capsys, "import", "brainio", csv, "--out", tmp_path / "y", "--files", tmp_path / "nowhere")[0] == 2
    assert run(capsys, "import", "brainio", FIXTURES / "alexnet-probabilities.nc", "--out", tmp_path / "p.nc")[0] == 1
    assert run(capsys, "import", "brainio", FIXTURES / "assy_test_TestMe.nc", "--out", tmp_path / "b.nc", "--bin", "170:70")[0] == 2
    assert run(capsys, "import", "brainio", csv)[0] == 2  # no --out
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04 cut short")
    code, text = run(capsys, "import", "brainio", csv, "--out", tmp_path / "z", "--files", tmp_path / "cut.zip", "--metadata", meta)
    assert code == 1 and "BAD_ZIP" in text and "the ZIP reader said" in text
    assert not list(tmp_path.glob(".z.*"))  # no staging folder left behind


def test_ingest_and_datasets(csv_set, tmp_path, capsys):
    home = tmp_path / "home"
    folder = tmp_path / "set"
    write_stimulus_set(folder, ["a", "b"])
    assert run(capsys, "--home", home, "ingest", folder)[0] == 0
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "images" / "a.png").unlink()
    assert run(capsys, "--home", home, "ingest", broken)[0] == 1
    assert run(capsys, "--home", home, "ingest", tmp_path / "none")[0] == 2
    assert run(capsys, "--home", home, "ingest", csv_set / "s.csv")[0] == 2  # a CSV is imported first, not ingested
    code, text = run(capsys, "--home", home, "datasets", "--json")
    assert code == 0 and [d["identifier"] for d in json.loads(text)] == ["test-stimuli"]


def test_records_and_config(tmp_path, capsys):
    assert run(capsys, "--home", tmp_path / "home", "config")[0] == 0
    assert run(capsys, "--home", tmp_path / "home", "records", "show", "nosuch")[0] == 2


@pytest.mark.engine
@pytest.mark.parametrize("argv", [["score", "braindock-test/no-model:1", "Braindock-Test/Benchmark:1"],
                                  ["check-model", "Braindock-Test/Model:1"]], ids=["score", "check-model"])
def test_an_image_reference_in_capital_letters_is_invalid_input_not_a_traceback(tmp_path, capsys, argv):
    code, text = run(capsys, "--home", tmp_path / "home", *argv)
    assert code == 1 and "BAD_IMAGE_REFERENCE" in text and "lower case" in text


@pytest.mark.engine
def test_an_image_that_does_not_exist_cannot_run(tmp_path, capsys):
    code, text = run(capsys, "--home", tmp_path / "home", "score", "braindock-test/no-model:1", "braindock-test/no-benchmark:1")
    assert code == 2 and "IMAGE_NOT_FOUND" in text
