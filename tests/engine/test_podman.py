"""The podman plug-in scores the same images to the very same record as Docker: the engine is not an input."""
from __future__ import annotations

import subprocess

import pytest
from braindock import pipeline
from braindock.config import load_settings
from braindock.execution.engines import get_engine
from conftest import IT_BENCHMARK, PIXELS


@pytest.fixture(scope="module")
def podman(reference_images):
    engine = get_engine("podman")
    for image in (PIXELS, IT_BENCHMARK):  # no registry here: copy the images from the Docker daemon
        subprocess.run(["podman", "pull", "--quiet", f"docker-daemon:{image}"], check=True, capture_output=True)
    return engine


def test_podman_and_docker_give_the_same_record(podman, engine, tmp_path):
    on_podman = pipeline.score(PIXELS, IT_BENCHMARK, load_settings(tmp_path / "podman"), engine=podman)
    on_docker = pipeline.score(PIXELS, IT_BENCHMARK, load_settings(tmp_path / "docker"), engine=engine)
    assert podman.inspect(PIXELS).image_id == engine.inspect(PIXELS).image_id
    assert on_podman.record_id == on_docker.record_id
    assert on_podman.result == on_docker.result
    assert (on_podman.environment["engine"], on_docker.environment["engine"]) == ("podman", "docker")
