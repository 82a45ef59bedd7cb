"""Write spec/v1/metrics, ceilings and normalizations.schema.json from the tables below (names, versions, typed
parameters). When a metric, ceiling or normalisation is added to runner/braindock/metrics, add it here and run
`python3 spec/registry_schemas.py`; tests/contract/test_registry_schemas.py fails until schema and registry agree."""
import json
from pathlib import Path

SPEC = Path(__file__).resolve().parent / "v1"
seed = {"type": "integer", "minimum": 0, "description": "Random seed of the splits."}
splits = {"type": "integer", "minimum": 1, "description": "Number of splits."}
col = lambda d: {"type": ["string", "null"], "minLength": 1, "description": d}
frac = lambda d: {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "description": d}
subset = {
  "cross_validated": {"type": "boolean", "description": "Compare on `splits` random stimulus subsets (Brain-Score's cross-validated variant) instead of once on all stimuli."},
  "splits": splits, "subset_size": frac("Fraction of the stimuli in each subset."),
  "stratify_by": col("Presentation coordinate (or stimulus-set column) to stratify the subsets by."), "seed": seed}
METRICS = {
 "neural_predictivity": ("1.3", "Cross-validated linear regression from model to recordings; Pearson r per neuroid on held-out stimuli, median over neuroids, mean over splits.", {
   "regression": {"enum": ["pls", "ridge", "ridgecv", "ols"], "description": "pls (n_components) | ridge (alphas[0]) | ridgecv (leave-one-out over alphas) | ols."},
   "n_components": {"type": "integer", "minimum": 1, "description": "PLS components."},
   "alphas": {"type": ["array", "null"], "items": {"type": "number", "exclusiveMinimum": 0}, "minItems": 1, "description": "Ridge penalties; null for the default."},
   "splits": splits, "train_size": frac("Fraction of stimuli for training (stratified_shuffle)."),
   "split": {"enum": ["stratified_shuffle", "fixed", "group_kfold"], "description": "How stimuli are split: stratified_shuffle, fixed (the recordings' `split` coordinate), group_kfold (by group_by)."},
   "stratify_by": col("Presentation coordinate to stratify the splits by (e.g. object_name)."),
   "group_by": col("Presentation coordinate naming each group for group_kfold (e.g. passage)."),
   "seed": seed}),
 "cka": ("1.3", "Linear centred kernel alignment between model and recordings.", {
   "kernel": {"enum": ["linear"], "description": "Only the linear kernel."},
   "estimator": {"enum": ["biased", "unbiased"], "description": "unbiased (debiased HSIC; default) or biased."},
   **subset}),
 "rdm": ("1.4", "Spearman correlation of representational dissimilarity matrices (1 - Pearson r).", dict(subset)),
 "i1n": ("1.0", "Brain-Score I1n: per-image normalised choice d' consistency.", {"splits": splits, "seed": seed}),
 "i1": ("1.0", "Brain-Score i1: per-image d' consistency without removing each object pair's mean.", {"splits": splits, "seed": seed}),
 "i2n": ("1.0", "Brain-Score I2n: per image-by-distractor normalised d' consistency.", {"splits": splits, "seed": seed}),
 "perplexity": ("1.0", "exp(-mean natural-log probability) over the target's words (lower is better; 1 is perfect).", {}),
 "reading_time_predictivity": ("1.0", "Pearson r between the subject-mean reading time and its cross-validated linear prediction from the model's surprisal and the word's letters.", {
   "group_by": {"type": "string", "minLength": 1, "description": "Word coordinate the folds are grouped by (e.g. story)."}, "splits": splits}),
 "error_consistency": ("1.0", "Cohen's kappa of right/wrong patterns, per subject, averaged (label task).", {}),
 "odd_one_out_agreement": ("1.0", "Fraction of triplet trials where the model picks the human's odd one.", {}),
 "accuracy": ("1.0", "Fraction of the target's stimuli the model labels with their truth (label task); binomial standard error.", {}),
}
LOWER_IS_BETTER = {"perplexity"}  # every other metric: higher is better (x-better in the schema)
CEILINGS = {
 "internal_consistency": ("1.0", "Split-half reliability over repetitions, Spearman-Brown corrected, median over neuroids.", {"splits": splits, "seed": seed}),
 "extrapolation": ("1.0", "Brain-Score language: predict held-out subjects from pools of others, extrapolate to infinitely many subjects.", {
   "subject_coord": {"type": "string", "minLength": 1, "description": "Neuroid coordinate naming the subject."},
   "metric": {"$ref": "metrics.schema.json#/$defs/name", "description": "Metric that predicts one subject from the others."},
   "metric_params": {"type": ["object", "null"], "description": "That metric's parameters; null for its defaults."},
   "bootstraps": {"type": "integer", "minimum": 1, "description": "Bootstrap resamples of the per-size scores."},
   "seed": seed,
   "max_subsets": {"type": ["integer", "null"], "minimum": 1, "description": "Random subsets per size; null for all."},
   "curve": {"enum": ["exponential", "reliability"], "description": "exponential: v0 (1 - exp(-k / tau)), Brain-Score language's; reliability: v0 sqrt(c m / (1 + c m)), m = k - 1."}}),
 "i1n_split_half": ("1.0", "I1n between two halves of the human trials.", {"splits": splits, "seed": seed}),
 "i1_split_half": ("1.0", "Split-half consistency of human I1.", {"splits": splits, "seed": seed}),
 "rsa_ceiling": ("1.2", "How well one subject's RDM matches the group's (Nili et al. 2014).", {"subject_coord": {"type": "string", "minLength": 1, "description": "Neuroid coordinate naming the subject."}}),
 "i2n_split_half": ("1.0", "I2n between two halves of the human trials.", {"splits": splits, "seed": seed}),
 "none": ("1.0", "No ceiling (engineering benchmarks): the unit, which normalisation `none` ignores.", {}),
 "reading_time_consistency": ("1.0", "sqrt of the Spearman-Brown-corrected correlation between the mean reading times of random halves of the subjects.", {"splits": splits, "seed": seed}),
 "error_consistency_humans": ("1.0", "Error consistency between subjects.", {}),
 "odd_one_out_noise_ceiling": ("1.0", "Each trial against the majority of its triplet's other trials.", {}),
}
NORMS = {
 "r/ceiling": ("1.0", "r / c", "Brain-Score 2018 (vision 0.x) neural benchmarks; Brain-Score language."),
 "(r/ceiling)^2": ("1.0", "r|r| / c^2", "Brain-Score vision 1.0: fraction of explainable variance, ceiling an r."),
 "r^2/ceiling": ("1.0", "r|r| / c", "Brain-Score vision 2.x (2026): ceiling a reliability (explained variance)."),
 "r/sqrt(ceiling)": ("1.0", "mean over paired splits of r_i / sqrt(c_i)", "Brain-Score I1n/I2n."),
 "(r-1/3)/(ceiling-1/3)": ("1.0", "(r - 1/3) / (c - 1/3)", "Chance-corrected three-way choices (Brain-Score Hebart2023)."),
 "none": ("1.0", "r", "No ceiling (engineering benchmarks, e.g. perplexity)."),
}
CONVENTIONS = {
 "2018": ("r/ceiling", "Schrimpf et al. 2018 (Brain-Score's first leaderboard): Pearson r over the split-half ceiling r."),
 "v1.0": ("(r/ceiling)^2", "Brain-Score vision 1.0: the square of the 2018 score, the fraction of explainable variance."),
 "2026": ("r^2/ceiling", "Brain-Score vision 2.x today: explained variance r^2 over the ceiling read as a reliability."),
}

def family(file, kind, key, entries, title):
    defs = {}
    for name, (version, what, params) in entries.items():
        defs[name] = {"type": "object", "additionalProperties": False, "x-version": version,
                      "description": f"{what} Parameters of {kind} {name!r}: " + (", ".join(params) if params else "none") + " (any left out take their defaults).",
                      "properties": params}
        if kind == "metric":
            defs[name]["x-better"] = "lower" if name in LOWER_IS_BETTER else "higher"
    names = sorted(entries)
    doc = {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": f"https://braindock.dev/spec/v1/{file}.schema.json",
      "title": title, "version": "1.0.0",
      "description": f"Every {kind} the runner knows, with its parameters and their types. A benchmark manifest's `{kind}` is checked against this when the benchmark is loaded, before any model runs. tests/contract checks that this file and the runner's registry name the same {kind}s, versions and parameters.",
      "$ref": "#/$defs/spec",
      "$defs": {
        "name": {"enum": names, "description": f"A {kind} the runner knows: one of " + ", ".join(names) + "."},
        "spec": {"type": "object", "required": [key, "parameters"], "additionalProperties": False,
                 "properties": {key: {"$ref": "#/$defs/name"}, "parameters": {"type": "object"}},
                 "allOf": [{"if": {"properties": {key: {"const": n}}, "required": [key]},
                            "then": {"properties": {"parameters": {"$ref": f"#/$defs/parameters/{n}"}}}} for n in names]},
        "parameters": defs,
      }}
    (SPEC / f"{file}.schema.json").write_text(json.dumps(doc, indent=2) + "\n")

family("metrics", "metric", "name", METRICS, "Metrics and their parameters")
family("ceilings", "ceiling", "method", CEILINGS, "Ceilings and their parameters")
names = list(NORMS)
doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://braindock.dev/spec/v1/normalizations.schema.json",
  "title": "Ceiling normalisations", "version": "1.0.0",
  "description": "How a raw score r and a ceiling c become the ceiled score. Squared forms keep the sign of r. tests/contract checks that this file and the runner's registry name the same normalisations and versions.",
  "$ref": "#/$defs/name",
  "$defs": {"name": {"enum": names, "description": "A normalisation the runner knows: one of " + ", ".join(names) + "."},
            "normalizations": {n: {"x-version": v, "formula": f, "description": d} for n, (v, f, d) in NORMS.items()},
            "convention": {"enum": list(CONVENTIONS), "description": "A historical scale of Brain-Score's ceiled neural predictivity: " + "; ".join(f"{c}: {n}" for c, (n, _) in CONVENTIONS.items()) + "."},
            "conventions": {c: {"normalization": n, "description": d} for c, (n, d) in CONVENTIONS.items()}}}
(SPEC / "normalizations.schema.json").write_text(json.dumps(doc, indent=2) + "\n")
