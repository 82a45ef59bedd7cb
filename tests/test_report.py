import matplotlib.axes
from braindock.reporting import leaderboard
from braindock.reporting.plots import plot_leaderboard
from PIL import Image
from test_ledger import make_record


def test_leaderboard_plot_is_a_png(tmp_path):
    rows = leaderboard.rows([make_record("pixels", "it", score=0.1), make_record("alexnet", "v1", score=0.6)])
    path = plot_leaderboard(rows, tmp_path / "board.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 300


def test_two_images_claiming_one_name_get_two_bars(tmp_path, monkeypatch):
    impostor = make_record("pixels", "it", score=0.9)
    impostor.inputs["model"]["image_id"] = "sha256:" + "f" * 64
    rows = leaderboard.rows([make_record("pixels", "it", score=0.1), impostor])
    assert len(rows) == 2 and leaderboard.conflicts(rows) == {"pixels@1.0.0": ["sha256:" + "a" * 64, "sha256:" + "f" * 64]}
    models, _, scores = leaderboard.matrix(rows)
    assert models == ["pixels@1.0.0 [aaaaaaaaaaaa]", "pixels@1.0.0 [ffffffffffff]"]
    assert [scores[(m, "it")] for m in models] == [0.1, 0.9]
    plotted = []
    original = matplotlib.axes.Axes.bar

    def bar(self, xs, ys, *args, **kwargs):  # what each bar series shows, then drawn as usual
        plotted.append((kwargs["label"], list(ys)))
        return original(self, xs, ys, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "bar", bar)
    plot_leaderboard(rows, tmp_path / "board.png")
    assert plotted == [("pixels@1.0.0 [aaaaaaaaaaaa]", [0.1]), ("pixels@1.0.0 [ffffffffffff]", [0.9])]
