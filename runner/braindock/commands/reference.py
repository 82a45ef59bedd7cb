"""`braindock reference`: build the catalog, score every reference model on every reference benchmark, show the leaderboard."""
from __future__ import annotations

from argparse import Namespace

from rich.markup import escape

from ..catalog import load_catalog
from ..errors import ValidationError
from ..output import console
from . import build, leaderboard, score

NOT_COMMITTED = {"REGION_NOT_COMMITTED", "WRONG_MODALITY"}


def add_parser(subparsers):
    parser = subparsers.add_parser("reference", help="build and score the reference models on the reference benchmarks")
    return parser


def run(args, settings) -> int:
    build.run(Namespace(tags=[], json=False), settings)
    catalog = load_catalog()
    benchmarks = [image.tag for image in catalog if image.kind == "benchmark"]
    for model in (image.tag for image in catalog if image.kind == "model"):
        for benchmark in benchmarks:
            try:
                score.run(Namespace(model=model, benchmarks=[benchmark], seed=0, json=False), settings)
            except ValidationError as error:
                # a model is scored only where it commits (region and modality); any other problem is an error
                if not error.problems or {p.code for p in error.problems} - NOT_COMMITTED:
                    raise
                console.print(escape(f"{model} on {benchmark}: not scored ({error.problems[0].message}; the model does not commit to it)"),
                              highlight=False)
    return leaderboard.run(Namespace(benchmark=None, benchmark_version=None, json=False,
                                     plot=str(settings.home / "leaderboard.png")), settings)
