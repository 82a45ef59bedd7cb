"""The site's HTML pages, as strings. Everything a model or benchmark image said about itself is escaped: a hostile
description must not run script on the leaderboard."""
from __future__ import annotations

import json
from html import escape

from ..board import DOMAINS, Board, BenchmarkInfo, ModelInfo
from . import svg

NAV = (("index.html", "Leaderboard"), ("compare.html", "Compare"), ("analysis.html", "Analysis"))


def num(value: float | None, digits: int = 3) -> str:
    return "missing" if value is None else f"{value:.{digits}f}"


def script_json(document) -> str:
    """JSON safe inside a <script> element (no `</script>` can close it early)."""
    return json.dumps(document, sort_keys=True).replace("</", "<\\/")


def layout(title: str, body: str, root: str, built: str) -> str:
    """A whole page; `root` is the way back to the site's top ("" or "../")."""
    links = " ".join(f'<a href="{root}{href}">{name}</a>' for href, name in NAV)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · braindock</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><link rel="stylesheet" href="{root}assets/site.css"></head>'
            f'<body><header><strong>braindock</strong> <nav>{links}</nav></header><main><h1>{escape(title)}</h1>{body}</main>'
            f'<footer>{escape(built)}</footer><script src="{root}assets/site.js"></script></body></html>')


def badge(text: str, kind: str, hint: str = "") -> str:
    return f'<span class="badge {kind}" title="{escape(hint)}">{escape(text)}</span>'


def benchmark_badges(b: BenchmarkInfo) -> str:
    out = badge("sim", "sim", "simulated data: scores test the pipeline, not brains") if b.simulated else ""
    out += badge("task", "eng", "engineering benchmark: no brain data, no ceiling") if b.engineering else ""
    return out + (badge("lower is better", "eng", "ranked lowest first: its metric is better when lower") if b.better == "lower" else "")


def conflict_badge(m: ModelInfo) -> str:
    if not m.rivals:
        return ""
    others = ", ".join(r.removeprefix("sha256:")[:12] for r in m.rivals)
    return badge("conflict", "conflict", f"{len(m.rivals) + 1} different images claim {m.label} (also {others}); "
                 "shown apart, never merged")


def column_domain(b: BenchmarkInfo) -> str:
    """The leaderboard's domain filter value of a benchmark's column: engineering columns form their own group."""
    return "engineering" if b.engineering else b.domain


def score_cell(board: Board, m: ModelInfo, b: BenchmarkInfo) -> str:
    row = board.cells.get((m.key, b.column))
    if row is None:
        return f'<td class="num missing" data-domain="{column_domain(b)}" data-value="">missing</td>'
    r = row.record.result
    hint = (f"score {r['score']:.4f} ± {r['score_error']:.4f}; raw {r['raw']:.4f} ± {r['error']:.4f}; "
            f"ceiling {r['ceiling']:.4f} ± {r['ceiling_error']:.4f}; record {row.record.record_id[:12]}")
    return f'<td class="num" data-domain="{column_domain(b)}" data-value="{r["score"]!r}" title="{escape(hint)}">{r["score"]:.3f}</td>'


def leaderboard_page(board: Board, built: str) -> str:
    brain = [(d, board.brain_benchmarks(d)) for d in DOMAINS if board.brain_benchmarks(d)]
    engineering = board.engineering_benchmarks()
    domains = [d for d, _ in brain] + (["engineering"] if engineering else [])
    head = ['<th data-type="text" data-domain="all">model</th>', '<th data-type="text" data-domain="all">version</th>',
            '<th data-type="text" data-domain="all">image</th>']
    for d, _ in brain:
        head.append(f'<th data-type="num" data-domain="{d}" title="mean over the {d} brain benchmarks a model was scored on">{d} average</th>')
    for b in [b for _, bs in brain for b in bs] + engineering:
        head.append(f'<th data-type="num" data-better="{b.better}" data-domain="{column_domain(b)}" title="{escape(b.identifier)}@{escape(b.version)}">'
                    f'<a href="{b.page}">{escape(b.column.removeprefix("sim."))}</a>{benchmark_badges(b)}</th>')
    first = brain[0][0] if brain else None  # ranked by the first domain's average, best first, missing last
    means = {m.key: board.average(m, first).mean if first else None for m in board.models}
    ranked = sorted(board.models, key=lambda m: (means[m.key] is None, -(means[m.key] or 0.0)))
    if first:
        head[3] = head[3].replace("<th ", '<th aria-sort="descending" ', 1)
    body = []
    for m in ranked:
        mine = board.domains_of(m) + (["engineering"] if any(board.score(m, b) is not None for b in engineering) else [])
        cells = [f'<td data-value="{escape(m.identifier)}"><a href="{m.page}">{escape(m.identifier)}</a>{conflict_badge(m)}</td>',
                 f'<td data-value="{escape(m.version)}">{escape(m.version)}</td>',
                 f'<td data-value="{m.short_id}" title="{m.image_id}"><code>{m.short_id}</code></td>']
        for d, _ in brain:
            a = board.average(m, d)
            if a.mean is None:
                cells.append(f'<td class="num missing" data-domain="{d}" data-value="">missing</td>')
            else:
                cells.append(f'<td class="num" data-domain="{d}" data-value="{a.mean!r}" title="mean of {a.scored} benchmark(s); '
                             f'{a.skipped} skipped">{a.mean:.3f} <small>({a.skipped} skipped)</small></td>')
        cells += [score_cell(board, m, b) for b in [b for _, bs in brain for b in bs] + engineering]
        conflict = ' class="conflict"' if m.rivals else ""
        body.append(f'<tr{conflict} data-domains="{" ".join(mine)}">{"".join(cells)}</tr>')
    options = "".join(f'<option value="{d}">{d}</option>' for d in domains)
    conflicts = sorted({m.label for m in board.models if m.rivals})
    warning = (f'<p class="warning">Conflict: {len(conflicts)} identifier@version claimed by more than one image '
               f'({escape(", ".join(conflicts))}); each image keeps its own row.</p>') if conflicts else ""
    body_html = (f'<p>One row per model image. Averages are taken within a domain only, over the brain benchmarks a model was scored on; '
                 f'engineering benchmarks (task scores such as accuracy or perplexity: no brain data, no ceiling) are shown apart and never averaged in. Hover a score for its error, raw '
                 f'value and ceiling; click a column to sort.</p>{warning}'
                 f'<label>domain <select id="domain-filter"><option value="all">all</option>{options}</select></label>'
                 f'<div class="scroll"><table id="leaderboard" class="sortable"><thead><tr>{"".join(head)}</tr></thead>'
                 f'<tbody>{"".join(body)}</tbody></table></div>')
    return layout("Leaderboard", body_html, "", built)


def description_table(description: dict | None) -> str:
    if description is None:
        return "<p class=\"missing\">Not described on this machine (its `describe` output is kept when it is scored here).</p>"
    authors = "; ".join(a["name"] + (f" ({a['affiliation']})" if a.get("affiliation") else "") for a in description.get("authors", []))
    regions = ", ".join(f"{region} → {v.get('layer')}" for region, v in description.get("regions", {}).items())
    fields = [("description", description.get("description", "")), ("authors", authors), ("license", description.get("license", "")),
              ("modality", description.get("modality", "")), ("regions (commitments)", regions),
              ("tasks", ", ".join(description.get("tasks", []))), ("visual degrees", description.get("visual_degrees", "—")),
              ("time bins", json.dumps(description.get("time_bins", [])))]
    return "<table class=\"facts\">" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in fields) + "</table>"


def model_page(board: Board, m: ModelInfo, built: str) -> str:
    rivals = "".join(f'<li><a href="../{r.page}">{escape(r.key)}</a> <code>{r.image_id}</code></li>'
                     for r in board.models if r.image_id in m.rivals and r.label == m.label)
    conflict = (f'<p class="warning">Conflict: other images claim {escape(m.label)} too; their scores are not this image\'s:</p><ul>{rivals}</ul>'
                if m.rivals else "")
    averages = "".join(f"<li>{d}: {num(a.mean)} over {a.scored} benchmark(s), {a.skipped} skipped</li>"
                       for d in DOMAINS if (a := board.average(m, d)).scored)
    rows, plots = [], []
    for row in board.records_of(m):
        b = next(b for b in board.benchmarks if b.column == row.column)
        r = row.record.result
        rows.append(f'<tr><td><a href="../{b.page}">{escape(b.column)}</a>{benchmark_badges(b)}</td><td>{escape(row.benchmark_version)}</td>'
                    f'<td class="num">{num(r["raw"])} ± {num(r["error"])}</td><td class="num">{num(r["ceiling"])} ± {num(r["ceiling_error"])}</td>'
                    f'<td class="num"><strong>{num(r["score"])}</strong> ± {num(r["score_error"])}</td>'
                    f'<td><a href="../records/{row.record.record_id}.json">{row.record.record_id[:12]}</a></td><td>{escape(row.record.created)}</td></tr>')
        series = {k: r[f] for k, f in (("raw per split", "per_split"), ("ceiling per split", "ceiling_per_split")) if r.get(f)}
        if series:
            plots.append(f'<figure>{svg.per_split(series, b.column)}</figure>')
    body = (f'<p>image <code>{m.image_id}</code>{conflict_badge(m)}</p>{conflict}<h2>Description</h2>{description_table(m.description)}'
            f'<h2>Scores</h2><ul>{averages}</ul><table><thead><tr><th>benchmark</th><th>version</th><th>raw ± error</th><th>ceiling ± error</th>'
            f'<th>score ± error</th><th>record (JSON)</th><th>created</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<h2>Per split</h2><div class="plots">{"".join(plots) or "<p>No per-split values in these records.</p>"}</div>'
            f'<p><a href="../compare.html?a={escape(m.key)}">compare with another model</a></p>')
    return layout(m.key, body, "../", built)


def benchmark_page(board: Board, b: BenchmarkInfo, built: str) -> str:
    scored = board.rows_of(b)
    newest = max((row for _, row in scored), key=lambda row: row.record.created).record
    inputs, manifest = newest.inputs, b.manifest or {}
    ceilings = sorted({(round(row.record.result["ceiling"], 6), round(row.record.result["ceiling_error"], 6)) for _, row in scored})
    facts = [("kind", b.kind), ("domain", b.domain), ("image", b.image_id), ("description", manifest.get("description", "—")),
             ("citation", manifest.get("citation", "— (manifest not in this store)")),
             ("ceiling", "; ".join(f"{c:.4f} ± {e:.4f}" for c, e in ceilings)),
             ("ceiling method", f"{inputs['ceiling']['method']} {json.dumps(inputs['ceiling']['parameters'], sort_keys=True)}"),
             ("metric", f"{inputs['metric']['name']} {inputs['metric']['version']}"),
             ("metric parameters", json.dumps(inputs["metric"]["parameters"], sort_keys=True)),
             ("normalization", inputs["normalization"]["name"]), ("scale", b.scale or "—")]
    generative = (f'<h2>Generative model (simulated data)</h2><pre>{escape(json.dumps(manifest["generative_model"], indent=2, sort_keys=True))}</pre>'
                  if "generative_model" in manifest else "")
    plot = svg.distribution([(m.key, row.record.result["score"], row.record.result["score_error"], f"../{m.page}") for m, row in scored],
                            f"{b.identifier}: ceiled score of {len(scored)} model(s)")
    body = (f'<p>{benchmark_badges(b)}</p><table class="facts">' + "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in facts)
            + f"</table>{generative}<h2>Distribution of model scores</h2><figure>{plot}</figure>")
    return layout(f"{b.identifier}@{b.version}", body, "../", built)


def compare_data(board: Board) -> dict:
    return {"benchmarks": [{"id": b.column, "page": b.page, "domain": column_domain(b)} for b in board.benchmarks],
            "models": [{"key": m.key, "page": m.page, "scores": {
                b.column: [row.record.result["score"], row.record.result["score_error"]]
                for b in board.benchmarks if (row := board.cells.get((m.key, b.column)))}} for m in board.models]}


def compare_page(board: Board, built: str) -> str:
    options = "".join(f'<option value="{escape(m.key)}">{escape(m.key)}</option>' for m in board.models)
    body = (f'<p>Two models side by side. A difference <em>exceeds the errors</em> when |A − B| is larger than the sum of the two '
            f'score errors (their error bars do not overlap).</p><form id="compare-form">'
            f'<label>A <select id="model-a" name="a">{options}</select></label> <label>B <select id="model-b" name="b">{options}</select></label> '
            f'<button type="submit">compare</button></form><table id="comparison"><thead><tr><th>benchmark</th><th>A</th><th>B</th>'
            f'<th>A − B</th><th>exceeds errors</th></tr></thead><tbody></tbody></table>'
            f'<script type="application/json" id="board-data">{script_json(compare_data(board))}</script>')
    return layout("Compare", body, "", built)


def _svg_file(path: str) -> str:
    """A matplotlib SVG without its XML prologue, to inline in a page."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return text[text.index("<svg"):]


def _figure(plot: dict, name: str) -> str:
    return f'<figure>{_svg_file(plot["svg"])}<figcaption><a href="analysis/{name}.png">PNG</a> · <a href="analysis/{name}.svg">SVG</a></figcaption></figure>'


def analysis_page(result: dict | None, reason: str | None, built: str) -> str:
    if result is None:
        return layout("Analysis", f'<p class="warning">{escape(reason or "")}</p>', "", built)
    c, t, n = result["correlations"], result["task"], result["next_benchmark"]
    pairs = "".join(
        f'<tr><td>{escape(p["a"])}</td><td>{escape(p["b"])}</td><td>{p["n"]}</td>'
        + "".join(f'<td class="num">{p[m]["r"]:.3f} [{p[m]["ci95"][0]:.2f}, {p[m]["ci95"][1]:.2f}]</td>' if m in p
                  else f'<td class="missing">{escape(p["reason"])}</td>' for m in ("spearman", "pearson")) + "</tr>" for p in c["pairs"] if p["n"])
    apart = sum(1 for p in c["pairs"] if not p["n"])
    heat = (f'<div class="plots">{"".join(_figure(c["plots"][m], f"correlation-{m}") for m in ("spearman", "pearson"))}</div>'
            if "plots" in c else f"<p>{escape(c['reason'])}</p>")
    tasks = "".join(
        f'<tr><td>{escape(x["task"])}</td><td>{escape(x["against"])}</td><td class="num">{num(x["r"])}</td><td class="num">{num(x["p"], 4)}</td>'
        f'<td class="num">{num(x.get("p_corrected"), 4)}</td><td class="num">{x["n"]}</td><td class="num">{num(x["mean_task_value"])}</td></tr>'
        for x in t["tasks"])
    task_plot = _figure(t["plot"], "brain-vs-task") if "plot" in t else f"<p>{escape(t['reason'])}</p>"
    curve = "".join(f'<tr><td>{x["k"]}</td><td class="num">{num(x["mean_spearman"])}</td><td class="num">{num(x["sd"])}</td><td>{x["comparisons"]}</td></tr>'
                    for x in n["curve"])
    next_plot = _figure(n["plot"], "next-benchmark") if "plot" in n else f"<p>{escape(n['reason'])}</p>"
    body = (f'<p>{len(result["models"])} models. Same numbers as <code>braindock analyze --json</code>.</p>'
            f'<h2 id="correlations">Benchmarks related to one another</h2><p>{escape(c["interval"])}, {c["bootstrap"]} resamples.</p>{heat}'
            f'<table><thead><tr><th>benchmark</th><th>benchmark</th><th>n models</th><th>Spearman [95% CI]</th><th>Pearson [95% CI]</th></tr></thead>'
            f'<tbody>{pairs}</tbody></table><p>{apart} pair(s) share no model (e.g. a vision and a language benchmark) and are left out.</p>'
            f'<h2 id="task">Brain score against task performance</h2>{task_plot}'
            f'<table><thead><tr><th>task</th><th>brain score</th><th>r</th><th>p</th><th>p corrected ({escape(t["correction"])})</th><th>n models</th>'
            f'<th>mean task value</th></tr></thead><tbody>{tasks}</tbody></table>'
            f'<h2 id="next">Benchmark n+1 ({escape(n["domain"])})</h2><p>How well a model\'s mean over k benchmarks predicts its rank on a held-out one '
            f'(mean Spearman over held-out benchmarks and subsets).</p>{next_plot}'
            f'<table><thead><tr><th>k</th><th>mean Spearman</th><th>SD</th><th>comparisons</th></tr></thead><tbody>{curve}</tbody></table>')
    return layout("Analysis", body, "", built)
