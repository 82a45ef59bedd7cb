"""Two properties of the validator over 11,050 generated inputs.

No input crashes it: garbage CSV, wrong encodings, random JSON, damaged netCDF and broken exports each give a Report
of well-formed Problems (hypothesis, derandomized: 900 + 700 + 300 + 150 = 2,050 inputs).
Every input broken on purpose is reported where it is broken: valid stimulus CSVs and model descriptions with one
deliberate fault each (a blank or duplicated id, a missing file, a short row; a field deleted, mistyped, an unknown
region, truncated JSON) get an error with the fault's code at the fault's row or JSON path (seeded: 5,000 + 4,000).
"""
import json
import random
import re
import string
import tempfile
from pathlib import Path

import pytest
from braindock.curation.validation import validate_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .builders import neural_array, write_export, write_images, write_netcdf

CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
FUZZ = dict(derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def well_formed(report) -> None:
    for problem in report.problems:
        assert CODE.match(problem.code), problem
        assert problem.severity in ("error", "warning")
        assert problem.where and problem.message
    json.dumps(report.to_dict(), default=str)
    assert report.exit_code in (0, 1)


def run_fuzz(strategy, examples, check):
    """Run `check` on `examples` generated values; return how many ran."""
    ran = 0

    @settings(max_examples=examples, **FUZZ)
    @given(strategy)
    def property_(value):
        nonlocal ran
        ran += 1
        check(value)

    property_()
    return ran


cell = st.text(alphabet=string.printable + "é\u00ff\u2603\x00", max_size=12)
csv_rows = st.lists(st.lists(cell, min_size=0, max_size=5), min_size=0, max_size=8)
header = st.lists(st.sampled_from(["stimulus_id", "filename", "image_id", "sha256", "thing", "", "stimulus_id "]), max_size=5)
encodings = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"])


def test_csv_never_crashes():
    folder = Path(tempfile.mkdtemp())
    write_images(folder, ["a"])
    path = folder / "s.csv"

    def as_bytes(value):
        kind, payload = value
        if kind == "raw":
            return payload
        head, rows, encoding = payload
        text = "\n".join(",".join(r) for r in [head, *rows])
        return text.encode(encoding, "replace")

    strategy = st.one_of(
        st.tuples(st.just("raw"), st.binary(max_size=300)),
        st.tuples(st.just("csv"), st.tuples(header, csv_rows, encodings)),
    )

    def check(value):
        path.write_bytes(as_bytes(value))
        well_formed(validate_path(path, kind="stimulus-csv"))

    assert run_fuzz(strategy, 900, check) >= 900


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["stimuli", "stimulus_id", "file", "sha256", "identifier", "license", "metric", "parameters",
                         "stratify_by", "recordings", "path", "regions", "time_bins", "kind", "spec_version", "x"]),
        children, max_size=5),
    max_leaves=20,
)


def test_json_documents_never_crash():
    folder = Path(tempfile.mkdtemp())
    write_images(folder, ["a"])
    strategy = st.tuples(st.sampled_from(["stimulus-set", "manifest", "model"]),
                         st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100)))

    def check(value):
        kind, data = value
        path = folder / "doc.json"
        path.write_bytes(data)
        well_formed(validate_path(path, kind=kind))

    assert run_fuzz(strategy, 700, check) >= 700


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # h5netcdf's __del__ after a failed open
def test_damaged_netcdf_never_crashes():
    folder = Path(tempfile.mkdtemp())
    good = write_netcdf(neural_array(["a", "b"]), folder / "good.nc").read_bytes()
    path = folder / "bad.nc"
    edit = st.tuples(st.integers(0, len(good) - 1), st.binary(min_size=1, max_size=8))
    strategy = st.tuples(st.integers(0, len(good)), st.lists(edit, max_size=4), st.sampled_from(["neural", "behavioral"]))

    def check(value):
        length, edits, kind = value
        data = bytearray(good)
        for offset, patch in edits:
            data[offset:offset + len(patch)] = patch
        path.write_bytes(bytes(data[:length]))
        well_formed(validate_path(path, kind=kind))

    assert run_fuzz(strategy, 300, check) >= 300


def test_broken_exports_never_crash():
    folder = write_export(Path(tempfile.mkdtemp()) / "export")
    manifest = json.loads((folder / "manifest.json").read_text())
    keys = sorted(manifest)
    strategy = st.tuples(st.sampled_from(keys), json_values, st.booleans())

    def check(value):
        key, replacement, delete = value
        document = dict(manifest)
        if delete:
            document.pop(key)
        else:
            document[key] = replacement
        (folder / "manifest.json").write_text(json.dumps(document))
        well_formed(validate_path(folder, kind="export"))

    assert run_fuzz(strategy, 150, check) >= 150


# broken on purpose -------------------------------------------------------------------------------------------------

def errors_at(report) -> set[tuple[str, str]]:
    return {(p.code, p.where.split("#")[-1] if "#" in p.where else p.where.split(".csv:")[-1]) for p in report.problems
            if p.severity == "error"}


def broken_csv(rng: random.Random, files: list[str]) -> tuple[str, tuple[str, str]]:
    """A valid stimulus CSV with one fault, and the (code, location) the validator must report for it."""
    n = rng.randint(2, len(files))
    ids = rng.sample(range(10**6), n)
    rows = [[f"s{i}", name] for i, name in zip(ids, rng.sample(files, n))]
    k = rng.randrange(1, n)  # the broken row (the data's second row or later), line k + 2 of the file
    fault = rng.choice(["blank_id", "duplicate_id", "missing_file", "short_row"])
    if fault == "blank_id":
        rows[k][0] = ""
        expected = ("EMPTY_VALUE", f"row {k + 2}:column stimulus_id")
    elif fault == "duplicate_id":
        rows[k][0] = rows[rng.randrange(k)][0]
        expected = ("DUPLICATE_STIMULUS_ID", f"row {k + 2}:column stimulus_id [stimulus_id={rows[k][0]}]")
    elif fault == "missing_file":
        rows[k][1] = f"missing-{rng.randrange(1000)}.png"
        expected = ("FILE_NOT_FOUND", f"row {k + 2}:column filename [stimulus_id={rows[k][0]}]")
    else:
        rows[k] = rows[k][:1]
        expected = ("ROW_LENGTH", f"row {k + 2}")
    return "stimulus_id,filename\n" + "".join(",".join(row) + "\n" for row in rows), expected


def test_broken_csvs_are_reported_at_their_row():
    folder = Path(tempfile.mkdtemp())
    files = write_images(folder, [f"i{k}" for k in range(12)])
    rng = random.Random(13)
    path = folder / "s.csv"
    for _ in range(5000):
        text, expected = broken_csv(rng, files)
        path.write_text(text)
        report = validate_path(path, kind="stimulus-csv")
        well_formed(report)
        assert expected in errors_at(report), (text, expected, sorted(errors_at(report)))


VALID_DESCRIPTION = {
    "spec_version": "1.0", "identifier": "fuzzed", "version": "1.0.0", "authors": [{"name": "a"}], "license": "MIT",
    "modality": "image", "regions": {"V1": {"layer": "l1"}, "IT": {"layer": "l4"}}, "time_bins": [[70, 170]],
    "visual_degrees": 8, "tasks": ["passive"],
}
WRONG_TYPE = {str: 7, list: "x", dict: [], int: "eight", float: "eight"}


def broken_description(rng: random.Random) -> tuple[bytes, set[str], str | None]:
    """A valid model description with one fault, the codes one of which the validator must report for it, and where."""
    document = json.loads(json.dumps(VALID_DESCRIPTION))
    fault = rng.choice(["delete", "mistype", "region", "truncate"])
    field = rng.choice(sorted(document))
    if fault == "delete" and field != "visual_degrees":  # the one optional field here
        del document[field]
        return json.dumps(document).encode(), {"MISSING_FIELD"}, f"/{field}"
    if fault == "mistype":
        document[field] = WRONG_TYPE[type(document[field])]
        return json.dumps(document).encode(), {"WRONG_TYPE", "NOT_ALLOWED"}, f"/{field}"  # NOT_ALLOWED: an enum's field
    if fault == "region":
        region = rng.choice(["V3", "MT", "it", "v1", "PFC", ""])
        document["regions"][region] = {"layer": "x"}
        return json.dumps(document).encode(), {"UNKNOWN_REGION"}, f"/regions/{region}"
    text = json.dumps(document).encode()
    return text[:rng.randrange(len(text) - 1)], {"BAD_JSON", "EMPTY_FILE"}, None  # every proper prefix of an object is broken


def test_broken_descriptions_are_reported_at_their_path():
    path = Path(tempfile.mkdtemp()) / "model.json"
    path.write_text(json.dumps(VALID_DESCRIPTION))
    assert [p for p in validate_path(path, kind="model").problems if p.severity == "error"] == []
    rng = random.Random(7)
    for _ in range(4000):
        data, codes, location = broken_description(rng)
        path.write_bytes(data)
        report = validate_path(path, kind="model")
        well_formed(report)
        found = errors_at(report)
        assert any(code in codes and location in (None, where) for code, where in found), (data[:200], codes, location, sorted(found))
