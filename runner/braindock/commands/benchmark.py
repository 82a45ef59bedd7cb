"""`braindock benchmark build NAME --from DIR`: a real-data benchmark container from Brain-Score's public files.

`braindock benchmark list` shows the benchmarks that can be built (benchmarks/real/benchmarks.yaml) and the
files each needs (benchmarks/real/catalog.csv, with their sha1).
"""
from __future__ import annotations

from pathlib import Path

from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json


def add_parser(subparsers):
    parser = subparsers.add_parser("benchmark", help="build real-data benchmark containers from Brain-Score's public files")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="check sha1s, import, validate, build the container")
    build.add_argument("name", metavar="NAME", help="e.g. MajajHong2015public.IT-pls or Pereira2018.384sentences-linear (see `braindock benchmark list`)")
    build.add_argument("--from", dest="source", required=True, type=Path, metavar="DIR", help="folder holding the catalogued files")
    build.add_argument("--catalog", type=Path, default=None, metavar="CSV",
                       help="data catalog: identifier, lookup_type, filename, sha1 (default benchmarks/real/catalog.csv)")
    build.add_argument("--tag", help="image tag (default braindock/benchmark-real-<name>:1.0.0)")
    add_json_flag(build)
    listing = actions.add_parser("list", help="the real-data benchmarks and the files each needs")
    listing.add_argument("--catalog", type=Path, default=None, metavar="CSV", help="data catalog (default benchmarks/real/catalog.csv)")
    add_json_flag(listing)
    return parser


def run(args, settings) -> int:
    from .. import real_data  # xarray and the importers: only when the command runs

    args.catalog = args.catalog or real_data.CATALOG
    if args.action == "list":
        catalog = real_data.load_catalog(args.catalog)
        rows = []
        for name, spec in real_data.load_recipes().items():
            needed = {spec["assembly"], spec.get("stimulus_set"), spec.get("fitting_stimulus_set")} - {None}
            rows.append({"name": name, "region": spec["region"], "kind": spec["kind"],
                         "files": [{"filename": r.filename, "sha1": r.sha1} for r in catalog if r.identifier in needed]})
        if args.json:
            print_json(rows)
        else:
            for row in rows:
                console.print(f"[bold]{row['name']}[/] ({row['kind']}, {row['region']}): " + ", ".join(f["filename"] for f in row["files"]))
        return 0
    tag, manifest = real_data.build(get_engine(settings.engine), args.name, args.source, settings.work_dir, args.tag, args.catalog)
    if args.json:
        print_json({"tag": tag, "identifier": manifest["identifier"], "source_files": manifest["source_files"]})
    else:
        console.print(f"built {tag}: {manifest['identifier']} ({manifest['kind']}, {manifest['region']}) from "
                      + ", ".join(manifest["source_files"]))
    return 0
