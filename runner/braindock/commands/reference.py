"""`braindock reference`: build the catalog, score every reference model on every benchmark it commits to, show the leaderboard."""
from __future__ import annotations

import argparse
from argparse import Namespace


def add_parser(subparsers):
    parser = subparsers.add_parser("reference", help="build and score the reference models on the reference benchmarks")
    parser.add_argument("--jobs", type=int, default=1, help="model runs and scores at once (default 1)")
    return parser


def run(args, settings) -> int:
    from . import build, suite

    build.run(Namespace(tags=[], json=False, clean=False), settings)
    return suite.run(suite_args(args.jobs, settings.home / "leaderboard.png"), settings)


def suite_args(jobs: int, plot) -> Namespace:
    """`braindock suite --jobs JOBS --plot PLOT` as its own parser reads it (every option at its default)."""
    from . import suite

    parser = argparse.ArgumentParser()
    suite.add_parser(parser.add_subparsers())
    return parser.parse_args(["suite", "--jobs", str(jobs), "--plot", str(plot)])
