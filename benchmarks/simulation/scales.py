"""Brain-Score's historical scales of ceiled neural predictivity, so that a vision neural benchmark can be built at
each one as a named benchmark version (build arg SCALE). The table equals spec/v1/normalizations.schema.json's
conventions (tests/contract/test_scales.py checks it; the image has no braindock to read the spec from)."""
from __future__ import annotations

CONVENTIONS = {  # convention -> (normalisation, what it is), oldest first
    "2018": ("r/ceiling", "Schrimpf et al. 2018 (Brain-Score's first leaderboard): Pearson r over the split-half ceiling r."),
    "v1.0": ("(r/ceiling)^2", "Brain-Score vision 1.0: the square of the 2018 score, the fraction of explainable variance."),
    "2026": ("r^2/ceiling", "Brain-Score vision 2.x today: explained variance r^2 over the ceiling read as a reliability."),
}


def at_scale(config: dict, scale: str | None) -> dict:
    """The benchmark config on `scale` (None: its own): normalisation set, version named '+scale.<convention>' when
    it differs from the config's own, and `scale` (convention and history) for the manifest. Only vision neural
    benchmarks whose normalisation is a historical scale have one; others come back unchanged (a scale is an error)."""
    own = next((name for name, (normalization, _) in CONVENTIONS.items() if normalization == config.get("normalization")), None)
    if own is None or config.get("kind") != "neural" or config.get("modality") != "image":
        if scale:
            raise SystemExit(f"{config['identifier']} has no historical scales (only vision neural benchmarks on "
                             f"{', '.join(n for n, _ in CONVENTIONS.values())} do)")
        return config
    if scale and scale not in CONVENTIONS:
        raise SystemExit(f"unknown scale {scale!r}; known scales: {', '.join(CONVENTIONS)}")
    chosen = scale or own
    history = [{"convention": name, "normalization": normalization, "description": what}
               for name, (normalization, what) in CONVENTIONS.items()]
    version = config["version"] if chosen == own else f"{config['version']}+scale.{chosen}"
    return {**config, "version": version, "normalization": CONVENTIONS[chosen][0],
            "scale": {"convention": chosen, "history": history}}
