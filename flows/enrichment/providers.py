"""The enrichment providers, read from data/providers.toml and checked on load: a mistake ends
in one sentence naming the file, the line and the field. Secrets are read from the environment
variable a provider names, as SecretStr, and never logged."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from features.json_fields import check_mapping
from features.lookups import JSON_KEYS
from flows.editable_files import NO_FIELD, ConfigError, parse_toml
from flows.enrichment.fetching import HTML_TYPES, JSON_TYPES, Policy

DEFAULT_USER_AGENT = "leadpilot/0.1 (B2B lead enrichment)"


class _Provider(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["registry", "website", "json"]
    enabled: bool = False
    url: str = Field(min_length=1)
    key: Literal["domain", "siren", "company"] = "domain"
    ttl_days: float = Field(30, gt=0)
    concurrency: int = Field(4, ge=1, le=1000)
    rate_per_second: float | None = Field(None, gt=0)
    timeout_seconds: float = Field(10, gt=0, le=300)
    retries: int = Field(3, ge=0, le=10)
    backoff_seconds: float = Field(0.5, ge=0, le=60)
    max_retry_after_seconds: float = Field(120, ge=0)
    max_bytes: int = Field(2_000_000, ge=1024)
    max_redirects: int = Field(3, ge=0, le=3)
    breaker_failures: int = Field(5, ge=1)
    breaker_cooldown_seconds: float = Field(60, ge=0)
    auth_header: str | None = None
    auth_env: str | None = None
    auth_scheme: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> _Provider:
        if (self.auth_header is None) != (self.auth_env is None):
            raise ValueError("auth_header and auth_env go together: the header to send and "
                             "the environment variable that holds its secret value")
        if self.kind == "json":
            if not self.fields:
                raise ValueError("a json provider needs a [fields] table: JSON path = field")
            if "{" + self.key + "}" not in self.url:
                raise ValueError(f"url must contain {{{self.key}}} (the lookup key)")
            problems = check_mapping(self.fields)
            if problems:
                raise ValueError(problems[0])
        elif self.fields:
            raise ValueError(f"fields only apply to json providers, not {self.kind}")
        if self.kind == "website" and "{url}" not in self.url and "{domain}" not in self.url:
            raise ValueError("a website url must contain {url} or {domain}")
        return self


class _Network(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allow: list[str] = Field(default_factory=list)
    user_agent: str = DEFAULT_USER_AGENT


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    network: _Network = Field(default_factory=_Network)
    providers: dict[str, _Provider] = Field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    """One provider, ready to use."""

    name: str
    kind: str
    enabled: bool
    url: str
    key: str
    ttl: timedelta
    policy: Policy
    fields: dict[str, str] = field(default_factory=dict)
    auth_header: str | None = None
    auth_env: str | None = None
    auth_scheme: str | None = None

    def auth_headers(self) -> dict[str, str]:
        """The auth header with its secret from the environment (empty when none is needed).

        Raises:
            LookupError: the environment variable is not set (the message names it).
        """
        if self.auth_header is None or self.auth_env is None:
            return {}
        secret = SecretStr(os.environ.get(self.auth_env, ""))
        if not secret.get_secret_value():
            raise LookupError(f"the environment variable {self.auth_env} is not set")
        value = secret.get_secret_value()
        return {self.auth_header: f"{self.auth_scheme} {value}" if self.auth_scheme else value}


@dataclass(frozen=True)
class Providers:
    """Every provider of the file, in file order (which wins when two know the same fact)."""

    providers: tuple[Provider, ...]
    allow: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT

    @property
    def enabled(self) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers if p.enabled)


def load_providers(path: Path, label: str | None = None) -> Providers:
    """Read and check providers.toml; a missing file means no provider.

    Raises:
        ConfigError: the file is not TOML or a field is wrong (file, line, field, problem).
    """
    label = label or str(path)
    if not Path(path).exists():
        return Providers(())
    text = Path(path).read_text(encoding="utf-8")
    raw = parse_toml(text, label)
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = [str(part) for part in error["loc"] if not str(part).startswith("function-")]
        raise ConfigError(label, _line_of(text, where), ".".join(where) or NO_FIELD,
                          error["msg"].removeprefix("Value error, ")) from None
    providers = tuple(_provider(name, p) for name, p in parsed.providers.items())
    return Providers(providers, tuple(parsed.network.allow), parsed.network.user_agent)


def _provider(name: str, raw: _Provider) -> Provider:
    policy = Policy(
        concurrency=raw.concurrency, rate_per_second=raw.rate_per_second,
        timeout_seconds=raw.timeout_seconds, retries=raw.retries,
        backoff_seconds=raw.backoff_seconds, max_retry_after_seconds=raw.max_retry_after_seconds,
        max_bytes=raw.max_bytes, max_redirects=raw.max_redirects,
        content_types=HTML_TYPES if raw.kind == "website" else JSON_TYPES,
        breaker_failures=raw.breaker_failures,
        breaker_cooldown_seconds=raw.breaker_cooldown_seconds,
    )
    return Provider(name=name, kind=raw.kind, enabled=raw.enabled, url=raw.url,
                    key=raw.key if raw.key in JSON_KEYS else "domain",
                    ttl=timedelta(days=raw.ttl_days), policy=policy, fields=dict(raw.fields),
                    auth_header=raw.auth_header, auth_env=raw.auth_env,
                    auth_scheme=raw.auth_scheme)


def _line_of(text: str, where: list[str]) -> int | None:
    """The line of `providers.<name>.<key>` (or of its table) in the TOML text."""
    if not where:
        return None
    table = ".".join(where[:2]) if where[0] == "providers" else where[0]
    key = where[2] if where[0] == "providers" and len(where) > 2 else (
        where[1] if where[0] != "providers" and len(where) > 1 else None)
    header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
    start = next((i for i, line in enumerate(text.splitlines()) if header.match(line)), None)
    if start is None:
        return None
    lines = text.splitlines()
    if key is not None:
        pattern = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if pattern.match(lines[i]):
                return i + 1
    return start + 1
