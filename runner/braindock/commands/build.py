"""`braindock build [TAG...]`: build the reference images of containers/catalog.yaml.

Every image is built through the engine's layer cache, so an image whose sources did not change keeps its
image ID (reported `unchanged`) and one whose sources changed is rebuilt: a tag never silently names a stale
image."""
from __future__ import annotations

import os
import subprocess
import sys

from ..catalog import CatalogImage, load_catalog
from ..errors import EngineError, Problem, UsageError
from ..execution.engines import get_engine
from ..output import add_json_flag, console, human_size, print_json, steps

BASE_IMAGE = os.environ.get("BRAINDOCK_BASE_IMAGE", "braindock/base:bookworm")  # as containers/base/build.sh
MANYLINUX_TAGS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def add_parser(subparsers):
    parser = subparsers.add_parser("build", help="build reference model and benchmark images from containers/catalog.yaml")
    parser.add_argument("tags", nargs="*", metavar="TAG", help="only these catalog tags (default: all)")
    parser.add_argument("--clean", action="store_true",
                        help="instead of building, remove the untagged images earlier builds left behind (build stages, "
                             "images a rebuild replaced); the next build reruns those stages")
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
                info = engine.build(image.context, image.tag, image.dockerfile, {k: str(v) for k, v in dict(image.build_args).items()})
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


def leftover_images(engine) -> list[str]:
    """Dangling images (untagged, no children) descending from the base image, or labelled as braindock's (a
    `FROM scratch` model a rebuild took the tag from): the build stages of multi-stage Dockerfiles and the images a
    rebuild replaced. Docker only (podman: `podman image prune`)."""
    if engine.name != "docker":
        return []
    from docker.errors import ImageNotFound

    api = engine.client.api
    try:
        base = api.inspect_image(BASE_IMAGE)["Id"]
    except ImageNotFound:
        return []
    found = []
    for image in api.images(filters={"dangling": True}):
        attrs = api.inspect_image(image["Id"])
        if "org.braindock.kind" in ((attrs.get("Config") or {}).get("Labels") or {}):
            found.append(image["Id"])
            continue
        while attrs.get("Parent") and attrs["Parent"] != base:
            attrs = api.inspect_image(attrs["Parent"])
        if attrs.get("Parent") == base:
            found.append(image["Id"])
    return found


def remove_images(engine, ids) -> list[str]:
    """Remove these images (and their untagged parents); one a container still uses is left, not an error."""
    from docker.errors import APIError, ImageNotFound

    removed = []
    for image_id in ids:
        try:
            engine.client.api.remove_image(image_id)
            removed.append(image_id)
        except ImageNotFound:
            pass
        except APIError as exc:
            if exc.status_code != 409:  # 409: a container uses it
                raise
    return removed


def clean(settings, quiet: bool = False) -> dict:
    """`build --clean`: remove the leftovers of earlier builds; what was removed and the disk it freed (`docker system df`)."""
    engine = get_engine(settings.engine)
    found = leftover_images(engine)
    before = engine.client.api.df()["LayersSize"] if found else 0
    removed = remove_images(engine, found)
    freed = before - engine.client.api.df()["LayersSize"] if found else 0
    if not quiet:
        console.print(f"removed {len(removed)} untagged image(s) left by earlier builds, {human_size(freed)} freed", highlight=False)
    return {"removed": removed, "bytes_freed": freed}


def _image_id(engine, tag: str) -> str | None:
    try:
        return engine.inspect(tag).image_id
    except UsageError:
        return None


def run(args, settings) -> int:
    if args.clean:
        if args.tags:
            raise UsageError("--clean builds nothing", [Problem("--clean", "CLEAN_WITH_TAGS", f"tags given: {args.tags}",
                                                                 "run `braindock build --clean` without tags")])
        done = clean(settings, quiet=args.json)
        if args.json:
            print_json(done)
        return 0
    built = build_images(settings, args.tags, quiet=args.json)
    if args.json:
        print_json(built)
    return 0
