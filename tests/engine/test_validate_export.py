"""`braindock validate` on the IT benchmark's exported assembly: valid as shipped; without `region` it exits 1 and names the path."""
from __future__ import annotations

import json

import xarray as xr
from braindock.cli import main
from braindock.execution.benchmarks import load_benchmark
from conftest import IT_BENCHMARK


def test_exported_assembly_without_region_is_refused(engine_settings, engine, tmp_path, capsys):
    benchmark = load_benchmark(engine, engine_settings, IT_BENCHMARK)
    shipped = benchmark.root / benchmark.manifest["recordings"]["path"]
    assert main(["validate", str(shipped), "--json"]) == 0
    capsys.readouterr()
    with xr.open_dataarray(shipped, engine="h5netcdf") as recordings:
        broken = recordings.load().drop_vars("region")
    copy = tmp_path / "assembly.nc"
    broken.to_netcdf(copy, engine="h5netcdf")
    assert main(["validate", str(copy), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    problems = [p for f in report["files"] for p in f["problems"]] if "files" in report else report["problems"]
    missing = [p for p in problems if p["code"] == "MISSING_FIELD"]
    assert [p["where"] for p in missing] == [f"{copy}#/coords/region"]
    assert main(["validate", str(benchmark.root)]) == 0  # the whole export, cross-checked
