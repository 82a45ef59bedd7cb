"""`braindock build [TAG...]`: build the reference images of containers/catalog.yaml (skips those present)."""
from __future__ import annotations

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..catalog import load_catalog
from ..engines import get_engine
from ..errors import Problem, UsageError
from ..output import add_json_flag, console, err_console, print_json


def add_parser(subparsers):
    parser = subparsers.add_parser("build", help="build reference model and benchmark images from containers/catalog.yaml")
    parser.add_argument("tags", nargs="*", metavar="TAG", help="only these catalog tags (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="build even when the image exists")
    add_json_flag(parser)
    return parser


def build_images(settings, tags=(), rebuild=False, quiet=False) -> list[dict]:
    engine = get_engine(settings.engine)
    catalog = load_catalog()
    unknown = sorted(set(tags) - {image.tag for image in catalog})
    if unknown:
        raise UsageError("unknown catalog tag(s)", [Problem("containers/catalog.yaml", "UNKNOWN_TAG", f"{unknown} not in the catalog",
                                                            f"use one of: {', '.join(i.tag for i in catalog)}")])
    chosen = [image for image in catalog if not tags or image.tag in tags]
    built = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                  transient=True, disable=quiet) as progress:
        task = progress.add_task("building", total=len(chosen))
        for image in chosen:
            progress.update(task, description=f"building {image.tag}")
            exists = not rebuild and _exists(engine, image.tag)
            info = engine.inspect(image.tag) if exists else engine.build(image.context, image.tag, image.dockerfile, dict(image.build_args))
            built.append({"tag": image.tag, "kind": image.kind, "image_id": info.image_id, "built": not exists})
            progress.advance(task)
    return built


def _exists(engine, tag: str) -> bool:
    try:
        engine.inspect(tag)
    except UsageError:
        return False
    return True


def run(args, settings) -> int:
    built = build_images(settings, args.tags, args.rebuild, quiet=args.json)
    if args.json:
        print_json(built)
    else:
        for item in built:
            console.print(f"{'built  ' if item['built'] else 'present'} {item['tag']} {item['image_id'][:19]}")
    return 0
