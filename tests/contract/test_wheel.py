"""The schemas ship inside the package: a wheel built from the repository, installed into a clean venv, validates
documents and offers its commands with no checkout in sight (numpy and friends come from the system site)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A venv with braindock installed from a freshly built wheel; returns its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy, so the build leaves nothing in the working tree
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPOSITORY / name, source / name)
    shutil.copytree(REPOSITORY / "spec", source / "spec")
    shutil.copytree(REPOSITORY / "runner" / "braindock", source / "runner" / "braindock", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, cwd=work)
    wheel = next((work / "dist").glob("braindock-*.whl"))
    environment = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(environment)], check=True)
    subprocess.run([environment / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    return environment / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("BRAINDOCK_SPEC_DIR", "PYTHONPATH")}
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_installed_package_reads_its_own_schemas(venv, tmp_path):
    code = "import braindock.contract.schemas as s; print(s.__file__); print(s.spec_dir())"
    out = run(venv, "python", "-c", code, cwd=tmp_path)
    module, spec = out.stdout.split()
    prefix = str(venv.parent)
    assert module.startswith(prefix) and spec.startswith(prefix), out  # not the checkout's
    assert (Path(spec) / "v1" / "metrics.schema.json").is_file()


def test_validate_and_check_model_help_run_from_the_wheel(venv, tmp_path):
    manifest = {"spec_version": "1.0", "identifier": "x", "version": "1.0.0", "kind": "neural", "region": "IT",
                "modality": "image", "visual_degrees": 8, "metric": {"name": "neural_predictivty", "parameters": {}},
                "ceiling": {"method": "internal_consistency", "parameters": {}}, "normalization": "r/ceiling",
                "stimulus_set": {"identifier": "s", "path": "s.json", "sha256": "0" * 64},
                "recordings": {"identifier": "r", "path": "r.nc", "sha256": "0" * 64}, "number_of_trials": 1, "citation": "c"}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    refused = run(venv, "braindock", "validate", "--json", str(path), cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert "UNKNOWN_METRIC" in refused.stdout and "/metric/name" in refused.stdout
    manifest["metric"]["name"] = "neural_predictivity"
    path.write_text(json.dumps(manifest))
    accepted = run(venv, "braindock", "validate", str(path), cwd=tmp_path)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    helped = run(venv, "braindock", "check-model", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "IMAGE" in helped.stdout
