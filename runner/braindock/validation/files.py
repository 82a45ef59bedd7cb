"""Check the files a stimulus set names: they exist, stay inside their folder, match sha256, open as images.

Files are read once each (hash and image header from the same bytes) on a thread pool: hashlib and file
reads release the GIL, so many small files are checked in parallel.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
MAX_READ_AT_ONCE = 64 << 20  # larger files are hashed in chunks and their image header read from disk
WORKERS = min(32, (os.cpu_count() or 1) * 8)


@dataclass(frozen=True)
class FileFacts:
    """What was found about one named file; `error` is a short reason when it could not be read."""

    exists: bool
    sha256: str | None = None
    size: int | None = None  # bytes
    image_size: tuple[int, int] | None = None  # (width, height)
    image_error: str | None = None
    error: str | None = None


def unsafe_relative(path: str) -> str | None:
    """Why `path` may not be used as a path inside a folder, or None when it is a plain relative path."""
    if not path or not path.strip():
        return "empty path"
    if "\x00" in path:
        return "contains a NUL character"
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        return "absolute path"
    if ".." in pure.parts:
        return "contains '..'"
    return None


def _image_size(data: bytes | None, path: Path) -> tuple[tuple[int, int] | None, str | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning etc. are not the curator's concern here
            with Image.open(io.BytesIO(data) if data is not None else path) as image:
                return (int(image.width), int(image.height)), None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


def inspect(path: Path, want_hash: bool = True, want_image: bool | None = None) -> FileFacts:
    """Facts about one file; never raises for I/O problems (they become `error`)."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return FileFacts(exists=False, error="not a regular file")
    except (FileNotFoundError, NotADirectoryError):
        return FileFacts(exists=False)
    except (OSError, ValueError) as exc:
        return FileFacts(exists=False, error=f"{type(exc).__name__}: {exc}")
    if want_image is None:
        want_image = path.suffix.lower() in IMAGE_SUFFIXES
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
        return FileFacts(exists=True, size=size, error=f"{type(exc).__name__}: {exc}")
    image_size, image_error = _image_size(data, path) if want_image else (None, None)
    return FileFacts(exists=True, sha256=digest, size=size, image_size=image_size, image_error=image_error)


def inspect_many(paths: list[Path], want_hash: bool = True) -> list[FileFacts]:
    """`inspect` for every path, in order, on a thread pool."""
    if len(paths) < 16:
        return [inspect(p, want_hash) for p in paths]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda p: inspect(p, want_hash), paths, chunksize=64))
