import pytest

from worker.settings import Settings, SettingsError, load_settings


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
