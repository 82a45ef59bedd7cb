"""Check the files a stimulus set names: they exist, stay inside their folder, match sha256, open as images.

Files are read once each (hash and image header from the same bytes). Many files are checked in chunks on a
process pool (one worker per CPU): opening an image header with Pillow holds the GIL, so threads do not help.
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

FORMAT_OF_SUFFIX = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".bmp": "BMP",
                    ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}
IMAGE_SUFFIXES = set(FORMAT_OF_SUFFIX)
MAX_READ_AT_ONCE = 64 << 20  # larger files are hashed in chunks and their image header read from disk
PARALLEL_FROM = 4000  # fewer files are checked in this process (a pool costs more than it saves)
CHUNK = 1000
IO_OVERLAP = 4  # workers per CPU, so that reads waiting on the disk overlap with hashing and decoding


@dataclass(frozen=True)
class FileFacts:
    """What was found about one named file; `error` is a short reason when it could not be read."""

    exists: bool
    sha256: str | None = None
    size: int | None = None  # bytes
    image_size: tuple[int, int] | None = None  # (width, height)
    image_format: str | None = None  # Pillow's name for what the bytes are: PNG, JPEG, ...
    image_error: str | None = None
    error: str | None = None


ABSENT = FileFacts(exists=False)


def unsafe_relative(path: str) -> str | None:
    """Why `path` may not be used as a path inside a folder, or None when it is a plain relative path."""
    if path and ".." not in path and "\x00" not in path and "\\" not in path and path[0] != "/" and path[1:2] != ":" and path.strip():
        return None  # the common case, decided without splitting
    if not path or not path.strip():
        return "empty path"
    if "\x00" in path:
        return "contains a NUL character"
    posix = path.replace("\\", "/")
    if posix.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "absolute path"
    if ".." in posix.split("/"):
        return "contains '..'"
    return None


def _open_image(data: bytes | None, path: str, formats) -> tuple[tuple[int, int], str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning etc. are not the curator's concern here
        with Image.open(io.BytesIO(data) if data is not None else path, formats=formats) as image:
            return (int(image.width), int(image.height)), str(image.format)


def _image_size(data: bytes | None, path: str) -> tuple[tuple[tuple[int, int], str] | None, str | None]:
    """((width, height), format) from the header, trying the suffix's format first (fast) and then every format."""
    hint = FORMAT_OF_SUFFIX.get(os.path.splitext(path)[1].lower())
    try:
        try:
            return _open_image(data, path, [hint] if hint else None), None
        except UnidentifiedImageError:
            if hint is None:
                raise
            return _open_image(data, path, None), None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def inspect(path: str | Path, want_hash: bool = True, want_image: bool | None = None) -> FileFacts:
    """Facts about one file; never raises for I/O problems (they become `error`)."""
    path = os.fspath(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return FileFacts(exists=False, error="not a regular file")
        size = info.st_size
    except (FileNotFoundError, NotADirectoryError):
        return FileFacts(exists=False)
    except (OSError, ValueError) as exc:
        return FileFacts(exists=False, error=f"the system said: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}")
    if want_image is None:
        want_image = os.path.splitext(path)[1].lower() in IMAGE_SUFFIXES
    data = None
    digest = None
    try:
        if size <= MAX_READ_AT_ONCE:
            with open(path, "rb") as handle:
                data = handle.read()
            if want_hash:
                digest = hashlib.sha256(data).hexdigest()
        elif want_hash:
            hasher = hashlib.sha256()
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    hasher.update(chunk)
            digest = hasher.hexdigest()
    except OSError as exc:
        return FileFacts(exists=True, size=size, error=f"the system said: {exc.strerror or exc}")
    image, image_error = _image_size(data, path) if want_image else (None, None)
    return FileFacts(exists=True, sha256=digest, size=size, image_size=image[0] if image else None,
                     image_format=image[1] if image else None, image_error=image_error)


def _inspect_chunk(paths: list[str], want_hash: bool) -> list[FileFacts]:
    return [inspect(p, want_hash) for p in paths]


def inspect_many(paths: list[str | Path], want_hash: bool = True) -> list[FileFacts]:
    """`inspect` for every path, in order; in chunks on a process pool when there are many."""
    paths = [os.fspath(p) for p in paths]
    facts: list[FileFacts | None] = [None if os.path.lexists(p) else ABSENT for p in paths]  # one cheap stat here
    present = [p for p, fact in zip(paths, facts) if fact is None]  # only these are worth a worker's time
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(16, cpus * IO_OVERLAP)
    if len(present) < PARALLEL_FROM or workers < 2:
        found = iter(_inspect_chunk(present, want_hash))
    else:
        # multiprocessing: imported only for many files
        from concurrent.futures import ProcessPoolExecutor

        chunks = [present[i:i + CHUNK] for i in range(0, len(present), CHUNK)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            found = iter([fact for chunk in pool.map(_inspect_chunk, chunks, [want_hash] * len(chunks)) for fact in chunk])
    return [fact if fact is not None else next(found) for fact in facts]
