"""Small inline SVG plots for the site's pages (no JavaScript, no library): per-split values and a distribution."""
from __future__ import annotations

from html import escape

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def _scale(low: float, high: float, start: float, end: float):
    span = (high - low) or 1.0
    return lambda v: start + (v - low) / span * (end - start)


def _limits(values: list[float]) -> tuple[float, float]:
    low, high = min(values + [0.0]), max(values + [0.0])
    pad = 0.05 * ((high - low) or 1.0)
    return low - pad, high + pad


def per_split(series: dict[str, list[float]], title: str, width: int = 360, height: int = 180) -> str:
    """Each series' value per cross-validation split (dots joined by a faint line), with a zero line and a legend."""
    values = [v for vs in series.values() for v in vs]
    low, high = _limits(values)
    count = max(len(vs) for vs in series.values())
    x = _scale(0, max(count - 1, 1), 44, width - 10)
    y = _scale(low, high, height - 28, 24)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{width / 2}" y="13" text-anchor="middle" class="title">{escape(title)}</text>',
             f'<line x1="44" x2="{width - 10}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="zero"/>']
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<text x="40" y="{y(tick) + 3:.1f}" text-anchor="end" class="tick">{tick:.2f}</text>')
    parts.append(f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle" class="tick">split (1 … {count})</text>')
    for n, (name, vs) in enumerate(series.items()):
        color = COLORS[n % len(COLORS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-opacity="0.35"/>')
        parts += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"><title>{escape(name)}, split {i + 1}: {v:.4f}</title></circle>'
                  for i, v in enumerate(vs)]
        parts.append(f'<text x="{50 + 110 * n}" y="{height - 18}" class="tick" fill="{color}">● {escape(name)}</text>')
    return "".join(parts) + "</svg>"


def distribution(items: list[tuple[str, float, float, str | None]], title: str, width: int = 520) -> str:
    """One line per model (label, score, error, link), best first: a dot with its error bar, on a shared axis."""
    items = sorted(items, key=lambda item: -item[1])
    height = 40 + 18 * len(items)
    low, high = _limits([s - e for _, s, e, _ in items] + [s + e for _, s, e, _ in items])
    x = _scale(low, high, 190, width - 16)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{width / 2}" y="13" text-anchor="middle" class="title">{escape(title)}</text>',
             f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="20" y2="{height - 18}" class="zero"/>']
    for tick in (low, (low + high) / 2, high):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 4}" text-anchor="middle" class="tick">{tick:.2f}</text>')
    for n, (label, score, error, href) in enumerate(items):
        cy = 30 + 18 * n
        name = f'<text x="184" y="{cy + 4}" text-anchor="end" class="tick">{escape(label)}</text>'
        parts.append(f'<a href="{escape(href)}">{name}</a>' if href else name)
        parts.append(f'<line x1="{x(score - error):.1f}" x2="{x(score + error):.1f}" y1="{cy}" y2="{cy}" stroke="{COLORS[0]}"/>')
        parts.append(f'<circle cx="{x(score):.1f}" cy="{cy}" r="4" fill="{COLORS[0]}"><title>{escape(label)}: {score:.4f} ± {error:.4f}</title></circle>')
    return "".join(parts) + "</svg>"
