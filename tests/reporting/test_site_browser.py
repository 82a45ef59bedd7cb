"""The site in a real headless Chromium, from file:// (no server): every page loads without a console error, every
link resolves, sorting and the domain filter work, compare computes differences, nothing a model says runs."""
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from reporting.boards import LANGUAGE, VISION, image_id
from reporting.test_board import perplexities
from braindock.reporting import board, site

ARTIFACTS = Path(__file__).parent / "artifacts"  # ignored by git; CI keeps it


@pytest.fixture(scope="module")
def site_dir(board_home, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    site.build(board.load(board_home.settings), out, n_boot=100)
    return out


@pytest.fixture
def page(browser):
    """A page that records console errors, uncaught exceptions and dialogs (an alert would be injected script)."""
    context = browser.new_context(viewport={"width": 1500, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda message: tab.problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    tab.on("dialog", lambda dialog: (tab.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield tab
    context.close()


def local(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def column(tab, title: str) -> list[str]:
    """The data-value of each visible row's cell under the header titled `title`, top to bottom."""
    return tab.evaluate("""title => {
        const headers = Array.from(document.querySelectorAll('#leaderboard th'));
        const index = headers.findIndex(th => th.title === title);
        return Array.from(document.querySelectorAll('#leaderboard tbody tr')).filter(r => !r.hidden).map(r => r.cells[index].dataset.value);
    }""", title)


def test_every_page_loads_without_errors_and_every_link_resolves(page, site_dir):
    queue, seen, checked = [(site_dir / "index.html").as_uri()], set(), 0
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        assert page.problems == [], f"{url}: {page.problems}"
        links = page.eval_on_selector_all("a[href], link[href], script[src], img[src]", "els => els.map(e => new URL(e.getAttribute('href') ?? e.getAttribute('src'), document.baseURI).href)")
        for link in links:
            if link.startswith("data:"):
                continue
            assert link.startswith("file://"), f"{url} links outside the site: {link}"
            target = local(link)
            assert target.is_file(), f"{url} links to missing {target}"
            checked += 1
            if target.suffix == ".html":
                queue.append(target.as_uri())
    assert {local(u) for u in seen} == set(site_dir.rglob("*.html"))  # every page is reachable from the leaderboard
    assert checked > 100


def test_clicking_a_column_sorts_rows_missing_last(page, site_dir):
    page.goto((site_dir / "index.html").as_uri())
    title = f"{VISION[1]}@1.0.0"
    before = page.eval_on_selector_all("#leaderboard tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
    page.click(f'#leaderboard th[title="{title}"]')
    values = column(page, title)
    present = [float(v) for v in values if v]
    assert present == sorted(present, reverse=True) and values[len(present):] == [""] * (len(values) - len(present))
    assert page.eval_on_selector_all("#leaderboard tbody tr", "rows => rows.map(r => r.cells[0].innerText)") != before
    page.click(f'#leaderboard th[title="{title}"]')
    values = column(page, title)
    present = [float(v) for v in values if v]
    assert present == sorted(present) and values[-1] == ""
    page.click("#leaderboard th >> text=model")
    names = page.eval_on_selector_all("#leaderboard tbody tr", "rows => rows.map(r => r.cells[0].dataset.value)")
    assert names == sorted(names)
    assert page.problems == []


def test_a_lower_is_better_column_sorts_lowest_first(page, home, tmp_path):
    scored = perplexities(home)
    site.build(board.load(home.settings), tmp_path / "site", n_boot=10)
    page.goto((tmp_path / "site" / "index.html").as_uri())
    title = "sim.NextWord-perplexity@1.0.0"
    assert "lower is better" in page.inner_text(f'#leaderboard th[title="{title}"]')
    header = f'#leaderboard th[title="{title}"]'
    page.click(header, position={"x": 2, "y": 2})  # the header's corner, not its link to the benchmark page
    assert [float(v) for v in column(page, title)] == sorted(scored.values())  # best (lowest) first
    page.click(header, position={"x": 2, "y": 2})
    assert [float(v) for v in column(page, title)] == sorted(scored.values(), reverse=True)
    assert page.problems == []


def test_domain_filter_shows_only_that_domain(page, site_dir):
    page.goto((site_dir / "index.html").as_uri())
    page.select_option("#domain-filter", "language")
    shown = page.eval_on_selector_all("#leaderboard tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].dataset.value)")
    assert sorted(shown) == ["lm-large", "lm-small"]
    assert not page.is_visible(f'#leaderboard th[title="{VISION[0]}@1.0.0"]')
    assert page.is_visible(f'#leaderboard th[title="{LANGUAGE[0]}@1.0.0"]')
    page.select_option("#domain-filter", "all")
    assert page.eval_on_selector_all("#leaderboard tbody tr:not([hidden])", "rows => rows.length") == 11


def test_scores_show_errors_on_hover_and_conflicts_apart(page, site_dir, board_home):
    page.goto((site_dir / "index.html").as_uri())
    conflicting = page.eval_on_selector_all("#leaderboard tbody tr.conflict", "rows => rows.map(r => r.cells[2].innerText)")
    assert sorted(conflicting) == sorted([image_id("model-a")[7:19], image_id("impostor")[7:19]])
    cell = page.locator("#leaderboard tbody tr.conflict", has_text=image_id("impostor")[7:19]).locator('td[title^="score"]')
    score, error = board_home.scores[(f"model-a@1.0.0 [{image_id('impostor')[7:19]}]", VISION[-1])]
    assert f"score {score:.4f} ± {error:.4f}" in cell.get_attribute("title") and "ceiling" in cell.get_attribute("title")
    assert page.locator("#leaderboard tbody td.missing").count() > 0
    assert page.locator("#leaderboard th .badge.sim").count() == len(VISION) + len(LANGUAGE) + 1  # the task too
    assert page.locator("#leaderboard th .badge.eng").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "leaderboard.png"), full_page=True)
    assert (ARTIFACTS / "leaderboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_form_shows_differences_and_whether_they_exceed_the_errors(page, site_dir, board_home):
    page.goto((site_dir / "compare.html").as_uri())
    page.select_option("#model-a", "model-b@1.0.0")
    page.select_option("#model-b", "model-h@1.0.0")
    page.click("#compare-form button")
    rows = page.eval_on_selector_all("#comparison tbody tr", "rows => rows.map(r => [r.dataset.benchmark, ...Array.from(r.cells).map(c => c.innerText)])")
    assert {r[0] for r in rows} == set(VISION) | {"sim.objects.accuracy"}
    for benchmark, _, _, _, difference, exceeds in rows:
        (a, ea), (b, eb) = board_home.scores[("model-b@1.0.0", benchmark)], board_home.scores[("model-h@1.0.0", benchmark)]
        assert difference == f"{a - b:.3f}" and exceeds == ("yes" if abs(a - b) > ea + eb else "no")
    assert page.problems == []


def test_compare_takes_its_models_from_the_address(page, site_dir):
    page.goto((site_dir / "compare.html").as_uri() + "?a=lm-small%401.0.0&b=lm-large%401.0.0")
    assert page.eval_on_selector_all("#comparison tbody tr", "rows => rows.map(r => r.cells[3].innerText)") == [f"{0.31 - 0.52:.3f}"]


def test_what_a_model_says_about_itself_is_shown_not_run(page, site_dir):
    found = next(site_dir.glob(f"models/model-a_1.0.0-{image_id('impostor')[7:19]}.html"))
    page.goto(found.as_uri())
    assert "<script>window.hacked = 1</script>" in page.inner_text("table.facts")
    assert page.evaluate("window.hacked") is None and page.problems == []
    assert "Conflict" in page.inner_text("main")


def test_benchmark_page_shows_citation_generative_model_and_distribution(page, site_dir, board_home):
    page.goto(next(site_dir.glob("benchmarks/sim.MajajHong2015.IT-pls*.html")).as_uri())
    text = page.inner_text("main")
    assert "Simulated after Majaj et al. (2015)" in text and '"rank": 16' in text and "neural_predictivity" in text
    scored = [k for k, b in board_home.scores if b == VISION[-1]]
    assert page.locator("figure svg circle").count() == len(scored)
