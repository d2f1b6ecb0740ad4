"""TOML -> validated, typed settings. Every default lives here; unknown keys are errors.

Values of the form ``${NAME}`` come from the environment, or from the systemd credential file
``$CREDENTIALS_DIRECTORY/NAME`` when the variable is unset. Errors name the file and the key.
"""
from __future__ import annotations

import os
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .errors import ConfigError

DEFAULT_USER_AGENT = "watcher/0.1 (+https://github.com/watcher)"
EDGAR_KINDS = ("edgar-filings", "edgar-search")
# The contact the shipped config.toml carries: no EDGAR source may run under it.
PLACEHOLDER = "ops@example.com"
PLACEHOLDER_CONTACT = re.compile(r"(?<![\w.+-])" + re.escape(PLACEHOLDER))
DEFAULT_EDGAR_URLS = {
    "edgar-filings": "https://data.sec.gov/submissions/CIK{cik}.json",
    "edgar-search": "https://efts.sec.gov/LATEST/search-index",
}
DEFAULT_ARCHIVE_URL = "https://www.sec.gov/Archives/edgar/data"
MIN_EVERY = 10.0  # seconds: no source is polled more often

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.I)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def parse_duration(value: Any) -> float:
    """'15m' -> 900.0; numbers are seconds."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like '15m', got {value!r}")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"expected a duration like '30s', '15m', '6h', '3d', got {value!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def format_duration(seconds: float) -> str:
    """900 -> '15m', 5400 -> '1h30m', 42 -> '42s': the inverse of parse_duration, for people."""
    s = int(round(seconds))
    if s < 120:
        return f"{s}s"
    d, rest = divmod(s, 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    out = (f"{d}d" if d else "") + (f"{h}h" if h else "") + (f"{m}m" if m and not d else "")
    return out or f"{s}s"


def format_time(t: datetime | None, none: str = "never") -> str:
    """The one way watcher writes a moment: "2026-11-30 05:40 UTC" (naive times are UTC)."""
    if t is None:
        return none
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_size(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = _SIZE.match(str(value))
    if not m:
        raise ValueError(f"expected a size like '10MiB', got {value!r}")
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])


def expand_secrets(text: str, where: str, secret: bool = True) -> str:
    """Replace ${NAME} with the environment variable, else the systemd credential file."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        from . import secrets

        if name in os.environ:
            value = os.environ[name]
        elif (creds := os.environ.get("CREDENTIALS_DIRECTORY")) and (Path(creds) / name).is_file():
            value = (Path(creds) / name).read_text().strip()
        else:
            value = None
        if value is not None:
            if secret:
                secrets.register(value)
            return value
        raise ValueError(f"{where}: ${{{name}}} is not set (no environment variable or "
                         f"credential file named {name})")

    return _VAR.sub(one, text)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DEFAULT_DENY_NETWORKS = ("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32")


class Settings(_Strict):
    database: str = "sqlite:///watcher.db"
    user_agent: str = DEFAULT_USER_AGENT
    every: float = 900.0  # default poll interval, seconds
    jitter: float = 30.0  # random delay added to each scheduled poll
    max_age: float = 3 * 86400.0  # items published longer ago never alert
    timeout: float = 20.0  # deadline on one whole request, seconds
    max_bytes: int = 10 * 2**20  # cap on a decompressed response body
    concurrency: int = 32  # requests at once, over all hosts
    per_host: int = 2  # requests at once to one host
    story_window: float = 3 * 86400.0  # copies of one headline within this make one story
    event_window: float = 14 * 86400.0  # reports of one event (company, kind, no conflict) within this make one alert
    retention: float = 90 * 86400.0  # item bodies older than this are pruned (keys are kept)
    retry_max: float = 6 * 3600.0  # cap on backoff between failed polls / deliveries
    delivery_expiry: float = 0.0  # give up on an undelivered alert after this; 0 = never
    health_after: float = 3600.0  # a source failing this long raises one health alert
    health_notify: list[str] | None = None  # notifiers for source-health messages; None = all
    edgar_rate: float = 5.0  # EDGAR requests per second across all EDGAR sources (SEC max 10)
    context_words: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTEXT_WORDS))
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line (journald, Loki, jq)
    metrics: str = ""  # "127.0.0.1:9464": serve Prometheus /metrics and /healthz there (off when empty)
    timezone: str = "UTC"  # IANA name ("Europe/Berlin"): when a daily digest is due
    # addresses no request may connect to, checked on every connection after DNS resolution
    # (redirects included): link-local (cloud metadata lives there) and the metadata addresses
    # that are not link-local
    deny_networks: list[str] = Field(default_factory=lambda: list(DEFAULT_DENY_NETWORKS))
    allow_private: bool = False  # true: a public source may redirect into a private or loopback address

    @field_validator("deny_networks")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        import ipaddress

        for n in v:
            try:
                ipaddress.ip_network(n, strict=False)
            except ValueError:
                raise ValueError(f"{n!r} is no CIDR network (e.g. \"169.254.0.0/16\", \"fe80::/10\")") from None
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is no IANA time zone (e.g. \"UTC\", \"Europe/Berlin\")") from None
        return v

    _durations = field_validator("every", "jitter", "max_age", "timeout", "story_window", "event_window", "retention",
                                 "retry_max", "delivery_expiry", "health_after", mode="before")(
        lambda v: parse_duration(v))
    _sizes = field_validator("max_bytes", mode="before")(lambda v: parse_size(v))

    @field_validator("every")
    @classmethod
    def _floor(cls, v: float) -> float:
        if v < MIN_EVERY:
            raise ValueError(f"must be at least {MIN_EVERY:g}s (be polite to the sources)")
        return v

    @field_validator("timeout")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be more than zero")
        return v

    @field_validator("concurrency", "per_host")
    @classmethod
    def _count(cls, v: int) -> int:
        if v < 1:
            raise ValueError("must be at least 1")
        return v

    @field_validator("database")
    @classmethod
    def _database(cls, v: str) -> str:
        from .dbcheck import url_problem

        found = url_problem(v)
        if found:
            raise ValueError(found)
        return v

    @field_validator("edgar_rate")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not 0 < v <= 10:
            raise ValueError("must be more than 0 and at most 10 (the SEC's limit)")
        return v

    @field_validator("metrics")
    @classmethod
    def _address(cls, v: str) -> str:
        host, sep, port = v.rpartition(":")
        if v and (not sep or not port.isdigit() or not 0 < int(port) < 65536):
            raise ValueError(f"{v!r} is not HOST:PORT (e.g. \"127.0.0.1:9464\")")
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v.upper()


# Words near an ambiguous alias ("Esperanto", "Ampere", "Rain AI") that show it means the chip
# company rather than the language, the unit or the weather.
DEFAULT_CONTEXT_WORDS: tuple[str, ...] = (
    "chip", "chips", "chipmaker", "chip maker", "chip designer", "chip startup", "semiconductor",
    "processor", "processors", "AI accelerator", "AI accelerators", "accelerator chip", "accelerator chips",
    "accelerator card", "accelerator cards", "inference accelerator", "inference accelerators", "silicon",
    "RISC-V", "Arm-based",
    "neuromorphic", "inference", "CPU", "CPUs", "NPU", "ASIC", "SoC", "AI hardware", "GPU", "GPUs",
    "TPU", "LPU", "chiplet", "chiplets", "wafer", "photonic", "optical interconnect", "compute-in-memory",
    "in-memory computing", "analog AI", "edge AI",
    "芯片", "半导体", "处理器", "반도체", "칩", "チップ", "半導体",
    # the chip giant on the other side of most deals: "エヌビディア…グロック" is Groq, not xAI's Grok
    "Nvidia", "エヌビディア", "엔비디아", "英伟达", "辉达",
)


class Selectors(_Strict):
    item: str
    title: str
    link: str = "a"  # "" : the items are sections of the page itself (an article page), linked at their id
    date: str | None = None
    summary: str | None = None
    dateline: str | None = None  # headings before items that date them ("h2.dateline"): the nearest one above

    @field_validator("item", "title")
    @classmethod
    def _needed(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("item", "title", "link", "date", "summary", "dateline")
    @classmethod
    def _css(cls, v: str | None) -> str | None:
        if not v:
            return v
        import soupsieve  # the CSS engine beautifulsoup4 uses; loaded only for html sources

        try:
            soupsieve.compile(v)
        except Exception as e:  # noqa: BLE001 - soupsieve raises several kinds
            raise ValueError(f"not a valid CSS selector {v!r}: {e}") from None
        return v


class Source(_Strict):
    name: str
    kind: Literal["feed", "html", "edgar-filings", "edgar-search"]
    url: str = ""
    every: float | None = None
    enabled: bool = True
    timeout: float | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    selectors: Selectors | None = None  # html
    encoding: str | None = None  # override a wrong charset declaration
    forms: list[str] = Field(default_factory=list)  # edgar kinds
    archive_url: str = DEFAULT_ARCHIVE_URL
    window: float = 7 * 86400.0  # edgar-search: how far back a query looks

    _durations = field_validator("every", "timeout", "window", mode="before")(
        lambda v: None if v is None else parse_duration(v))

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("every")
    @classmethod
    def _floor(cls, v: float | None) -> float | None:
        if v is not None and v < MIN_EVERY:
            raise ValueError(f"must be at least {MIN_EVERY:g}s (be polite to the sources)")
        return v

    @model_validator(mode="after")
    def _by_kind(self) -> Source:
        if self.kind in ("feed", "html"):
            if not self.url:
                raise ValueError("url is required for a feed or html source")
            if not re.match(r"^https?://", self.url):
                raise ValueError(f"url must start with http:// or https://, got {self.url!r}")
        if self.kind == "html" and self.selectors is None:
            raise ValueError("an html source needs [source.selectors] with at least item and title")
        if self.kind != "html" and self.selectors is not None:
            raise ValueError("selectors are only for html sources")
        if self.kind == "edgar-filings" and self.url and "{cik}" not in self.url:
            raise ValueError("url of an edgar-filings source must contain {cik}")
        return self

    @property
    def endpoint(self) -> str:
        return self.url or DEFAULT_EDGAR_URLS.get(self.kind, "")


class Company(_Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)
    case_sensitive: list[str] = Field(default_factory=list)  # aliases matched with exact case
    ambiguous: list[str] = Field(default_factory=list)  # aliases that need a context word nearby
    # other holders of the name ("Kinara Capital"): never the company, and where one is named in
    # an item the bare name needs a chip word in its sentence. `exclude` is the older spelling.
    not_: list[str] = Field(default_factory=list, alias="not")
    exclude: list[str] = Field(default_factory=list)
    cik: str | None = None

    @field_validator("cik", mode="before")
    @classmethod
    def _cik(cls, v: Any) -> str | None:
        if v is None:
            return None
        s = str(v).strip()
        if not s.isdigit() or len(s) > 10:
            raise ValueError(f"a CIK is up to ten digits, got {v!r}")
        return s.zfill(10)

    @model_validator(mode="after")
    def _known(self) -> Company:
        names = {self.name, *self.aliases, *self.ambiguous}
        for a in self.case_sensitive:
            if a not in names:
                raise ValueError(f"case_sensitive names {a!r}, which is not the name, an alias or ambiguous")
        return self

    @property
    def all_aliases(self) -> list[str]:
        return list(dict.fromkeys([self.name, *self.aliases, *self.ambiguous]))

    @property
    def other_names(self) -> list[str]:
        return list(dict.fromkeys([*self.not_, *self.exclude]))


class Rule(_Strict):
    """Which events alert. `events` are kinds the lexicon knows (watcher/lexicon/*.toml);
    `keywords` add trigger phrases of your own under the event kind they report; `exclude`
    lists, under the trigger word it guards, phrases in which that word is not the event."""

    name: str
    events: list[str] = Field(default_factory=list)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    exclude: dict[str, list[str]] = Field(default_factory=dict)
    forms: list[str] = Field(default_factory=list)  # filing forms that are this rule's events
    notify: list[str] | None = None  # notifier names; None = all

    @field_validator("keywords", "exclude", mode="before")
    @classmethod
    def _table(cls, v: Any) -> Any:
        if isinstance(v, list):
            raise ValueError("is now a table keyed by event kind (keywords) or by the trigger word it "
                             "guards (exclude), e.g. exclude = { acquisition = [\"data acquisition\"] }")
        return v

    @model_validator(mode="after")
    def _terms(self) -> Rule:
        from . import lexicon, terms

        if not self.events and not self.keywords and not self.forms:
            raise ValueError("a rule needs events, keywords or forms")
        for e in self.events:
            if e not in lexicon.KINDS:
                raise ValueError(f"events: {e!r} is not an event kind (known: {', '.join(lexicon.KINDS)})")
        for kind, words in self.keywords.items():
            if kind not in lexicon.KINDS:
                raise ValueError(f"keywords.{kind}: {kind!r} is not an event kind (known: {', '.join(lexicon.KINDS)})")
            for n, w in enumerate(words):
                try:
                    terms.parse(w)
                except terms.TermError as e:
                    raise ValueError(f"keywords.{kind}[{n}]: {e}") from None
        known = _trigger_words(self)
        for guard, words in self.exclude.items():
            if terms.fold_key(guard) not in known:
                raise ValueError(f"exclude.{guard}: {guard!r} is no trigger word of this rule's events or keywords, "
                                 "so nothing would be excluded")
            for n, w in enumerate(words):
                try:
                    term = terms.parse(w)
                except terms.TermError as e:
                    raise ValueError(f"exclude.{guard}[{n}]: {e}") from None
                if not terms.guards(term, guard):
                    raise ValueError(f"exclude.{guard}[{n}]: {w!r} does not contain {guard!r}, the trigger it guards")
        return self


def _trigger_words(rule: Rule) -> set[str]:
    """The trigger words a rule's exclusions may guard: lexicon words of its events, its keywords."""
    from . import lexicon, terms

    kinds = set(rule.events) | set(rule.keywords)
    out = {terms.fold_key(d.term) for d in lexicon.load().triggers if d.kind in kinds}
    out |= {terms.fold_key(w) for ws in rule.keywords.values() for w in ws}
    for w in list(out):  # inflections and the words of a phrase ("buy" in "buy out")
        out |= set(w.split(" "))
    return out


class Notifier(_Strict):
    name: str
    url: str
    format: Literal["auto", "slack", "email", "text", "json"] = "auto"
    max_per_hour: int | None = None  # flood guard: beyond this, one summary an hour (flood.py)
    digest: str | None = None  # "hourly" | "daily HH:MM" (watcher.timezone): one message per period (digest.py)
    digest_rules: list[str] | None = None  # rules whose alerts go to the digest (None: all); others are immediate

    @field_validator("digest")
    @classmethod
    def _digest(cls, v: str | None) -> str | None:
        if v is not None:
            from .digest import parse

            parse(v)
        return v

    @field_validator("max_per_hour")
    @classmethod
    def _per_hour(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("must be at least 1 (leave it out for no limit)")
        return v


class Config(_Strict):
    watcher: Settings = Field(default_factory=Settings)
    source: list[Source] = Field(default_factory=list)
    company: list[Company] = Field(default_factory=list)
    rule: list[Rule] = Field(default_factory=list)
    notifier: list[Notifier] = Field(default_factory=list)
    _path: Path | None = PrivateAttr(default=None)  # the file this came from (not a TOML key)

    @property
    def path(self) -> Path | None:
        return self._path

    @model_validator(mode="after")
    def _cross(self) -> Config:
        for kind, items in (("source", self.source), ("company", self.company), ("rule", self.rule),
                            ("notifier", self.notifier)):
            seen: set[str] = set()
            for it in items:
                if it.name in seen:
                    raise ValueError(f"two [[{kind}]] entries are named {it.name!r}; names must be unique")
                seen.add(it.name)
        names = {n.name for n in self.notifier}
        for r in self.rule:
            for n in r.notify or []:
                if n not in names:
                    raise ValueError(f"rule {r.name!r}: notify names {n!r}, which is no [[notifier]]")
        rule_names = {r.name for r in self.rule}
        for nt in self.notifier:
            for rn in nt.digest_rules or []:
                if rn not in rule_names:
                    raise ValueError(f"notifier {nt.name!r}: digest_rules names {rn!r}, which is no [[rule]]")
            if nt.digest_rules is not None and nt.digest is None:
                raise ValueError(f"notifier {nt.name!r}: digest_rules without digest (\"hourly\" or \"daily HH:MM\")")
        for n in self.watcher.health_notify or []:
            if n not in names:
                raise ValueError(f"watcher.health_notify names {n!r}, which is no [[notifier]]")
        if any(s.kind in EDGAR_KINDS and s.enabled for s in self.source):
            ua = self.watcher.user_agent
            if PLACEHOLDER_CONTACT.search(ua):
                raise ValueError("watcher.user_agent still holds the shipped placeholder contact "
                                 f"{PLACEHOLDER}; SEC EDGAR answers "
                                 "tools that do not say who runs them with a block page. Put your name and e-mail "
                                 "there, or set enabled = false on the EDGAR sources")
            if not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", ua):
                raise ValueError("watcher.user_agent must name you and give a contact e-mail "
                                 "(SEC fair-access rules) when an EDGAR source is enabled, "
                                 f"got {ua!r}")
        return self

    def source_named(self, name: str) -> Source:
        for s in self.source:
            if s.name == name:
                return s
        raise KeyError(name)

    def interval(self, source: Source) -> float:
        return source.every or self.watcher.every

    def source_timeout(self, source: Source) -> float:
        return source.timeout or self.watcher.timeout


def _loc(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """('source', 2, 'every') -> 'source[2] (techcrunch).every'"""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            parent = raw.get(loc[i - 1]) if i and isinstance(raw, dict) else None
            if isinstance(parent, list) and part < len(parent) and isinstance(parent[part], dict):
                nm = parent[part].get("name")
                if nm:
                    out += f" ({nm})"
        elif part in ("function-after", "function-before") or str(part).startswith("function"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _expand_all(raw: dict[str, Any], file: str) -> dict[str, Any]:
    """Expand ${NAME} in every string value under [[notifier]], in a [[source]]'s url and header
    values (where API keys go), and in [watcher].user_agent / database. Every expanded value but
    the user agent's is a secret: masked wherever it would be shown."""
    for i, n in enumerate(raw.get("notifier") or []):
        if isinstance(n, dict):
            for k, v in list(n.items()):
                if isinstance(v, str):
                    n[k] = expand_secrets(v, f"{file}: notifier[{i}] ({n.get('name', '?')}).{k}")
    for i, s in enumerate(raw.get("source") or []):
        if not isinstance(s, dict):
            continue
        where = f"{file}: source[{i}] ({s.get('name', '?')})"
        if isinstance(s.get("url"), str):
            s["url"] = expand_secrets(s["url"], f"{where}.url")
        headers = s.get("headers")
        if isinstance(headers, dict):
            for k, v in list(headers.items()):
                if isinstance(v, str):
                    headers[k] = expand_secrets(v, f"{where}.headers.{k}")
    w = raw.get("watcher")
    if isinstance(w, dict):
        for k in ("database", "user_agent"):
            if isinstance(w.get(k), str):
                w[k] = expand_secrets(w[k], f"{file}: watcher.{k}", secret=(k == "database"))
        if isinstance(w.get("database"), str):
            _register_db_password(w["database"])
    return raw


def _register_db_password(url: str) -> None:
    """A password written into the database URL is a secret too (masked in every log line)."""
    if "@" not in url:
        return  # no credentials in it (sqlite:///...): no need to load sqlalchemy to read it
    from sqlalchemy.engine import make_url

    from . import secrets

    try:
        pw = make_url(url).password
    except Exception:  # noqa: BLE001 - validation reports a bad URL when it is used
        return
    if pw:
        secrets.register(str(pw))


def load(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the config; raises ConfigError naming the file and key."""
    p = Path(path or os.environ.get("WATCHER_CONFIG") or "config.toml")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file (use --config PATH or $WATCHER_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read: {e}") from None
    return loads(text, p)


def loads(text: str, path: Path | None = None) -> Config:
    file = str(path or "<config>")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{file}: not valid TOML: {e}") from None
    try:
        raw = _expand_all(raw, file)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            where = _loc(tuple(err["loc"]), raw)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            # checks across entries name their keys in the message itself
            lines.append(f"{file}: {msg}" if where == "(top level)" else f"{file}: {where}: {msg}")
        from . import secrets

        raise ConfigError(secrets.mask("\n".join(lines))) from None  # a message may quote an expanded value
    cfg._path = path.resolve() if path else None
    return cfg


def database_url(cfg: Config) -> str:
    """The SQLAlchemy URL with a relative SQLite path made relative to the config file."""
    url = cfg.watcher.database
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and cfg.path is not None:
        rest = url[len(prefix):]
        if rest and rest != ":memory:" and not Path(rest).is_absolute():
            return prefix + str((cfg.path.parent / rest).resolve())
    return url


def warnings(cfg: Config) -> list[str]:
    """What makes a valid config useless or unwise, each a sentence naming the key (pure). `check`
    prints them (and exits 2 under --strict); `run` logs them at start."""
    out = []
    if not any(s.enabled for s in cfg.source):
        out.append("[[source]]: no source is enabled, so nothing is polled")
    if not cfg.company:
        out.append("[[company]]: the watchlist is empty, so nothing can alert")
    if not cfg.rule:
        out.append("[[rule]]: there is no rule, so nothing can alert")
    if "example.com" in cfg.watcher.user_agent or "example.org" in cfg.watcher.user_agent:
        out.append("watcher.user_agent still names an example.com contact; put yours there "
                   "(SEC EDGAR blocks undeclared tools)")
    return out

