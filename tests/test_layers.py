"""The package's layers stay honest: importing a layer loads nothing of a layer above it (fresh interpreter each)."""
import json
import subprocess
import sys

import pytest

# lowest first; each may import only the layers before it
LAYERS = ["contract", "metrics", "curation", "execution", "scoring", "provenance"]
ORCHESTRATION = ["pipeline", "reproduce", "commands", "checks", "reporting", "submissions", "real_data", "cli"]


def loaded_after_import(module: str) -> set[str]:
    code = (f"import importlib, json, sys; importlib.import_module('braindock.{module}'); "
            "print(json.dumps(sorted(m.split('.')[1] for m in sys.modules if m.startswith('braindock.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("index", range(len(LAYERS)), ids=LAYERS)
def test_a_layer_imports_nothing_above_it(index):
    above = set(LAYERS[index + 1:]) | set(ORCHESTRATION)
    assert not loaded_after_import(LAYERS[index]) & above


def test_validating_a_file_loads_no_metric_and_no_scikit_learn():
    code = ("import sys; import braindock.curation.validation as v; "
            "print(any(m.startswith(('sklearn', 'braindock.metrics')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
