"""Property: no input crashes the validator. Garbage CSV, wrong encodings, random JSON, damaged netCDF, broken
exports each give a Report of well-formed Problems: 900 + 700 + 300 + 150 = 2,050 generated inputs, derandomized."""
import json
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
