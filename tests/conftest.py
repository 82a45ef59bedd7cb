"""Shared fixtures. Tests under tests/engine/ need a running Docker engine; they fail (not skip) without one."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from braindock.config import load_settings

TESTS = Path(__file__).parent
# Brain-Score's real files (read-only): the project's shared/ folder beside the repository (every developer machine
# and CI have it), or wherever BRAINDOCK_BRAINIO_FIXTURES points. Without them those tests skip and say where to look.
BRAINIO_FIXTURES = Path(os.environ.get("BRAINDOCK_BRAINIO_FIXTURES") or TESTS.parent.parent / "shared" / "fixtures" / "brainio")
needs_brainio = pytest.mark.skipif(
    not BRAINIO_FIXTURES.exists(),
    reason=f"Brain-Score's real brainio files are not at {BRAINIO_FIXTURES}: they come from the project's shared/fixtures "
           "folder beside the repository; point BRAINDOCK_BRAINIO_FIXTURES at a copy to run these tests")
IT_BENCHMARK = "braindock/benchmark-majajhong2015-it:1.0.0"
PIXELS = "braindock/model-pixels:1.0.0"


def pytest_collection_modifyitems(items):
    for item in items:
        if (TESTS / "engine") in Path(item.fspath).parents:
            item.add_marker(pytest.mark.engine)


@pytest.fixture
def settings(tmp_path):
    """Settings on an empty data directory."""
    return load_settings(tmp_path / "home")


TEST_IMAGES = "braindock-test/*"  # every image a test builds is tagged so; all are removed when the session ends


@pytest.fixture(scope="session")
def engine():
    """The Docker engine. When the session ends: every braindock-test/* image is removed, and the untagged images
    (build stages, replaced tags) that appeared during the session."""
    from braindock.commands.build import leftover_images, remove_images
    from braindock.execution.engines import get_engine

    docker = get_engine("docker")
    docker.client  # EngineError (a test error, not a skip) when no engine runs: run `containers/setup.sh`
    before = set(leftover_images(docker))
    yield docker
    tagged = [tag for image in docker.client.api.images(filters={"reference": TEST_IMAGES}) for tag in image["RepoTags"] or ()]
    remove_images(docker, tagged)
    remove_images(docker, [i for i in leftover_images(docker) if i not in before])


@pytest.fixture(scope="session")
def reference_images(engine):
    """Build the catalog's images once (a no-op when present)."""
    from braindock.commands.build import build_images

    return {item["tag"]: item for item in build_images(load_settings(), quiet=True)}


@pytest.fixture(scope="session")
def faulty_image(engine):
    """faulty_image('drop_stimulus') -> tag of the faulty test model built with that fault."""
    built = {}

    def build(fault: str) -> str:
        if fault not in built:
            tag = f"braindock-test/faulty:{fault.replace('_', '-')}"
            engine.build(TESTS / "containers" / "faulty", tag, build_args={"FAULT": fault})
            built[fault] = tag
        return built[fault]

    return build


@pytest.fixture(scope="session")
def shared_store(tmp_path_factory, reference_images):
    """One store for the session so that the benchmark is exported once; each test still gets its own ledger."""
    return tmp_path_factory.mktemp("shared") / "store"


@pytest.fixture
def engine_settings(tmp_path, shared_store):
    home = tmp_path / "home"
    home.mkdir()
    shared_store.mkdir(exist_ok=True)
    (home / "store").symlink_to(shared_store)
    return load_settings(home)
