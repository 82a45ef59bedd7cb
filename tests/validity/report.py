"""Validity report: does every simulated neural benchmark tell models apart? (`nox -s validity`)

Builds each benchmark's export in-process (as its container does), scores the known-distance models of
validity.py with the runner's metrics, prints one table per benchmark and saves a plot. Then `accuracy-vs-it`
(vision_family.py, real containers): across the CNN family and the reference vision models, the correlation of
object-classification accuracy with the IT score, which must be positive.

Usage: python tests/validity/report.py [--out DIR] [--plot PNG] [--markdown] [NAME ...]   (exit 1 if any criterion fails)
--markdown also prints the README's validity table of the benchmarks named.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vision_family  # noqa: E402
from validity import GENERATOR_MIN, NEURAL, NOISE_SHARES, SHUFFLED_MAX, WRONG_STAGE, Validity, assess, build_export  # noqa: E402

TASK_RELATION = "accuracy-vs-it"  # not a benchmark: the vision family's accuracy against its IT score


def table(validity: Validity, seconds: float) -> str:
    lines = [f"{validity.benchmark} ({validity.region}): ceiling {validity.ceiling:.3f} (declared {validity.expected_ceiling:.3f}), {seconds:.0f} s",
             f"  {'model':<24} {'raw':>7} {'± err':>7} {'ceiled':>7}"]
    lines += [f"  {r.model:<24} {r.raw:>7.3f} {r.error:>7.3f} {r.score:>7.3f}" for r in validity.results]
    problems = validity.problems()
    lines.append("  PASS: generator >= %.2f, shuffled <= %.2f, graded in order, wrong region measurably lower"
                 % (GENERATOR_MIN, SHUFFLED_MAX) if not problems else "  FAIL: " + "; ".join(problems))
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:.3f}".replace("-", "−")


def markdown(results: list[Validity]) -> str:
    """The README's validity table: a row per benchmark, ceiled scores; a generator or shuffled score past its
    threshold in bold (the plain tables' FAIL lines name every failed criterion)."""
    lines = [f"| benchmark | generator (≥ {GENERATOR_MIN:g}) | shuffled (≤ {SHUFFLED_MAX:g}) "
             f"| noise {' / '.join(f'{share:g}' for share in NOISE_SHARES)} (in order) | wrong region |",
             "| --- | --- | --- | --- | --- |"]
    for validity in results:
        generator, shuffled = validity.get("generator").score, validity.get("shuffled").score
        cells = [_number(generator) if generator >= GENERATOR_MIN else f"**{_number(generator)}** (fails ≥ {GENERATOR_MIN:g})",
                 _number(shuffled) if shuffled <= SHUFFLED_MAX else f"**{_number(shuffled)}** (fails ≤ {SHUFFLED_MAX:g})",
                 " / ".join(_number(r.score) for r in validity.graded),
                 f"{WRONG_STAGE[validity.region]}: {_number(validity.wrong.score)}"]
        lines.append(f"| {validity.benchmark.removeprefix('sim.')} | {' | '.join(cells)} |")
    return "\n".join(lines)


def plot(results: list[Validity], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(1, len(results), figsize=(3.2 * len(results), 3.6), sharey=True, squeeze=False)
    for axis, validity in zip(axes[0], results):
        names = [r.model.replace("wrong region ", "wrong ") for r in validity.results]
        colours = ["tab:green"] + ["tab:grey"] + ["tab:blue"] * len(validity.graded) + ["tab:red"]
        axis.bar(range(len(names)), [r.score for r in validity.results], color=colours)
        axis.axhline(GENERATOR_MIN, color="tab:green", lw=0.8, ls="--")
        axis.axhline(SHUFFLED_MAX, color="tab:grey", lw=0.8, ls="--")
        axis.set_xticks(range(len(names)), names, rotation=70, fontsize=7)
        axis.set_title(f"{validity.region}\n{validity.benchmark}", fontsize=7)
    axes[0][0].set_ylabel("ceiled score")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=[*NEURAL, TASK_RELATION], help=f"benchmarks, or {TASK_RELATION} (default: {' '.join(NEURAL)} {TASK_RELATION})")
    parser.add_argument("--out", type=Path, help="where to build the exports (default: a temporary folder)")
    parser.add_argument("--plot", type=Path, default=Path("validity.png"), help="plot file (default validity.png)")
    parser.add_argument("--markdown", action="store_true", help="also print the README's validity table of these benchmarks")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="braindock-validity-"))
    results, failed = [], False
    for name in args.names:
        started = time.monotonic()
        if name == TASK_RELATION:
            relation = vision_family.run()
            ok = vision_family.positive(relation)
            print(f"object accuracy vs IT score across {len(relation['scores'])} vision models, {time.monotonic() - started:.0f} s\n"
                  f"{vision_family.report(relation)}\n  {'PASS' if ok else 'FAIL'}: accuracy's r > 0", flush=True)
            failed |= not ok
            continue
        validity = assess(build_export(name, out))
        results.append(validity)
        failed |= bool(validity.problems())
        print(table(validity, time.monotonic() - started), flush=True)
    if results and args.markdown:
        print(markdown(results))
    if results:
        plot(results, args.plot)
        print(f"plot: {args.plot}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
