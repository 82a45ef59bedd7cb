import pytest
from braindock.config import load_settings
from braindock.errors import UsageError


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINDOCK_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.home == tmp_path.resolve()
    assert settings.ledger_path == tmp_path.resolve() / "ledger.sqlite"


def test_config_yaml_overrides_limits(tmp_path):
    (tmp_path / "config.yaml").write_text("limits:\n  memory: 8g\n  timeout_s: 60\n")
    settings = load_settings(tmp_path)
    assert settings.limits.memory == "8g" and settings.limits.timeout_s == 60
    assert settings.limits.network == "none"


def test_unknown_setting_is_named(tmp_path):
    (tmp_path / "config.yaml").write_text("limits:\n  memroy: 8g\nengien: docker\n")
    with pytest.raises(UsageError) as caught:
        load_settings(tmp_path)
    wheres = sorted(p.where.split("#")[1] for p in caught.value.problems)
    assert wheres == ["/engien", "/limits/memroy"]
