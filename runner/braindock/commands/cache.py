"""`braindock cache ls | gc`: the content-keyed activation cache."""
from __future__ import annotations

from rich.table import Table

from ..errors import UsageError
from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json
from ..provenance import activation_cache
from ..store import Store


def add_parser(subparsers):
    parser = subparsers.add_parser("cache", help="list or trim cached model activations")
    parser.add_argument("action", choices=["ls", "gc"], help="ls: list entries; gc: remove entries whose model image is gone (or all, with --all)")
    parser.add_argument("--all", action="store_true", help="with gc: remove every entry")
    add_json_flag(parser)
    return parser


def _image_present(engine, image_id: str) -> bool:
    try:
        engine.inspect(image_id)
    except UsageError:
        return False
    return True


def run(args, settings) -> int:
    store = Store(settings.store_dir)
    items = [{"digest": e.digest, "size": store.size(e.digest), **e.metadata} for e in activation_cache.entries(store)]
    if args.action == "gc":
        engine = None if args.all else get_engine(settings.engine)
        removed = [item for item in items if args.all or not _image_present(engine, item["model_image_id"])]
        for item in removed:
            store.remove(item["digest"])
        items = removed
    if args.json:
        print_json({"action": args.action, "entries": items})
        return 0
    table = Table(title="removed from the activation cache" if args.action == "gc" else "activation cache")
    for column in ("model", "model image", "regions", "stimuli", "size", "entry"):
        table.add_column(column)
    for item in items:
        table.add_row(item["model"], item["model_image_id"][:19], ",".join(item["regions"]), str(item["stimuli"]),
                      f"{item['size'] / 1e6:.1f} MB", item["digest"][:12])
    console.print(table)
    return 0
