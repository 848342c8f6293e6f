"""Signing and checking council-to-council messages with Ed25519 (the ``cryptography`` library).

No cryptography is written here: keys, signatures and their checks are the library's. This module
only decides where this council's key lives and how keys are written down for administrators.

This council's private key is a PEM file (settings.TRANSFERS_SIGNING_KEY_FILE, default
``var/keys/transfers-ed25519.pem``), created by ``manage.py transfers_key`` with permissions 0600;
it never enters the database. A partner's public key is the 32 raw bytes in base64, as the
partner's administrator page shows it; the administrator pastes it into the partner's record.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class KeyMissing(Exception):
    """This council has no signing key yet; ``str()`` says how to make one."""


def key_file() -> Path:
    return Path(settings.TRANSFERS_SIGNING_KEY_FILE)


def signing_key_create(path: Path | None = None) -> tuple[Path, bool]:
    """Create this council's private key if there is none. Returns (path, whether it was created).

    An existing key is never replaced: partners hold its public half.
    """
    path = path or key_file()
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # O_EXCL: two processes starting at once cannot both write a key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return path, True


def signing_key(path: Path | None = None) -> Ed25519PrivateKey:
    """This council's private key (from ``path``, default the settings' key file)."""
    path = path or key_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        msg = f"This council has no signing key at {path}. An administrator runs: manage.py transfers_key"
        raise KeyMissing(msg) from None
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        msg = f"{path} does not hold an Ed25519 private key"
        raise KeyMissing(msg)
    return key


def public_key_text(key: Ed25519PrivateKey | None = None) -> str:
    """This council's public key, base64 of its 32 raw bytes, for the partner's administrator."""
    raw = (
        (key or signing_key())
        .public_key()
        .public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode("ascii")


def public_key_parse(text: str) -> Ed25519PublicKey:
    """A partner's public key from its base64 text; ValueError with a sentence when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        msg = "The public key must be the base64 text the other council's Roll Call shows"
        raise ValueError(msg) from None
    if len(raw) != 32:
        msg = "The public key must be 32 bytes (44 characters of base64)"
        raise ValueError(msg)
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(body: bytes) -> str:
    """The signature of exactly these bytes, in base64."""
    return base64.b64encode(signing_key().sign(body)).decode("ascii")


def signature_valid(*, body: bytes, signature: str, public_key: str) -> bool:
    """Whether ``signature`` (base64) is the partner's signature of exactly ``body``."""
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
        public_key_parse(public_key).verify(raw, body)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True
