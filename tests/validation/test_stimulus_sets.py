from pathlib import Path

import pytest
from braindock.curation.validation import SeverityConfig, validate_path
from braindock.errors import UsageError

from .builders import write_images, write_stimulus_set

META = {"attrs": {"license": "CC-BY-4.0", "citation": "Doe 2024", "visual_degrees": 8}}


def located(report):
    """(code, where) of every problem but the set-level metadata ones (tested on their own below)."""
    return {(p.code, p.where) for p in report.problems if p.code != "MISSING_METADATA"}


def write_csv(folder: Path, text: str) -> Path:
    path = folder / "stimuli.csv"
    path.write_text(text)
    return path


def test_a_good_csv_is_valid_and_reports_image_sizes(tmp_path):
    write_images(tmp_path, ["a", "b"])
    report = validate_path(write_csv(tmp_path, "stimulus_id,filename,object\na,a.png,dog\nb,b.png,cat\n"), metadata=META)
    assert report.valid and report.problems == []
    assert report.facts[str(tmp_path / "stimuli.csv")]["image_sizes"] == {"8x6": 2}


def test_missing_stimulus_id_column_still_checks_every_row(tmp_path):
    write_images(tmp_path, ["a"])
    csv = write_csv(tmp_path, "name,filename\na,a.png\nb,b.png\n")
    found = located(validate_path(csv))
    assert found == {
        ("MISSING_COLUMN", f"{csv}:row 1:column stimulus_id"),
        ("FILE_NOT_FOUND", f"{csv}:row 3:column filename"),
    }


def test_a_near_miss_id_column_is_named_and_used(tmp_path):
    write_images(tmp_path, ["a"])
    csv = write_csv(tmp_path, "id,filename\na,a.png\nb,b.png\n")
    report = validate_path(csv)
    [missing] = [p for p in report.problems if p.code == "MISSING_COLUMN"]
    assert "looked for column 'stimulus_id'" in missing.message and "rename column 'id' to 'stimulus_id'" in missing.fix
    assert ("FILE_NOT_FOUND", f"{csv}:row 3:column filename [stimulus_id=b]") in located(report)


def test_duplicate_ids_are_each_reported_with_their_row(tmp_path):
    write_images(tmp_path, ["a", "b"])
    csv = write_csv(tmp_path, "stimulus_id,filename\na,a.png\nb,b.png\na,b.png\nb,a.png\n")
    found = located(validate_path(csv))
    assert {f for f in found if f[0] == "DUPLICATE_STIMULUS_ID"} == {
        ("DUPLICATE_STIMULUS_ID", f"{csv}:row 4:column stimulus_id [stimulus_id=a]"),
        ("DUPLICATE_STIMULUS_ID", f"{csv}:row 5:column stimulus_id [stimulus_id=b]"),
    }
    assert "TRIAL_LEVEL_TABLE" not in {code for code, _ in found}  # the same id names different files: a conflict


def test_missing_files_bad_images_and_bad_paths_all_at_once(tmp_path):
    write_images(tmp_path, ["a"])
    (tmp_path / "broken.png").write_bytes(b"\x89PNG garbage")
    csv = write_csv(tmp_path, "stimulus_id,filename,extra\na,a.png,1\nb,gone.png,2\nc,broken.png,3\nd,../up.png,4\ne,,5\nf,x.png\n")
    report = validate_path(csv)
    assert located(report) == {
        ("FILE_NOT_FOUND", f"{csv}:row 3:column filename [stimulus_id=b]"),
        ("IMAGE_UNREADABLE", f"{csv}:row 4:column filename [stimulus_id=c]"),
        ("BAD_PATH", f"{csv}:row 5:column filename [stimulus_id=d]"),
        ("EMPTY_VALUE", f"{csv}:row 6:column filename [stimulus_id=e]"),
        ("ROW_LENGTH", f"{csv}:row 7"),
        ("FILE_NOT_FOUND", f"{csv}:row 7:column filename [stimulus_id=f]"),
    }
    assert report.exit_code == 1 and all(p.fix for p in report.problems)


def test_sha256_column_is_checked(tmp_path):
    write_images(tmp_path, ["a"])
    csv = write_csv(tmp_path, f"stimulus_id,filename,sha256\na,a.png,{'0' * 64}\n")
    assert located(validate_path(csv)) == {("SHA256_MISMATCH", f"{csv}:row 2:column sha256 [stimulus_id=a]")}


@pytest.mark.parametrize("content,code", [(b"", "EMPTY_FILE"), (b"stimulus_id,filename\n\xff\xfe,a\n", "BAD_ENCODING"),
                                          (b"stimulus_id,filename\n", "NO_ROWS")])
def test_unreadable_csvs_are_problems(tmp_path, content, code):
    (tmp_path / "s.csv").write_bytes(content)
    assert code in validate_path(tmp_path / "s.csv").codes()


def test_stimulus_set_json_schema_and_duplicates(tmp_path):
    path = write_stimulus_set(tmp_path, ["a", "b"], license="")
    text = path.read_text().replace('"stimulus_id": "b"', '"stimulus_id": "a"')
    path.write_text(text)
    found = located(validate_path(tmp_path))
    assert ("EMPTY", f"{path}#/license") in found
    assert ("DUPLICATE_STIMULUS_ID", f"{path}#/stimuli/1/stimulus_id [stimulus_id=a]") in found


def test_severity_config_lowers_raises_and_ignores(tmp_path):
    write_images(tmp_path, ["a"])
    csv = write_csv(tmp_path, "stimulus_id,filename\na,a.png\nb,b.png\nc,c.png\n")
    config = SeverityConfig.from_dict({"warning": ["FILE_NOT_FOUND"], "ignore": [{"code": "FILE_NOT_FOUND", "where": "*stimulus_id=c]"}]})
    report = validate_path(csv, config=config, metadata=META)
    assert [(p.code, p.severity, p.where.endswith("[stimulus_id=b]")) for p in report.problems] == [("FILE_NOT_FOUND", "warning", True)]
    assert report.valid
    yaml_config = tmp_path / "severity.yaml"
    yaml_config.write_text("ignore: [FILE_NOT_FOUND]\n")
    assert validate_path(csv, config=yaml_config, metadata=META).problems == []


def test_bad_severity_config_and_unknown_paths_cannot_run(tmp_path):
    with pytest.raises(UsageError) as caught:
        SeverityConfig.from_dict({"errors": ["X"], "warning": "NAN_IN_DATA"})
    assert {p.code for p in caught.value.problems} == {"UNKNOWN_SETTING", "WRONG_TYPE"}
    with pytest.raises(UsageError):
        validate_path(tmp_path / "nothing.csv")
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(UsageError) as caught:
        validate_path(tmp_path / "notes.txt")
    assert caught.value.problems[0].code == "UNKNOWN_KIND"


def test_huge_fields_and_utf16_are_problems_not_crashes(tmp_path):
    (tmp_path / "big.csv").write_text("stimulus_id,filename\na," + "x" * 1_000_000 + "\n")
    assert "BAD_CSV" in validate_path(tmp_path / "big.csv").codes()
    (tmp_path / "u16.csv").write_bytes("stimulus_id,filename\na,a.png\n".encode("utf-16"))
    assert validate_path(tmp_path / "u16.csv").codes() == ["BAD_ENCODING"]


def test_the_process_pool_path_finds_the_same_problems_in_order(tmp_path, monkeypatch):
    from braindock.curation.validation import files

    write_images(tmp_path, [f"s{i}" for i in range(9)])
    (tmp_path / "s4.png").unlink()
    rows = "".join(f"s{i},s{i}.png\n" for i in range(9))
    csv = write_csv(tmp_path, "stimulus_id,filename\n" + rows)
    serial = validate_path(csv)
    monkeypatch.setattr(files, "PARALLEL_FROM", 2)
    monkeypatch.setattr(files, "CHUNK", 2)
    parallel = validate_path(csv)
    assert located(parallel) == located(serial) == {("FILE_NOT_FOUND", f"{csv}:row 6:column filename [stimulus_id=s4]")}
    assert parallel.facts == serial.facts


def test_csv_metadata_comes_from_the_sidecar_or_constant_columns(tmp_path):
    write_images(tmp_path, ["a", "b"])
    missing = validate_path(write_csv(tmp_path, "stimulus_id,filename\na,a.png\nb,b.png\n"))
    assert {(p.where.rsplit("#/", 1)[-1], p.severity) for p in missing.problems} == {
        ("license", "error"), ("citation", "error"), ("visual_degrees", "warning")}
    assert all("looked for" in p.message and "--metadata meta.yaml" in p.fix for p in missing.problems)
    columns = validate_path(write_csv(tmp_path, "stimulus_id,filename,license,citation,visual_degrees\n"
                                                "a,a.png,MIT,Doe 2024,8\nb,b.png,MIT,Doe 2023,8\n"))
    assert [(p.code, p.where.rsplit("#/", 1)[-1]) for p in columns.problems] == [("INCONSISTENT_METADATA", "citation")]


def test_shared_files_mixed_formats_and_sizes_and_lying_suffixes_are_flagged(tmp_path):
    from PIL import Image

    write_images(tmp_path, ["a", "b"])
    Image.new("RGB", (20, 20)).save(tmp_path / "big.png")
    Image.new("RGB", (8, 6)).save(tmp_path / "photo.jpg", "JPEG")
    Image.new("RGB", (8, 6)).save(tmp_path / "fake.jpg", "PNG")  # a PNG named .jpg
    csv = write_csv(tmp_path, "stimulus_id,filename\na,a.png\nb,b.png\nc,a.png\nd,big.png\ne,photo.jpg\nf,fake.jpg\n")
    report = validate_path(csv, metadata=META)
    assert report.valid  # all warnings
    assert located(report) == {
        ("SHARED_FILE", f"{csv}:row 4:column filename [stimulus_id=c]"),
        ("IMAGE_SIZES_DIFFER", f"{csv}#/images"),
        ("IMAGE_FORMATS_MIXED", f"{csv}#/images"),
        ("IMAGE_FORMAT_MISMATCH", f"{csv}:row 7:column filename [stimulus_id=f]"),
    }
    shared = next(p for p in report.problems if p.code == "SHARED_FILE")
    assert "named by 2 stimulus ids (a, c)" in shared.message
    sizes = next(p for p in report.problems if p.code == "IMAGE_SIZES_DIFFER")
    assert "8x6 x 5" in sizes.message and "20x20 x 1" in sizes.message
