"""A curator's round trip through the command line: a raw Brain-Score file, the hints followed literally (the
printed template saved as meta.yaml, the printed command run), `validate` exit 0, `ingest` stores it. Also the
grouped report: the first 10 of a repeated problem, the count, --all, --json complete, rows in numeric order."""
import json
import re
import shlex
import shutil

from braindock.cli import main
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio

from .builders import event_assembly

pytestmark = needs_brainio
TEMPLATE_HEADER = "Still missing metadata. Save this as meta.yaml, fill it in, and re-run with --metadata meta.yaml:"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    return code, capsys.readouterr()


def template_of(output: str) -> str:
    """The YAML the import printed under its 'Still missing metadata' line, as a curator would copy it."""
    after = output.split(TEMPLATE_HEADER, 1)[1].splitlines()[1:]
    return "\n".join(line for line in after if not line.startswith("nothing written")) + "\n"


def follow(capsys, tmp_path, import_argv, out):
    """import (exit 1, nothing written, a template) -> template saved literally -> re-import (exit 0)."""
    code, printed = run(capsys, *import_argv, "--out", out)
    assert code == 1 and not out.exists(), printed.out
    (tmp_path / "meta.yaml").write_text(template_of(printed.out))
    code, printed = run(capsys, *import_argv, "--out", out, "--metadata", tmp_path / "meta.yaml")
    assert code == 0, printed.out + printed.err
    assert run(capsys, "validate", out)[0] == 0


def ingested(capsys, tmp_path, out) -> list[str]:
    home = tmp_path / "home"
    code, printed = run(capsys, "--home", home, "ingest", "--json", out)
    assert code == 0, printed.out + printed.err
    code, printed = run(capsys, "--home", home, "datasets", "--json")
    return [d["digest"] for d in json.loads(printed.out)]


def test_a_renamed_brainio_csv_round_trips_to_the_store(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "ten-images", raw)
    for path in [raw, *raw.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    csv = raw / "image_lab_objects.csv"
    csv.write_text((raw / "image_test_ten_images.csv").read_text().replace("stimulus_id,filename", "image_id,stimulus_paths", 1))
    code, printed = run(capsys, "validate", csv)
    assert code == 1 and "`braindock import brainio` does this for you" in printed.out
    follow(capsys, tmp_path, ["import", "brainio", csv], tmp_path / "objects")
    document = json.loads((tmp_path / "objects" / "stimulus_set.json").read_text())
    assert document["identifier"] == "lab_objects" and document["visual_degrees"] == 8 and len(document["stimuli"]) == 10
    assert len(ingested(capsys, tmp_path, tmp_path / "objects")) == 1


def test_a_brainio_assembly_round_trips_to_the_store(tmp_path, capsys):
    shutil.copyfile(FIXTURES / "assy_test_TestMe.nc", tmp_path / "assy_lab_TestMe.nc")
    follow(capsys, tmp_path, ["import", "brainio", tmp_path / "assy_lab_TestMe.nc"], tmp_path / "testme.nc")
    assert len(ingested(capsys, tmp_path, tmp_path / "testme.nc")) == 1


def test_a_spike_time_assembly_round_trips_by_the_printed_command(tmp_path, capsys, monkeypatch):
    event_assembly(tmp_path / "assy_spikes.nc")
    code, printed = run(capsys, "validate", tmp_path / "assy_spikes.nc")
    assert code == 1
    command = re.search(r"`(braindock import brainio [^`]+)`", printed.out).group(1)
    argv = shlex.split(command)[1:]
    out = tmp_path / argv[argv.index("--out") + 1]
    del argv[argv.index("--out"):argv.index("--out") + 2]
    monkeypatch.chdir(tmp_path)  # the command names the file as the curator sees it, next to it
    follow(capsys, tmp_path, argv, out)
    assert len(ingested(capsys, tmp_path, out)) == 1


def test_import_refuses_an_existing_output_unless_forced(tmp_path, capsys):
    meta = tmp_path / "meta.yaml"
    meta.write_text("attrs: {license: MIT, citation: brainio, visual_degrees: 8}\n")
    csv = FIXTURES / "ten-images" / "image_test_ten_images.csv"
    assert run(capsys, "import", "brainio", csv, "--out", tmp_path / "o", "--metadata", meta)[0] == 0
    code, printed = run(capsys, "import", "brainio", csv, "--out", tmp_path / "o", "--metadata", meta)
    assert code == 2 and "OUTPUT_EXISTS" in printed.err and "--force" in printed.err
    assert run(capsys, "import", "brainio", csv, "--out", tmp_path / "o", "--metadata", meta, "--force")[0] == 0
    assert not list(tmp_path.glob(".o.*"))  # no staging left behind


def test_many_missing_images_are_grouped_sorted_by_number_and_complete_in_json(tmp_path, capsys):
    rows = "".join(f"s{i},img/s{i}.png\n" for i in range(1000))
    csv = tmp_path / "stimuli.csv"
    csv.write_text("stimulus_id,filename\n" + rows)
    code, printed = run(capsys, "validate", csv)
    lines = printed.out.splitlines()
    shown = [line for line in lines if "FILE_NOT_FOUND" in line and ":column filename" in line]
    assert code == 1 and len(shown) == 10
    assert [int(re.search(r"row (\d+):", line).group(1)) for line in shown] == list(range(2, 12))
    assert any("... and 990 more FILE_NOT_FOUND (1,000 in all" in line for line in lines)
    assert "FILE_NOT_FOUND × 1,000" in lines[-1] and len(lines) < 100
    assert "looked for 's0.png'" not in printed.out and "looked for 'img/s0.png' at" in printed.out
    code, printed = run(capsys, "validate", "--all", csv)
    assert sum("FILE_NOT_FOUND" in line and ":column filename" in line for line in printed.out.splitlines()) == 1000
    code, printed = run(capsys, "validate", "--json", csv)
    found = [p["where"] for p in json.loads(printed.out)["problems"] if p["code"] == "FILE_NOT_FOUND"]
    assert [int(re.search(r"row (\d+):", w).group(1)) for w in found] == list(range(2, 1002))  # 100 after 99, not after 10
