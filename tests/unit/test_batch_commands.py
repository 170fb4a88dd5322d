"""The batch commands' flags: mistakes are reported before anything touches a broker."""

import pytest

from worker.cli import main


@pytest.fixture(autouse=True)
def no_broker_in_env(monkeypatch) -> None:
    monkeypatch.delenv("ARTICLE_WORKER_BROKER", raising=False)
    monkeypatch.delenv("ARTICLE_WORKER_CONFIG", raising=False)


@pytest.mark.parametrize("command", ["replay --from-beginning", "redrive", "dump --topic x"])
def test_batch_commands_need_a_broker(command: str, capsys) -> None:
    assert main(command.split()) == 2
    assert "--broker kafka://HOST:PORT is required" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--from-offsets", "0=12"], "is not PARTITION:OFFSET"),
        (["--from-timestamp", "last tuesday"], "neither an ISO 8601"),
        (["--from-beginning", "--until-offsets", "0:1,0:2"], "given twice"),
    ],
)
def test_a_bad_range_is_refused_before_connecting(flags: list[str], message: str, capsys) -> None:
    # Port 9 (discard) on loopback: nothing listens, so a connection attempt would fail loudly.
    assert main(["replay", "--broker", "kafka://127.0.0.1:9", *flags]) == 2
    assert message in capsys.readouterr().err


def test_a_replay_has_exactly_one_start() -> None:
    with pytest.raises(SystemExit):
        main(
            [
                "replay",
                "--broker",
                "kafka://127.0.0.1:9",
                "--from-beginning",
                "--from-offsets",
                "0:1",
            ]
        )
    with pytest.raises(SystemExit):
        main(["replay", "--broker", "kafka://127.0.0.1:9"])
