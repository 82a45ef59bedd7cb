"""spec/v1 schemas are valid Draft 2020-12 documents, and violations come back located, all at once."""
import json
import re

import pytest
from braindock.contract import schemas
from braindock.errors import ValidationError
from jsonschema import Draft202012Validator

PIXELS_DESCRIPTION = {
    "spec_version": "1.0", "identifier": "pixels", "version": "1.0.0", "authors": [{"name": "a"}], "license": "MIT",
    "modality": "image", "regions": {"IT": {"layer": "pixels"}}, "time_bins": [[70, 170]], "visual_degrees": 8,
    "tasks": ["passive"],
}


@pytest.mark.parametrize("name", schemas.SCHEMAS)
def test_each_schema_is_valid_and_versioned(name):
    document = schemas.schema(name)
    Draft202012Validator.check_schema(document)
    assert document["$id"].endswith(f"/v1/{name}.schema.json")
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["version"])


def test_spec_readme_examples_validate():
    text = (schemas.spec_dir() / "README.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S) if "..." not in b]
    description, responses = blocks[0], [b for b in blocks if "request_id" in b and "stimuli" not in b]
    assert schemas.problems(description, "model-description") == []
    assert len(responses) == 4  # recording, label, odd_one_out, next_word
    assert all(schemas.problems(response, "run-response") == [] for response in responses)


def test_all_problems_reported_with_paths():
    broken = {**PIXELS_DESCRIPTION, "authors": [], "regions": {"IT": {"layer": "x"}, "MT": {}}}
    del broken["license"]
    found = {(p.code, p.where) for p in schemas.problems(broken, "model-description", "describe")}
    assert ("MISSING_FIELD", "describe#/license") in found
    assert ("TOO_FEW", "describe#/authors") in found
    assert ("UNKNOWN_REGION", "describe#/regions/MT") in found
    assert ("MISSING_FIELD", "describe#/regions/MT/layer") in found


def test_image_models_must_declare_visual_degrees():
    description = dict(PIXELS_DESCRIPTION)
    del description["visual_degrees"]
    with pytest.raises(ValidationError) as caught:
        schemas.require_valid(description, "model-description", "d")
    assert [p.where for p in caught.value.problems] == ["d#/visual_degrees"]


def test_paths_may_not_escape_their_mount():
    request_stimulus = {"stimulus_id": "a", "path": "../x.png", "sha256": "0" * 64}
    request = {"spec_version": "1.0", "request_id": "r", "modality": "image", "stimuli": [request_stimulus],
               "record": {"regions": ["IT"], "time_bins": [[70, 170]]}, "number_of_trials": 1, "seed": 0}
    assert [p.where for p in schemas.problems(request, "run-request")] == ["#/stimuli/0/path"]


def test_unreadable_json_is_a_problem(tmp_path):
    path = tmp_path / "response.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError) as caught:
        schemas.load_json(path, "run-response")
    assert caught.value.problems[0].code == "BAD_JSON"
