"""Fixtures of the reporting tests: data directories built with boards.py, and a real headless browser."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reporting.boards import Home, populate
from braindock.config import load_settings


@pytest.fixture
def home(tmp_path):
    """An empty data directory to fill with Home.add."""
    return Home(load_settings(tmp_path / "home"))


@pytest.fixture(scope="module")
def board_home(tmp_path_factory):
    """The populated data directory, shared by a module's tests (read only)."""
    tmp = tmp_path_factory.mktemp("board")
    return populate(Home(load_settings(tmp / "home")), tmp / "manifests")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright; both installed by setup_browser.sh when missing."""
    subprocess.run(["bash", str(Path(__file__).with_name("setup_browser.sh"))], check=True, env={**os.environ, "PYTHON": sys.executable})
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield chromium
        chromium.close()
