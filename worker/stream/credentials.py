"""How the worker authenticates to a real cluster: one reading of the security settings, given
to faust as `broker_credentials` and to plain aiokafka clients (admin, replay, redrive) as
keyword arguments, so every client of one deployment speaks to the brokers the same way."""

import ssl
from typing import Any

from faust.auth import Credentials, SASLCredentials, SSLCredentials

from worker.settings import SASL_PROTOCOLS, TLS_PROTOCOLS, Settings


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying client context (system CAs unless `ssl_cafile`), with a client certificate
    for mutual TLS when `ssl_certfile` is set; None when the protocol has no TLS."""
    if settings.security_protocol not in TLS_PROTOCOLS:
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile)
    if settings.ssl_certfile is not None:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    return context


def broker_credentials(settings: Settings) -> Credentials | None:
    """The value for `faust.App(broker_credentials=...)`; None keeps faust's PLAINTEXT."""
    context = tls_context(settings)
    if settings.security_protocol in SASL_PROTOCOLS:
        # faust derives SASL_SSL from the presence of a TLS context, SASL_PLAINTEXT otherwise.
        return SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            ssl_context=context,
            mechanism=settings.sasl_mechanism,
        )
    if context is not None:
        return SSLCredentials(context)
    return None


def client_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient:
    the bootstrap servers and the same security faust uses."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    context = tls_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.security_protocol in SASL_PROTOCOLS:
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password
    return options
