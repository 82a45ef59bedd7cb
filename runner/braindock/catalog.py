"""The reference catalog (containers/catalog.yaml): which images to build, from where, and what they are."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Problem, UsageError


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CatalogImage:
    tag: str
    kind: str  # model | benchmark
    context: Path
    dockerfile: str | None = None
    build_args: tuple[tuple[str, str], ...] = ()
    pip_wheels: tuple[str, ...] = ()  # requirements downloaded into <context>/wheels before the build (pip can't reach the host's wheels from inside a build)


def load_catalog(path: Path | None = None) -> list[CatalogImage]:
    path = path or repo_root() / "containers" / "catalog.yaml"
    raw = yaml.safe_load(path.read_text()) or {}
    images, problems = [], []
    for index, item in enumerate(raw.get("images", [])):
        missing = [key for key in ("tag", "kind", "context") if key not in item]
        if missing or item.get("kind") not in ("model", "benchmark"):
            problems.append(Problem(f"{path}#/images/{index}", "BAD_CATALOG_ENTRY", f"missing {missing} or bad kind {item.get('kind')!r}",
                                    "give tag, kind (model|benchmark) and context"))
            continue
        images.append(CatalogImage(item["tag"], item["kind"], repo_root() / item["context"], item.get("dockerfile"),
                                   tuple(sorted((item.get("build_args") or {}).items())), tuple(item.get("pip_wheels") or ())))
    if problems:
        raise UsageError(f"{path} is not a valid catalog", problems)
    return images
