"""`braindock site -o DIR`: the leaderboard, model, benchmark, compare and analysis pages as a static site."""
from __future__ import annotations

from pathlib import Path

from ..output import add_json_flag, console, print_json


def add_parser(subparsers):
    parser = subparsers.add_parser("site", help="write the leaderboard as a static web site (opens from file://)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the site into (replaced whole)")
    parser.add_argument("--task", metavar="CSV", help="task values for the analysis page: columns model,task,value")
    parser.add_argument("--benchmark-version", help="show this benchmark version instead of the latest")
    parser.add_argument("--serve", type=int, metavar="PORT", help="then serve it on http://127.0.0.1:PORT until interrupted")
    add_json_flag(parser)
    return parser


def _serve(folder: Path, port: int) -> None:
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        console.print(f"serving {folder} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        server.serve_forever()


def run(args, settings) -> int:
    from ..reporting import analysis, board, site

    found = board.load(settings, args.benchmark_version)
    tasks = analysis.read_task_csv(Path(args.task), found) if args.task else None
    summary = site.build(found, Path(args.output), tasks, source=str(settings.ledger_path))
    if args.json:
        print_json(summary)
    else:
        console.print(f"site written to {args.output}: {len(summary['pages'])} pages, {summary['records']} records; "
                      f"open {Path(args.output).resolve() / 'index.html'}")
        if summary["analysis"] != "written":
            console.print(f"analysis page: {summary['analysis']}")
    if args.serve:
        _serve(Path(args.output), args.serve)
    return 0
