"""The talk's language claims in silico: does a better next-word predictor make a more brain-like model?

Builds every language benchmark's export in-process (as its container does), runs each model image of the family
once on all their stimuli (a real container run of a contract request), scores it with the runner's metrics and
each benchmark's manifest, and prints: perplexity and raw scores per model (ceilings are constants per benchmark and
cancel in every correlation across models); the correlation of
log perplexity with the language-network score (mean ceiled score over the neural benchmarks) across models with
a bootstrap interval over models; and the Spearman correlation of every pair of benchmarks across models.

Usage: python tests/language/family.py [--out DIR] [--json FILE] [IMAGE ...]   (default: the catalog's family)
       python tests/language/family.py --report FILE [FILE ...]   (the tables of --json files, merged in the family's order)
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "validity"))
from braindock import metrics  # noqa: E402
from braindock.config import load_settings  # noqa: E402
from braindock.contract import responses  # noqa: E402
from braindock.contract.assemblies import average_repetitions  # noqa: E402
from braindock.contract.benchmark import Benchmark  # noqa: E402
from braindock.contract.run_request import lay_out_stimuli, write_request  # noqa: E402
from braindock.contract.task_answers import read_next_word  # noqa: E402
from braindock.execution import containers  # noqa: E402
from braindock.errors import UsageError  # noqa: E402
from braindock.execution.engines import ImageInfo, get_engine  # noqa: E402
from braindock.scoring import language  # noqa: E402
from validity import LANGUAGE_NETWORK, build_export  # noqa: E402

NEXT_WORD = ("futrell2018-reading", "nextword-perplexity")
FAMILY = ("ngram-unigram", "ngram-bigram", "ngram-trigram", *(f"gru-lm-step{s}" for s in (0, 10, 40, 150, 600, 3000)), "minilm")
IMAGES = tuple(f"braindock/model-{m}:1.0.0" for m in FAMILY)
BOOTSTRAPS = 2000


def export(name: str, out: Path) -> Benchmark:
    root = build_export(name, out)
    return Benchmark(ImageInfo(f"family/{name}:1", "sha256:" + "3" * 64), "3" * 64, root)


class Family:
    """Every benchmark's export, and each model's answers to all their stimuli from one
    real container run (one request: every benchmark's stimuli, ids prefixed by the benchmark, region language,
    and task next_word when the model lists it); stimuli are read independently, so one run answers them all."""

    def __init__(self, names: list[str], out: Path, engine, settings):
        self.engine, self.settings = engine, settings
        self.benchmarks = {name: export(name, out) for name in names}
    @staticmethod
    def trials(benchmark: Benchmark):
        recordings = benchmark.recordings()
        return recordings.isel(neuroid=(recordings["region"] == benchmark.region).values)

    def answers(self, image: str, work: Path):
        """The model's language activations and next_word answer (None when it does not list the task)."""
        description = containers.describe_model(self.engine, self.settings, image)
        who = f"model {image}"
        stimuli, words = [], {}
        for name, benchmark in self.benchmarks.items():
            laid = lay_out_stimuli(benchmark.stimulus_set, benchmark.stimulus_set_path.parent, work / "input", "text", None, None,
                                   folder=f"stimuli/{name}")
            stimuli += [{**s, "stimulus_id": f"{name}/{s['stimulus_id']}"} for s in laid]
            words.update({f"{name}/{e['stimulus_id']}": language.stimulus_words(e) for e in benchmark.stimulus_set["stimuli"]})
        task = {"name": "next_word", "words": words} if "next_word" in description["tasks"] else None
        request = write_request(work / "input", "text", stimuli, ["language"], description["time_bins"][:1], 1, 0, None, task=task)
        (work / "output").mkdir()
        containers.run_model(self.engine, self.settings, image, work / "input", work / "output")
        response = responses.read_response(work / "output", request, who)
        activations = responses.read_activations(work / "output", request, response, "language", who).mean("time_bin")
        return activations, (read_next_word(response, request, who) if task else None)

    def scores(self, image: str) -> dict[str, float | None]:
        """Raw score per benchmark (r; perplexity for the engineering one); None where the model cannot be scored. A
        benchmark's ceiling is one constant for every model, so correlations across models are the same ceiled or raw."""
        work = Path(tempfile.mkdtemp(prefix="family-", dir=self.settings.work_dir))
        try:
            activations, next_word = self.answers(image, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        out = {}
        for name, benchmark in self.benchmarks.items():
            manifest = benchmark.manifest
            mine = np.char.startswith(activations["stimulus_id"].values.astype(str), name + "/")
            if manifest["kind"] == "neural":
                source = activations.isel(presentation=mine)
                source = source.assign_coords(stimulus_id=("presentation", [i.split("/", 1)[1] for i in source["stimulus_id"].values]))
                spec = manifest["metric"]
                out[name] = metrics.get_metric(spec["name"], **spec["parameters"])(source, average_repetitions(self.trials(benchmark))).value
            elif next_word is None:
                out[name] = None
            else:
                rows = np.char.startswith(next_word["stimulus_id"].values.astype(str), name + "/")
                answer = next_word.isel(word=rows)
                answer = answer.assign_coords(stimulus_id=("word", [i.split("/", 1)[1] for i in answer["stimulus_id"].values]))
                outcome = language.score_answer(manifest, benchmark.recordings(), answer)
                out[name] = outcome.raw.value
            print(f"{name:<24} {image:<44} {out[name]}", flush=True)
        return out


def bootstrap_r(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Pearson r of x and y and its 95 % percentile interval over models resampled with replacement."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(BOOTSTRAPS):
        pick = rng.integers(len(x), size=len(x))
        if np.ptp(x[pick]) > 0 and np.ptp(y[pick]) > 0:
            values.append(np.corrcoef(x[pick], y[pick])[0, 1])
    low, high = np.percentile(values, [2.5, 97.5])
    return float(np.corrcoef(x, y)[0, 1]), float(low), float(high)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def analyse(scores: dict[str, dict[str, float | None]]) -> dict:
    """Perplexity vs language-network score across the autoregressive models; benchmark agreement across models."""
    autoregressive = [m for m, row in scores.items() if row.get("nextword-perplexity") is not None]
    log_ppl = np.log([scores[m]["nextword-perplexity"] for m in autoregressive])
    network = np.array([np.mean([scores[m][b] for b in LANGUAGE_NETWORK]) for m in autoregressive])
    r, low, high = bootstrap_r(log_ppl, network)
    names = [*LANGUAGE_NETWORK, "futrell2018-reading"]
    agreement = {f"{a} ~ {b}": spearman(np.array([scores[m][a] for m in autoregressive]), np.array([scores[m][b] for m in autoregressive]))
                 for i, a in enumerate(names) for b in names[i + 1:]}
    reading = np.array([scores[m]["futrell2018-reading"] for m in autoregressive])
    return {"models": autoregressive, "pearson_log_perplexity_vs_network": r, "interval_95": [low, high],
            "spearman_log_perplexity_vs_network": spearman(log_ppl, network),
            "pearson_log_perplexity_vs_reading": float(np.corrcoef(log_ppl, reading)[0, 1]), "benchmark_agreement": agreement}


def built(engine, image: str) -> bool:
    try:
        engine.inspect(image)
    except UsageError:
        print(f"skipped (not built): {image}", flush=True)
        return False
    return True


def in_family_order(scores: dict[str, dict[str, float | None]]) -> dict[str, dict[str, float | None]]:
    """The rows in the catalog family's order, other images after them as given: merged runs then print, and
    bootstrap over, the same table as one run of them all (the bootstrap draws models by position)."""
    rank = {image: i for i, image in enumerate(IMAGES)}
    return dict(sorted(scores.items(), key=lambda item: rank.get(item[0], len(IMAGES))))


def markdown(scores: dict[str, dict[str, float | None]], analysis: dict) -> str:
    """The README's tables: one row per model, then the correlations."""
    names = [*LANGUAGE_NETWORK, *NEXT_WORD]
    lines = ["| model | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for image, row in scores.items():
        cells = ["refused (no next_word)" if row[n] is None else f"{row[n]:.2f}" if n == "nextword-perplexity" else f"{row[n]:.3f}" for n in names]
        lines.append(f"| `{image.split('/')[-1].removeprefix('model-').removesuffix(':1.0.0')}` | " + " | ".join(cells) + " |")
    low, high = analysis["interval_95"]
    lines += ["", f"log perplexity vs language-network score (mean r over {len(LANGUAGE_NETWORK)} benchmarks), "
              f"{len(analysis['models'])} next-word models: Pearson r = {analysis['pearson_log_perplexity_vs_network']:.3f} "
              f"(95 % bootstrap over models {low:.3f} to {high:.3f}), Spearman {analysis['spearman_log_perplexity_vs_network']:.3f}; "
              f"vs reading times (Futrell2018) Pearson r = {analysis['pearson_log_perplexity_vs_reading']:.3f}", "",
              "| benchmarks | Spearman across models |", "| --- | --- |"]
    lines += [f"| {pair} | {value:.2f} |" for pair, value in analysis["benchmark_agreement"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="*", default=list(IMAGES))
    parser.add_argument("--out", type=Path, help="where to build the exports (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the scores and the analysis here")
    parser.add_argument("--report", type=Path, nargs="+",
                        help="print the tables of --json files written before (merged, rows in the family's order); run nothing")
    args = parser.parse_args(argv)
    if args.report:
        merged = in_family_order({image: row for path in args.report for image, row in json.loads(path.read_text())["scores"].items()})
        print(markdown(merged, analyse(merged)))
        return 0
    settings = load_settings()
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.engine)
    out = args.out or Path(tempfile.mkdtemp(prefix="braindock-family-"))
    family = Family([*LANGUAGE_NETWORK, *NEXT_WORD], out, engine, settings)
    scores = {image: family.scores(image) for image in args.images if built(engine, image)}
    analysis = analyse(scores)
    print(markdown(scores, analysis))
    if args.json:
        args.json.write_text(json.dumps({"scores": scores, "analysis": analysis}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
