"""validate / import / ingest / datasets through the command line: exit statuses and JSON output."""
import json
import shutil

import yaml
from braindock.cli import main
from conftest import BRAINIO_FIXTURES as FIXTURES
from conftest import needs_brainio

from .builders import write_export, write_images


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr()


def test_validate_exit_statuses_and_json(tmp_path, capsys):
    write_images(tmp_path, ["a"])
    (tmp_path / "good.csv").write_text("stimulus_id,filename\na,a.png\n")
    (tmp_path / "bad.csv").write_text("stimulus_id,filename\na,a.png\na,b.png\n")
    meta = tmp_path / "meta.yaml"
    meta.write_text("attrs: {license: MIT, citation: Doe 2024, visual_degrees: 8}\n")
    assert run(capsys, "validate", str(tmp_path / "good.csv"))[0] == 1  # no licence or citation yet
    assert run(capsys, "validate", "--metadata", str(meta), str(tmp_path / "good.csv"))[0] == 0
    code, out = run(capsys, "validate", "--json", "--metadata", str(meta), str(tmp_path / "bad.csv"))
    assert code == 1
    report = json.loads(out.out)
    assert sorted(p["code"] for p in report["problems"]) == ["DUPLICATE_STIMULUS_ID", "FILE_NOT_FOUND"]
    code, out = run(capsys, "validate", str(tmp_path / "bad.csv"))
    assert code == 1 and "DUPLICATE_STIMULUS_ID" in out.out and "fix:" in out.out
    assert run(capsys, "validate", str(tmp_path / "missing.csv"))[0] == 2
    config = tmp_path / "sev.yaml"
    config.write_text("warning: [DUPLICATE_STIMULUS_ID, FILE_NOT_FOUND]\n")
    assert run(capsys, "validate", "--config", str(config), "--metadata", str(meta), str(tmp_path / "bad.csv"))[0] == 0


@needs_brainio
def test_import_prints_the_missing_metadata_template_then_validates(tmp_path, capsys):
    shutil.copy(FIXTURES / "assy_test_package_assembly.nc", tmp_path / "assy_x.nc")
    code, out = run(capsys, "import", "brainio", str(tmp_path / "assy_x.nc"), "--out", str(tmp_path / "x.nc"))
    assert code == 1 and not (tmp_path / "x.nc").exists()  # nothing written unless valid
    assert "Still missing metadata" in out.out and "region: IT" in out.out and "species: Macaca mulatta" in out.out
    meta = tmp_path / "meta.yaml"
    meta.write_text(yaml.safe_dump({"attrs": {"species": "Macaca mulatta", "method": "array", "units": "spikes/s",
                                              "license": "MIT", "citation": "brainio"},
                                    "neuroid": {"region": "V4", "subject": "m"}}))
    code, out = run(capsys, "import", "brainio", str(tmp_path / "assy_x.nc"), "--out", str(tmp_path / "y.nc"), "--metadata", str(meta))
    assert code == 0, out.out


def test_ingest_then_datasets(tmp_path, capsys):
    export = write_export(tmp_path / "export")
    home = tmp_path / "home"
    code, out = run(capsys, "--home", str(home), "ingest", "--json", str(export))
    assert code == 0
    digest = json.loads(out.out)["digest"]
    code, out = run(capsys, "--home", str(home), "ingest", "--json", str(export))
    assert json.loads(out.out)["digest"] == digest
    code, out = run(capsys, "--home", str(home), "datasets", "--json")
    listed = json.loads(out.out)
    assert [(d["identifier"], d["digest"], d["kind"]) for d in listed] == [("Test.IT-pls", digest, "export")]
    assert listed[0]["bytes"] > 0
    code, out = run(capsys, "--home", str(home), "datasets")
    assert code == 0 and "Test.IT-pls" in out.out


def test_the_kinds_the_parser_offers_are_the_validators():
    from braindock.commands import validate
    from braindock.curation.validation import KINDS

    assert validate.KINDS == KINDS  # kept apart so that building the parser imports no checker


def test_the_parser_lists_every_command_without_importing_them():
    import subprocess
    import sys

    from braindock import cli

    full = cli.build_parser()
    choices = next(a for a in full._actions if a.dest == "command").choices
    assert list(choices) == [cli.declared(name)[0] for name in cli.COMMAND_MODULES]
    code = ("import sys; from braindock.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('braindock.commands.') or m in ('numpy', 'xarray')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()[-1]
    assert loaded == "[]"
    code = code.replace("['--help']", "['validate', '--help']")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()[-1]
    assert loaded == "['braindock.commands.validate']"
