"""Typed helpers that read settings from the environment and fail loudly on a bad value.

A council's operator sets Roll Call up with environment variables only. A typo in one of them
must stop the process at start-up with a message naming the variable, never fall back silently.
"""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable's value, or ``default``; with no default the variable is required."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Return a yes/no variable; anything but true/false/yes/no/on/off/1/0 is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return a whole-number variable, checked against an optional minimum."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_cache(name: str) -> dict[str, object]:
    """Django's cache settings from a URL in the variable ``name``.

    Unset: each process's own memory (``make run``, the tests). ``redis://host:port/db`` (or
    ``rediss://`` for TLS, with ``user:password@`` if the server asks for them): a Redis server
    that every web process and worker shares. ``file:///an/absolute/folder``: files in a folder
    that every process on one machine shares. Anything else stops the process at start-up.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if scheme == "file":
        folder = raw[len("file://") :]
        if not folder.startswith("/"):
            raise ImproperlyConfigured(
                f"{name} must name an absolute folder, like file:///var/cache/rollcall."
            )
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": folder}
    raise ImproperlyConfigured(
        f"{name} must be a redis://, rediss:// or file:/// address, not one starting {raw.split(':', 1)[0]!r}."
    )
