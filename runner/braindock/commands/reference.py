"""`braindock reference`: build the catalog, score every reference model on every reference benchmark, show the leaderboard."""
from __future__ import annotations

from argparse import Namespace

from ..catalog import load_catalog
from . import build, leaderboard, score


def add_parser(subparsers):
    parser = subparsers.add_parser("reference", help="build and score the reference models on the reference benchmarks")
    parser.add_argument("--rebuild", action="store_true", help="rebuild images that exist")
    return parser


def run(args, settings) -> int:
    build.run(Namespace(tags=[], rebuild=args.rebuild, json=False), settings)
    catalog = load_catalog()
    benchmarks = [image.tag for image in catalog if image.kind == "benchmark"]
    for model in (image.tag for image in catalog if image.kind == "model"):
        score.run(Namespace(model=model, benchmarks=benchmarks, seed=0, json=False), settings)
    return leaderboard.run(Namespace(benchmark=None, benchmark_version=None, json=False,
                                     plot=str(settings.home / "leaderboard.png")), settings)
