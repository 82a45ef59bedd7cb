"""`braindock import brainio SOURCE --out OUT`: convert Brain-Score brainio data to spec/ files, validate, say what is missing.

Nothing is written at OUT unless the result is valid (--force replaces an existing OUT).
`braindock import bundle BUNDLE`: load a bundle written by `braindock export` (hash-verified) into this data directory.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import Problem, UsageError
from ..output import add_json_flag, console, print_json

FORMATS = ("brainio", "bundle")


def add_parser(subparsers):
    parser = subparsers.add_parser("import", help="import a dataset from another standard (brainio), or a bundle")
    parser.add_argument("format", choices=FORMATS, help="the source standard")
    parser.add_argument("source", metavar="SOURCE", help="stimulus CSV (with --files), netCDF assembly, or bundle folder")
    parser.add_argument("--out", metavar="PATH", help="brainio: output folder (stimulus set) or .nc file (assembly)")
    parser.add_argument("--files", metavar="DIR_OR_ZIP", help="the stimulus files (default: the CSV's folder)")
    parser.add_argument("--metadata", metavar="YAML",
                        help="sidecar (spec/v1/metadata-sidecar) supplying missing metadata: attrs, neuroid, presentation, stimulus, time_bins")
    parser.add_argument("--bin", metavar="START:END[,...]",
                        help="spike-time (event) assembly: bin the events into these [start, end) ms windows (e.g. 70:170)")
    parser.add_argument("--deduplicate", action="store_true",
                        help="trial-level CSV: keep one row per stimulus (per-trial columns dropped; repetitions belong in the assembly)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    add_json_flag(parser)
    return parser


def _bundle(args, settings, source: Path) -> int:
    from ..execution.engines import get_engine
    from ..provenance.bundle import import_bundle

    loaded = import_bundle(source, settings, get_engine(settings.engine))
    if args.json:
        print_json(loaded)
    else:
        console.print(f"imported {len(loaded['records'])} record(s), {len(loaded['images'])} image(s), "
                      f"{len(loaded['benchmark_exports'])} benchmark export(s) from {source}", highlight=False)
    return 0


def run(args, settings) -> int:
    source = Path(args.source)
    if args.format == "bundle":
        return _bundle(args, settings, source)
    from ..curation.importers.brainio import (
        import_assembly,
        import_stimulus_set,
        parse_bins,
    )
    from .validate import print_report

    if not args.out:
        raise UsageError("import brainio needs --out", [Problem("--out", "USAGE", "looked for --out; not given", "give --out PATH (a folder or .nc file)")])
    if source.suffix.lower() == ".csv":
        if args.bin:
            raise UsageError("--bin is for assemblies", [Problem("--bin", "BAD_BIN", "a stimulus CSV has no spike times", "drop --bin")])
        result = import_stimulus_set(source, args.files, args.out, args.metadata, deduplicate=args.deduplicate,
                                     force=args.force, write_invalid=False)
    else:
        bins = parse_bins(args.bin) if args.bin else None
        result = import_assembly(source, args.out, args.metadata, bins=bins, force=args.force, write_invalid=False)
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
    if result.written:
        console.print(f"wrote {result.output}", highlight=False)
    else:
        console.print(f"nothing written at {result.output}: the result is not valid yet (fix the above and re-run)", highlight=False)
    return result.report.exit_code
