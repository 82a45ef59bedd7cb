"""`braindock import brainio SOURCE --out OUT`: convert Brain-Score brainio data to spec/ files, validate, say what is missing.

`braindock import bundle BUNDLE`: load a bundle written by `braindock export` (hash-verified) into this data directory.
"""
from __future__ import annotations

from pathlib import Path

from ..curation.importers.brainio import import_assembly, import_stimulus_set
from ..errors import Problem, UsageError
from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json
from ..provenance.bundle import import_bundle
from .validate import print_report

FORMATS = ("brainio", "bundle")


def add_parser(subparsers):
    parser = subparsers.add_parser("import", help="import a dataset from another standard (brainio), or a bundle")
    parser.add_argument("format", choices=FORMATS, help="the source standard")
    parser.add_argument("source", metavar="SOURCE", help="stimulus CSV (with --files), netCDF assembly, or bundle folder")
    parser.add_argument("--out", metavar="PATH", help="brainio: output folder (stimulus set) or .nc file (assembly)")
    parser.add_argument("--files", metavar="DIR_OR_ZIP", help="the stimulus files (default: the CSV's folder)")
    parser.add_argument("--metadata", metavar="YAML", help="sidecar supplying missing metadata (attrs, neuroid, presentation, stimulus, time_bins)")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    source = Path(args.source)
    if args.format == "bundle":
        loaded = import_bundle(source, settings, get_engine(settings.engine))
        if args.json:
            print_json(loaded)
        else:
            console.print(f"imported {len(loaded['records'])} record(s), {len(loaded['images'])} image(s), "
                          f"{len(loaded['benchmark_exports'])} benchmark export(s) from {source}", highlight=False)
        return 0
    if not args.out:
        raise UsageError("import brainio needs --out", [Problem("--out", "USAGE", "missing", "give --out PATH (a folder or .nc file)")])
    if source.suffix.lower() == ".csv":
        result = import_stimulus_set(source, args.files, args.out, args.metadata)
    else:
        result = import_assembly(source, args.out, args.metadata)
    if args.json:
        print_json(result.to_dict())
        return result.report.exit_code
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    print_report(result.report)
    if result.missing:
        console.print("\nStill missing metadata. Save this as meta.yaml, fill it in, and re-run with --metadata meta.yaml:",
                      style="bold", highlight=False)
        console.print(result.template, markup=False, highlight=False)
    console.print(f"wrote {result.output}", highlight=False)
    return result.report.exit_code
