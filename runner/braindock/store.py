"""Content-addressed store: entries are immutable folders named by the sha256 of their canonical content."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .errors import Problem, ValidationError

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: Any) -> bytes:
    """The one byte form of a JSON document that hashes use: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def tree_digest(root: Path) -> str:
    """sha256 over (relative path, file sha256) of every file under `root`, in sorted order."""
    lines = [
        f"{path.relative_to(root).as_posix()}\0{sha256_file(path)}\n"
        for path in sorted(p for p in root.rglob("*") if p.is_file())
    ]
    return sha256_bytes("".join(lines).encode())


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Entry:
    digest: str
    kind: str
    path: Path
    metadata: dict[str, Any]


class Store:
    """objects/<sha256>/{content/, entry.json}; an entry appears whole (rename) or not at all."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    def path(self, digest: str) -> Path:
        return self.objects / digest / "content"

    def has(self, digest: str) -> bool:
        return (self.objects / digest / "entry.json").exists()

    def put_tree(self, source: Path, kind: str, metadata: dict[str, Any] | None = None) -> Entry:
        """Copy `source` in under its tree digest; a second put of the same content is a no-op."""
        digest = tree_digest(source)
        if not self.has(digest):
            self.objects.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=self.objects, prefix=".staging-"))
            try:
                shutil.copytree(source, staging / "content")
                if tree_digest(staging / "content") != digest:
                    raise ValidationError(
                        f"{source} changed while it was being stored",
                        [Problem(str(source), "CHANGED_DURING_INGEST", "content changed during copy", "retry")],
                    )
                entry = {"digest": digest, "kind": kind, "metadata": metadata or {}}
                atomic_write(staging / "entry.json", canonical_json(entry))
                for path in (staging / "content").rglob("*"):
                    if path.is_file():
                        path.chmod(0o444)
                try:
                    os.rename(staging, self.objects / digest)
                except OSError:  # a concurrent put of the same content won the race
                    if not self.has(digest):
                        raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return self.entry(digest)

    def entry(self, digest: str) -> Entry:
        raw = json.loads((self.objects / digest / "entry.json").read_text())
        return Entry(digest, raw["kind"], self.path(digest), raw["metadata"])

    def entries(self) -> Iterator[Entry]:
        if self.objects.exists():
            for folder in sorted(self.objects.iterdir()):
                if not folder.name.startswith(".") and (folder / "entry.json").exists():
                    yield self.entry(folder.name)

    def remove(self, digest: str) -> None:
        """Drop an entry (caches only; datasets stay immutable): renamed away first, so it vanishes at once."""
        trash = self.objects / f".trash-{digest}"
        os.rename(self.objects / digest, trash)
        for path in trash.rglob("*"):
            if path.is_file():
                path.chmod(0o644)
        shutil.rmtree(trash)

    def size(self, digest: str) -> int:
        return sum(p.stat().st_size for p in self.path(digest).rglob("*") if p.is_file())

    def set_ref(self, namespace: str, key: str, digest: str) -> None:
        """Point a content key (e.g. an image ID) at a stored entry, atomically."""
        atomic_write(self.root / "refs" / namespace / key.replace(":", "_"), digest.encode())

    def ref(self, namespace: str, key: str) -> str | None:
        """The entry a content key points at, if it is still stored."""
        path = self.root / "refs" / namespace / key.replace(":", "_")
        digest = path.read_text().strip() if path.exists() else None
        return digest if digest and self.has(digest) else None

    def verify(self, digest: str) -> bool:
        """True when the stored content still hashes to its name."""
        return self.has(digest) and tree_digest(self.path(digest)) == digest
