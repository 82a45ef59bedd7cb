"""The content-addressed store and `braindock ingest`: atomic, idempotent, immutable, validated first."""
import shutil
import stat

import pytest
from braindock import store as store_module
from braindock.curation.importers.ingest import ingest
from braindock.errors import UsageError, ValidationError
from braindock.store import Store, tree_digest

from tests.validation.builders import neural_array, write_export, write_netcdf, write_stimulus_set


def leftovers(store):
    return [p.name for p in store.objects.iterdir() if p.name.startswith(".")] if store.objects.exists() else []


def test_put_tree_is_content_addressed_and_idempotent(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("hello")
    store = Store(tmp_path / "store")
    first = store.put_tree(tmp_path / "a", kind="test")
    second = store.put_tree(tmp_path / "a", kind="test")
    assert first.digest == second.digest == tree_digest(tmp_path / "a")
    assert store.verify(first.digest)
    assert [e.digest for e in store.entries()] == [first.digest]


def test_ingest_twice_is_a_no_op_returning_the_same_hash(tmp_path):
    folder = write_export(tmp_path / "export")
    store = Store(tmp_path / "store")
    entry, report = ingest(folder, store)
    before = sorted(p.stat().st_mtime_ns for p in entry.path.rglob("*") if p.is_file())
    again, _ = ingest(folder, store)
    assert again.digest == entry.digest and report.valid
    assert sorted(p.stat().st_mtime_ns for p in again.path.rglob("*") if p.is_file()) == before
    assert entry.metadata["identifier"] == "Test.IT-pls" and entry.kind == "export"
    assert len(list(store.entries())) == 1 and store.verify(entry.digest)


def test_stored_files_are_read_only(tmp_path):
    entry, _ = ingest(write_netcdf(neural_array(["a"]), tmp_path / "r.nc"), Store(tmp_path / "store"))
    stored = entry.path / "r.nc"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o444
    assert entry.metadata["identifier"] == "test-recordings"


def test_invalid_input_stores_nothing(tmp_path):
    array = neural_array(["a"]).drop_vars("neuroid_id")
    path = write_netcdf(array, tmp_path / "r.nc")
    store = Store(tmp_path / "store")
    with pytest.raises(ValidationError) as caught:
        ingest(path, store)
    assert "MISSING_FIELD" in {p.code for p in caught.value.problems}
    assert list(store.entries()) == [] and leftovers(store) == []


@pytest.mark.parametrize("target", ["copytree", "rename"])
def test_a_crash_midway_leaves_no_partial_entry(tmp_path, monkeypatch, target):
    folder = write_stimulus_set(tmp_path / "stimuli", ["a", "b", "c"]).parent
    store = Store(tmp_path / "store")

    def copy_half_then_fail(src, dst, *args, **kwargs):
        dst.mkdir(parents=True)
        shutil.copyfile(next(iter(sorted(src.rglob("*.json")))), dst / "partial.json")
        raise OSError("disk full")

    def fail(*args, **kwargs):
        raise OSError("power cut")

    if target == "copytree":
        monkeypatch.setattr(store_module.shutil, "copytree", copy_half_then_fail)
    else:
        monkeypatch.setattr(store_module.os, "rename", fail)
    with pytest.raises(OSError):
        ingest(folder, store)
    assert list(store.entries()) == [] and leftovers(store) == []
    assert [p.name for p in store.root.iterdir() if p.name.startswith(".ingest-")] == []
    monkeypatch.undo()
    entry, _ = ingest(folder, store)
    assert store.verify(entry.digest)
    assert sorted(p.name for p in entry.path.iterdir()) == ["images", "stimulus_set.json"]


def test_csvs_and_manifests_are_not_ingestible(tmp_path):
    (tmp_path / "s.csv").write_text("stimulus_id,filename\n")
    with pytest.raises(UsageError) as caught:
        ingest(tmp_path / "s.csv", Store(tmp_path / "store"))
    assert caught.value.problems[0].code == "NOT_INGESTIBLE"
