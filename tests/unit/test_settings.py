from dataclasses import replace
from pathlib import Path

import pytest

from worker.cli import main
from worker.settings import (
    SECRET_MASK,
    Settings,
    SettingsError,
    load_settings,
    render_config,
    resolve_settings,
)


def test_defaults_are_safe() -> None:
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.web_host == "127.0.0.1"
    assert settings.broker is None


def test_flags_override_environment_which_overrides_defaults() -> None:
    environ = {
        "ARTICLE_WORKER_BROKER": "kafka://env-host:9092",
        "ARTICLE_WORKER_PARTITIONS": "8",
        "ARTICLE_WORKER_RAW_TOPIC": "crawl.raw",
    }
    settings = load_settings({"broker": "kafka://flag-host:9093", "partitions": None}, environ)
    assert settings.broker == "kafka://flag-host:9093"
    assert settings.partitions == 8
    assert settings.raw_topic == "crawl.raw"
    assert settings.bootstrap_servers == "flag-host:9093"


@pytest.mark.parametrize(
    ("overrides", "environ", "complaint"),
    [
        ({}, {"ARTICLE_WORKER_PARTITIONS": "many"}, "ARTICLE_WORKER_PARTITIONS"),
        ({"broker": "localhost"}, {}, "kafka://HOST:PORT"),
        ({"partitions": 0}, {}, "partitions"),
        ({"web_port": 70000}, {}, "web_port"),
        ({"language_backend": "cld3"}, {}, "language_backend"),
        ({"enriched_topic": "articles.raw"}, {}, "distinct"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_reason(overrides, environ, complaint) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings(overrides, environ)


def write_config(directory: Path, text: str) -> str:
    path = directory / "article-worker.toml"
    path.write_text(text)
    return str(path)


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        'raw_topic = "file.raw"\ngroup = "file-group"\npartitions = 6\nsession_timeout_s = 30\n'
        "route_by_language = true\n",
    )
    environ = {"ARTICLE_WORKER_GROUP": "env-group", "ARTICLE_WORKER_PARTITIONS": "8"}
    settings, origins = resolve_settings({"partitions": 12}, environ, config)
    assert settings.raw_topic == "file.raw"
    assert settings.group == "env-group"
    assert settings.partitions == 12
    assert settings.session_timeout_s == 30.0
    assert settings.route_by_language is True
    assert origins == {
        "raw_topic": f"file {config}",
        "group": "env ARTICLE_WORKER_GROUP",
        "partitions": "flag --partitions",
        "session_timeout_s": f"file {config}",
        "route_by_language": f"file {config}",
    }


def test_config_path_from_environment_unless_a_flag_names_one(tmp_path: Path) -> None:
    from_env = write_config(tmp_path, 'group = "from-env-file"\n')
    (tmp_path / "flag").mkdir()
    from_flag = write_config(tmp_path / "flag", 'group = "from-flag-file"\n')
    environ = {"ARTICLE_WORKER_CONFIG": from_env}
    assert load_settings(environ=environ).group == "from-env-file"
    assert load_settings(environ=environ, config_path=from_flag).group == "from-flag-file"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("partitions = 'eight'\n", "partitions must be an integer, not 'eight'"),
        ("web_port = 6066.5\n", "web_port must be an integer"),
        ("broker = 9092\n", "broker must be a string"),
        ("route_by_language = 'yes'\n", "route_by_language must be true or false"),
        ("partition = 4\n", "unknown setting 'partition'"),
        ("[kafka]\nbroker = 'kafka://k:9092'\n", "unknown setting 'kafka'"),
        ("group = \n", "not valid TOML"),
    ],
)
def test_bad_config_files_are_refused_naming_the_file(tmp_path: Path, text, complaint) -> None:
    config = write_config(tmp_path, text)
    with pytest.raises(SettingsError, match=complaint) as refused:
        load_settings(environ={}, config_path=config)
    assert config in str(refused.value)


def test_a_missing_config_file_is_an_error_not_a_silent_default(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such file"):
        load_settings(environ={"ARTICLE_WORKER_CONFIG": str(tmp_path / "absent.toml")})


SASL = {
    "broker": "kafka://kafka-1:9096",
    "security_protocol": "SASL_SSL",
    "sasl_mechanism": "SCRAM-SHA-512",
    "sasl_username": "article-worker",
}


def test_sasl_settings_from_flags_with_the_password_from_the_environment() -> None:
    settings = load_settings(SASL, {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret"})
    assert settings.security_protocol == "SASL_SSL"
    assert settings.sasl_mechanism == "SCRAM-SHA-512"
    assert settings.sasl_password == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({**SASL, "security_protocol": "SASL"}, "security_protocol must be one of"),
        ({**SASL, "sasl_mechanism": "GSSAPI"}, "sasl_mechanism must be one of"),
        (SASL, "needs sasl_password"),
        ({**SASL, "sasl_username": None}, "needs sasl_username and sasl_password"),
        ({**SASL, "broker": None}, "embedded one speaks PLAINTEXT only"),
        ({**SASL, "security_protocol": "PLAINTEXT"}, "security_protocol is PLAINTEXT"),
        (
            {"broker": "kafka://k:9092", "ssl_cafile": "/etc/ssl/ca.pem"},
            "ssl_cafile set but security_protocol PLAINTEXT has no TLS",
        ),
        (
            {"broker": "kafka://k:9093", "security_protocol": "SSL", "ssl_cafile": "/absent.pem"},
            "ssl_cafile /absent.pem: no such file",
        ),
        (
            {"broker": "kafka://k:9093", "security_protocol": "SSL", "ssl_keyfile": __file__},
            "ssl_keyfile needs ssl_certfile",
        ),
    ],
)
def test_security_settings_that_cannot_work_are_refused(overrides, complaint) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings(overrides, {})


def test_effective_config_masks_the_secret_and_reloads_as_a_config_file(tmp_path: Path) -> None:
    environ = {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret", "ARTICLE_WORKER_RAW_TOPIC": "crawl.raw"}
    settings, origins = resolve_settings(SASL, environ)
    printed = render_config(settings, origins)
    assert "s3cret" not in printed
    assert f'sasl_password = "{SECRET_MASK}"  # env ARTICLE_WORKER_SASL_PASSWORD' in printed
    assert 'raw_topic = "crawl.raw"  # env ARTICLE_WORKER_RAW_TOPIC' in printed
    assert "web_port = 6066  # default" in printed
    assert "# ssl_cafile is unset (default)" in printed
    reloaded = load_settings(environ={}, config_path=write_config(tmp_path, printed))
    assert reloaded == replace(settings, sasl_password=SECRET_MASK)


def test_config_command_prints_what_the_worker_would_use(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("ARTICLE_WORKER_SASL_PASSWORD", "s3cret")
    config = write_config(tmp_path, 'broker = "kafka://file-host:9092"\nsasl_username = "w"\n')
    status = main(["config", "--config", config, "--security-protocol", "SASL_PLAINTEXT"])
    printed = capsys.readouterr().out
    assert status == 0
    assert f'broker = "kafka://file-host:9092"  # file {config}' in printed
    assert 'security_protocol = "SASL_PLAINTEXT"  # flag --security-protocol' in printed
    assert "s3cret" not in printed


def test_config_command_exits_2_with_the_reason(tmp_path: Path, capsys) -> None:
    status = main(["config", "--config", write_config(tmp_path, "partitions = -1\n")])
    assert status == 2
    assert "partitions must be at least 1" in capsys.readouterr().err
