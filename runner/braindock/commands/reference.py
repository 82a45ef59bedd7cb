"""`braindock reference`: build the catalog, score every reference model on every benchmark it commits to, show the leaderboard."""
from __future__ import annotations

from argparse import Namespace


def add_parser(subparsers):
    parser = subparsers.add_parser("reference", help="build and score the reference models on the reference benchmarks")
    parser.add_argument("--jobs", type=int, default=1, help="model runs and scores at once (default 1)")
    return parser


def run(args, settings) -> int:
    from . import build, suite

    build.run(Namespace(tags=[], json=False, clean=False), settings)
    return suite.run(Namespace(action="run", model=None, benchmark=None, executor="local", jobs=args.jobs, seed=0, json=False,
                               plot=str(settings.home / "leaderboard.png")), settings)
