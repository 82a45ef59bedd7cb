"""`braindock build [TAG...]`: build the reference images of containers/catalog.yaml.

Every image is built through the engine's layer cache, so an image whose sources did not change keeps its
image ID (reported `unchanged`) and one whose sources changed is rebuilt: a tag never silently names a stale
image."""
from __future__ import annotations

import subprocess
import sys

from ..catalog import CatalogImage, load_catalog
from ..errors import EngineError, Problem, UsageError
from ..execution.engines import get_engine
from ..output import add_json_flag, human_size, print_json, steps

MANYLINUX_TAGS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def add_parser(subparsers):
    parser = subparsers.add_parser("build", help="build reference model and benchmark images from containers/catalog.yaml")
    parser.add_argument("tags", nargs="*", metavar="TAG", help="only these catalog tags (default: all)")
    add_json_flag(parser)
    return parser


def build_images(settings, tags=(), quiet=False) -> list[dict]:
    """Build the chosen catalog images in order; one progress line per image started and finished ([k/n], size, time)."""
    engine = get_engine(settings.engine)
    catalog = load_catalog()
    unknown = sorted(set(tags) - {image.tag for image in catalog})
    if unknown:
        raise UsageError("unknown catalog tag(s)", [Problem("containers/catalog.yaml", "UNKNOWN_TAG", f"{unknown} not in the catalog",
                                                            f"use one of: {', '.join(i.tag for i in catalog)}")])
    chosen = [image for image in catalog if not tags or image.tag in tags]
    built = []
    with steps(len(chosen), quiet) as progress:
        for image in chosen:
            with progress.step(f"building {image.tag}") as end:
                before = _image_id(engine, image.tag)
                if image.pip_wheels:
                    fetch_wheels(image)
                info = engine.build(image.context, image.tag, image.dockerfile, dict(image.build_args))
                changed = info.image_id != before
                built.append({"tag": image.tag, "kind": image.kind, "image_id": info.image_id, "built": changed, "size": info.size})
                end["text"] = (f"{'built    ' if changed else 'unchanged'} {image.tag} {info.image_id[:19]} "
                               f"{human_size(info.size)}")
        fresh = sum(item["built"] for item in built)
        progress.summary(f"{len(built)} images: {fresh} built, {len(built) - fresh} unchanged")
    return built


def wheel_command(image: CatalogImage) -> list[str]:
    """pip download of the image's wheels (CPython 3.11, manylinux x86_64, as in the Debian base image).

    Bookworm's glibc 2.36 runs every manylinux tag up to 2_28; wheels tagged only manylinux2014 / 2_17 (e.g.
    tokenizers, safetensors) are accepted too, since pip matches --platform tags exactly.
    """
    platforms = [arg for tag in MANYLINUX_TAGS for arg in ("--platform", tag)]
    return [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--python-version", "3.11",
            *platforms, "--implementation", "cp", "-d", str(image.context / "wheels"), *image.pip_wheels]


def fetch_wheels(image: CatalogImage) -> None:
    result = subprocess.run(wheel_command(image), capture_output=True, text=True)
    if result.returncode != 0:
        raise EngineError(f"fetching wheels for {image.tag} failed", [
            Problem(str(image.context), "WHEELS_UNAVAILABLE", f"pip download {' '.join(image.pip_wheels)} exited {result.returncode}",
                    "check the package names and versions in containers/catalog.yaml")
        ], details="\n".join((result.stdout + result.stderr).splitlines()[-20:]))


def _image_id(engine, tag: str) -> str | None:
    try:
        return engine.inspect(tag).image_id
    except UsageError:
        return None


def run(args, settings) -> int:
    built = build_images(settings, args.tags, quiet=args.json)
    if args.json:
        print_json(built)
    return 0
