"""The metadata sidecar: one schema (spec/v1/metadata-sidecar) that the hints propose from and the importer accepts."""
import re

import numpy as np
import pytest
import xarray as xr
import yaml
from braindock.contract import schemas
from braindock.curation import sidecar
from braindock.curation.importers.brainio import import_assembly, import_stimulus_set
from braindock.curation.validation import validate_path
from braindock.curation.validation.netcdf import coordinate_dims
from braindock.errors import Problem, UsageError, ValidationError
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio

VARYING = {"stimulus_id", "stimulus_id_1", "stimulus_id_2", "stimulus_id_3", "truth", "choice", "neuroid_id"}


def required_locations():
    """Every /field, /attrs/X and /coords/X the assembly and stimulus-set schemas require (read from spec/)."""
    out = [("stimulus-set", f"/{name}") for name in schemas.schema("stimulus-set")["required"]]
    for name in ("neural-assembly", "behavioral-assembly"):
        document = schemas.schema(name)
        coords = document["properties"]["coords"]
        out += [(name, f"/coords/{c}") for c in sorted(set(coords["required"]) | set(coords["properties"]))]
        out += [(name, f"/attrs/{a}") for a in document["properties"]["attrs"]["required"]]
    return out


@pytest.mark.parametrize("schema_name,location", required_locations())
def test_every_hint_key_is_accepted_by_the_importer(schema_name, location):
    coords_on = coordinate_dims(schema_name) if schema_name != "stimulus-set" else {}
    entry = sidecar.section_of(Problem(f"x#{location}", "MISSING_FIELD", "missing"), coords_on)
    name = location.rsplit("/", 1)[-1]
    if name in VARYING:
        assert entry is None  # never a constant where values must vary
        return
    if entry is None:
        return  # not a sidecar matter (e.g. spec_version, stimuli)
    proposed = yaml.safe_load(sidecar.template([entry]))
    assert sidecar.load_metadata(proposed) == proposed
    assert yaml.safe_load(sidecar.entry(*entry)) == proposed or entry[0] == "time_bins"


@needs_brainio
@pytest.mark.parametrize("name", ["assy_test_TestMe.nc", "assy_test_package_assembly.nc"])
def test_every_sidecar_entry_that_validate_proposes_loads(name):
    fixes = [p.fix for p in validate_path(FIXTURES / name).problems]
    proposed = [m for fix in fixes for m in re.findall(r"--metadata YAML for `braindock import brainio`: `([^`]*)`", fix)]
    assert proposed, fixes
    for text in proposed:
        assert sidecar.load_metadata(yaml.safe_load(text))
    assert not any(text.startswith("time_bin:") for text in proposed)


def test_a_behavioural_assembly_never_gets_a_constant_truth_or_choice(tmp_path):
    path = tmp_path / "trials.nc"
    xr.DataArray(np.zeros(4), dims="presentation", name="data",
                 coords={"stimulus_id": ("presentation", list("abcd")), "subject": ("presentation", ["s1"] * 4)}).to_netcdf(path)
    report = validate_path(path, kind="behavioral")
    missing = {p.where.rsplit("/", 1)[-1]: p for p in report.problems if p.code == "MISSING_FIELD" and "/coords/" in p.where}
    assert set(missing) == {"choice", "truth"}
    for problem in missing.values():
        assert "no single value can stand for it" in problem.fix and "presentation: {" not in problem.fix


@pytest.mark.parametrize("raw,code,hint", [
    ({"attrs": {"species": "LABEL"}}, "PLACEHOLDER_VALUE", "replace it"),
    ({"neuroid": {"region": "..."}}, "PLACEHOLDER_VALUE", "replace it"),
    ({"presentation": {"truth": "dog"}}, "VARIES_PER_ITEM", "one value per presentation"),
    ({"neuroid": {"neuroid_id": "n1"}}, "VARIES_PER_ITEM", "one value per neuroid"),
    ({"time_bin": [[70, 170]]}, "UNKNOWN_SETTING", "time_bins (plural)"),
    ({"time_bins": [[70]]}, "BAD_METADATA", ""),
])
def test_bad_sidecars_are_refused_with_a_message(raw, code, hint):
    with pytest.raises(ValidationError) as caught:
        sidecar.load_metadata(raw)
    assert code in {p.code for p in caught.value.problems}
    assert any(hint in p.fix for p in caught.value.problems if p.code == code)


def test_a_missing_sidecar_cannot_run_and_bad_yaml_is_invalid(tmp_path):
    with pytest.raises(UsageError):
        sidecar.load_metadata(tmp_path / "none.yaml")
    (tmp_path / "bad.yaml").write_text("attrs: [unclosed\n")
    with pytest.raises(ValidationError) as caught:
        sidecar.load_metadata(tmp_path / "bad.yaml")
    assert caught.value.problems[0].message.startswith("the YAML parser said")


@needs_brainio
def test_values_for_absent_dimensions_are_refused(tmp_path):
    with pytest.raises(ValidationError) as caught:
        import_assembly(FIXTURES / "assy_test_TestMe.nc", tmp_path / "a.nc", {"stimulus": {"category": "x"}})
    assert caught.value.problems[0].code == "ABSENT_DIMENSION"
    with pytest.raises(ValidationError) as caught:  # the package assembly has its own time bins
        import_assembly(FIXTURES / "assy_test_package_assembly.nc", tmp_path / "b.nc", {"time_bins": [[0, 50]]})
    assert caught.value.problems[0].code == "ABSENT_DIMENSION" and "already has" in caught.value.problems[0].message
    with pytest.raises(ValidationError) as caught:
        import_stimulus_set(FIXTURES / "ten-images" / "image_test_ten_images.csv", None, tmp_path / "c",
                            {"neuroid": {"region": "IT"}})
    assert caught.value.problems[0].code == "ABSENT_DIMENSION" and "neuroid" in caught.value.problems[0].message
    assert not any((tmp_path / n).exists() for n in ("a.nc", "b.nc", "c"))
