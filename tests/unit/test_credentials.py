import shutil
import ssl
import subprocess

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faust.auth import SASLCredentials, SSLCredentials
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from worker.settings import load_settings
from worker.stream.app import build_app
from worker.stream.credentials import broker_credentials, client_options

BROKER = "kafka://kafka-1:9093,kafka-2:9093"
CLIENT_CN = "article-worker-test"


@pytest.fixture(scope="module")
def client_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate and its key, standing in for both the CA and the client."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            f"/CN={CLIENT_CN}",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_plaintext_needs_no_credentials() -> None:
    settings = load_settings({"broker": BROKER}, {})
    assert broker_credentials(settings) is None
    assert client_options(settings) == {
        "bootstrap_servers": "kafka-1:9093,kafka-2:9093",
        "security_protocol": "PLAINTEXT",
    }


def test_sasl_plaintext_scram_reaches_aiokafka_as_faust_passes_it() -> None:
    settings = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-256",
            "sasl_username": "worker",
        },
        {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret"},
    )
    credentials = broker_credentials(settings)
    assert isinstance(credentials, SASLCredentials)
    from_faust = credentials_to_aiokafka_auth(credentials)
    assert from_faust == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "worker",
        "sasl_plain_password": "s3cret",
        "ssl_context": None,
    }
    options = client_options(settings)
    assert {name: options[name] for name in from_faust if name != "ssl_context"} == {
        name: value for name, value in from_faust.items() if name != "ssl_context"
    }
    assert "ssl_context" not in options


def test_sasl_ssl_verifies_the_brokers_against_the_given_ca(client_certificate) -> None:
    cert, _ = client_certificate
    settings = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_username": "worker",
            "ssl_cafile": cert,
        },
        {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret"},
    )
    auth = credentials_to_aiokafka_auth(broker_credentials(settings))
    assert auth["security_protocol"] == "SASL_SSL"
    assert auth["sasl_mechanism"] == "SCRAM-SHA-512"
    context = auth["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert [dict(entry[0] for entry in ca["subject"]) for ca in context.get_ca_certs()] == [
        {"commonName": CLIENT_CN}
    ]
    assert client_options(settings)["security_protocol"] == "SASL_SSL"


def test_mutual_tls_loads_the_client_certificate(client_certificate) -> None:
    cert, key = client_certificate
    settings = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SSL",
            "ssl_cafile": cert,
            "ssl_certfile": cert,
            "ssl_keyfile": key,
        },
        {},
    )
    credentials = broker_credentials(settings)
    assert isinstance(credentials, SSLCredentials)
    assert credentials_to_aiokafka_auth(credentials)["security_protocol"] == "SSL"
    wrong_key = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SSL",
            "ssl_certfile": cert,
            "ssl_keyfile": cert,
        },
        {},
    )
    with pytest.raises(ssl.SSLError):
        broker_credentials(wrong_key)


async def test_client_options_are_accepted_by_every_aiokafka_client(client_certificate) -> None:
    cert, key = client_certificate
    settings = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "PLAIN",
            "sasl_username": "worker",
            "ssl_certfile": cert,
            "ssl_keyfile": key,
        },
        {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret"},
    )
    options = client_options(settings)
    producer = AIOKafkaProducer(**options)
    consumer = AIOKafkaConsumer("articles.raw", group_id=None, **options)
    admin = AIOKafkaAdminClient(**options)
    assert producer.client._security_protocol == "SASL_SSL"
    assert consumer._client._sasl_plain_password == "s3cret"
    assert admin._client._ssl_context is options["ssl_context"]
    await consumer.stop()
    await producer.stop()
    await admin.close()


def test_the_faust_app_is_built_with_the_credentials() -> None:
    settings = load_settings(
        {
            "broker": BROKER,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_username": "worker",
        },
        {"ARTICLE_WORKER_SASL_PASSWORD": "s3cret"},
    )
    credentials = build_app(settings).conf.broker_credentials
    assert isinstance(credentials, SASLCredentials)
    assert credentials.username == "worker"
    assert credentials.mechanism.value == "SCRAM-SHA-512"
