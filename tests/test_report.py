from braindock.reporting import leaderboard
from braindock.reporting.plots import plot_leaderboard
from PIL import Image
from test_ledger import make_record


def test_leaderboard_plot_is_a_png(tmp_path):
    rows = leaderboard.rows([make_record("pixels", "it", score=0.1), make_record("alexnet", "v1", score=0.6)])
    path = plot_leaderboard(rows, tmp_path / "board.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 300
