"""watcher.config in-process: every config error names the file and the key, ``${NAME}`` comes from
the environment or a systemd credential file, durations and sizes parse as documented.

That the CLI turns a ConfigError into exit code 2 with this message on stderr is tested once, in
test_cli.py; the cases themselves live here, where each costs a function call, not a CLI run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from watcher import config, secrets
from watcher.errors import ConfigError

EDGAR_SOURCE = '[[source]]\nname = "s"\nkind = "edgar-search"\n'
FEED = '[[source]]\nname = "f"\nkind = "feed"\nurl = "https://x.example/"\n'
SELECTORS = '[source.selectors]\nitem = "a"\ntitle = "a"\n'


def load_text(tmp_path: Path, body: str | bytes) -> config.Config:
    path = tmp_path / "config.toml"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return config.load(path)


# (config file text, what the message must say after the file name: the key, then why)
ERRORS = [
    # the file itself
    ('[watcher\n', "not valid TOML"),
    ('path = "/etc/passwd"\n', "path: unknown key"),
    # [watcher]
    ('[watcher]\nevry = "1m"\n', "watcher.evry: unknown key"),
    ('[watcher]\nevery = "soon"\n', "watcher.every: expected a duration like '30s'"),
    ('[watcher]\nevery = "1s"\n', "watcher.every: must be at least 10s"),
    ('[watcher]\nevery = -5\n', "watcher.every: a duration cannot be negative"),
    ('[watcher]\nevery = true\n', "watcher.every: expected a duration"),
    ('[watcher]\ntimeout = 0\n', "watcher.timeout: must be more than zero"),
    ('[watcher]\nconcurrency = 0\n', "watcher.concurrency: must be at least 1"),
    ('[watcher]\nper_host = 0\n', "watcher.per_host: must be at least 1"),
    ('[watcher]\nedgar_rate = 11\n', "watcher.edgar_rate: must be more than 0 and at most 10"),
    ('[watcher]\nlog_level = "LOUD"\n', "watcher.log_level: must be DEBUG, INFO, WARNING or ERROR"),
    ('[watcher]\nmax_bytes = "lots"\n', "watcher.max_bytes: expected a size like '10MiB'"),
    ('[watcher]\nhealth_notify = ["ghost"]\n', "watcher.health_notify names 'ghost', which is no [[notifier]]"),
    ('[watcher]\nuser_agent = "me ${NOPE_NOT_SET}"\n', "watcher.user_agent: ${NOPE_NOT_SET} is not set"),
    ('[watcher]\ndatabase = "postgresql://u:${NOPE_NOT_SET}@h/db"\n', "watcher.database: ${NOPE_NOT_SET} is not set"),
    # EDGAR sources need a User-Agent that names a person with an e-mail (the default has none)
    (EDGAR_SOURCE, "watcher.user_agent must name you and give a contact e-mail"),
    ('[watcher]\nuser_agent = "Watcher E2E Tests"\n' + EDGAR_SOURCE,
     "watcher.user_agent must name you and give a contact e-mail (SEC fair-access rules) when an EDGAR "
     "source is enabled, got 'Watcher E2E Tests'"),
    # [[source]]
    ('[[source]]\nname = "x"\nkind = "feed"\nurl = "ftp://x"\n',
     "source[0] (x): url must start with http:// or https://"),
    ('[[source]]\nname = "f"\nkind = "feed"\n', "source[0] (f): url is required for a feed or html source"),
    ('[[source]]\nname = "f"\nkind = "rss"\nurl = "https://x.example/"\n', "source[0] (f).kind: Input should be"),
    ('[[source]]\nname = " "\nkind = "feed"\nurl = "https://x.example/"\n', "source[0] ( ).name: must not be empty"),
    (FEED + 'every = "5s"\n', "source[0] (f).every: must be at least 10s"),
    (FEED + 'window = "a while"\n', "source[0] (f).window: expected a duration"),
    (FEED + 'colour = "red"\n', "source[0] (f).colour: unknown key"),
    ('[[source]]\nname = "h"\nkind = "html"\nurl = "https://x.example/"\n',
     "source[0] (h): an html source needs [source.selectors]"),
    (FEED + SELECTORS, "source[0] (f): selectors are only for html sources"),
    ('[[source]]\nname = "h"\nkind = "html"\nurl = "https://x.example/"\n[source.selectors]\nitem = "a[["\n'
     'title = "a"\n', "source[0] (h).selectors.item: not a valid CSS selector 'a[['"),
    ('[[source]]\nname = "e"\nkind = "edgar-filings"\nurl = "https://x.example/sub.json"\n'
     '[watcher]\nuser_agent = "Me me@example.com"\n',
     "source[0] (e): url of an edgar-filings source must contain {cik}"),
    (FEED + FEED, "two [[source]] entries are named 'f'; names must be unique"),
    ('[[source]]\nname = "api"\nkind = "feed"\nurl = "https://x.example/?key=${NOPE_NOT_SET}"\n',
     "source[0] (api).url: ${NOPE_NOT_SET} is not set (no environment variable or credential file named "
     "NOPE_NOT_SET)"),
    (FEED + '[source.headers]\nAuthorization = "Bearer ${NOPE_NOT_SET}"\n',
     "source[0] (f).headers.Authorization: ${NOPE_NOT_SET} is not set"),
    # [[company]]
    ('[[company]]\nname = "X"\ncik = "abc"\n', "company[0] (X).cik: a CIK is up to ten digits, got 'abc'"),
    ('[[company]]\nname = "X"\ncik = "12345678901"\n', "company[0] (X).cik: a CIK is up to ten digits"),
    ('[[company]]\nname = "X"\ncase_sensitive = ["Y"]\n',
     "company[0] (X): case_sensitive names 'Y', which is not the name, an alias or ambiguous"),
    ('[[company]]\nname = "X"\nnickname = "Y"\n', "company[0] (X).nickname: unknown key"),
    ('[[company]]\nname = "A"\n[[company]]\nname = "A"\n', "two [[company]] entries are named 'A'"),
    # [[rule]]: terms are parsed at load, so a bad placeholder or an exclusion that guards nothing is an error
    ('[[rule]]\nname = "r"\n', "rule[0] (r): a rule needs events, keywords or forms"),
    ('[[rule]]\nname = "r"\nevents = ["takeover"]\n', "rule[0] (r): events: 'takeover' is not an event kind"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\nkeywords = ["raises"]\n', "rule[0] (r).keywords: is now a table"),
    ('[[rule]]\nname = "r"\n[rule.keywords]\nfundraising = ["raises"]\n',
     "rule[0] (r): keywords.fundraising: 'fundraising' is not an event kind"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\n[rule.keywords]\nfunding = ["raises {amount}"]\n',
     "rule[0] (r): keywords.funding[0]: unknown placeholder {amount}"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\n[rule.exclude]\ninvest = ["{company} {money} in"]\n',
     "rule[0] (r): exclude.invest[0]: {company} and {money} stand side by side"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\n[rule.exclude]\nfunding = ["{company} invest {money} in"]\n',
     "rule[0] (r): exclude.funding[0]: '{company} invest {money} in' does not contain 'funding'"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\n[rule.exclude]\nbanana = ["banana split"]\n',
     "rule[0] (r): exclude.banana: 'banana' is no trigger word of this rule's events or keywords"),
    ('[[rule]]\nname = "r"\nevents = ["funding"]\nnotify = ["ghost"]\n',
     "rule 'r': notify names 'ghost', which is no [[notifier]]"),
    # [[notifier]]
    ('[[notifier]]\nname = "n"\nurl = "json://${NOPE_NOT_SET}@x/"\n',
     "notifier[0] (n).url: ${NOPE_NOT_SET} is not set (no environment variable or credential file named "
     "NOPE_NOT_SET)"),
    ('[[notifier]]\nname = "n"\n', "notifier[0] (n).url: Field required"),
    ('[[notifier]]\nname = "n"\nurl = "json://x/"\nformat = "html"\n', "notifier[0] (n).format: Input should be"),
]


@pytest.mark.parametrize("body,where", ERRORS, ids=[w.split(":")[0][:40] for _, w in ERRORS])
def test_config_error_names_the_file_and_the_key(tmp_path, monkeypatch, body, where):
    monkeypatch.delenv("NOPE_NOT_SET", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, body)
    assert str(e.value).startswith(f"{tmp_path / 'config.toml'}: "), str(e.value)
    assert where in str(e.value), str(e.value)


def test_every_error_is_reported_on_its_own_line(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, '[watcher]\nevery = "1s"\ntimeout = 0\n[[company]]\nname = "X"\ncik = "abc"\n')
    path = tmp_path / "config.toml"
    assert str(e.value).splitlines() == [
        f"{path}: watcher.every: must be at least 10s (be polite to the sources)",
        f"{path}: watcher.timeout: must be more than zero",
        f"{path}: company[0] (X).cik: a CIK is up to ten digits, got 'abc'",
    ]


def test_a_file_that_cannot_be_read_is_a_config_error(tmp_path, monkeypatch):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=re.escape(f"{missing}: no such config file")):
        config.load(missing)
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path / 'config.toml'}: cannot read")):
        load_text(tmp_path, "[watcher]\nuser_agent = 'caf\xe9'\n".encode("latin-1"))  # not UTF-8
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path}: cannot read")):
        config.load(tmp_path)  # a folder
    monkeypatch.setenv("WATCHER_CONFIG", str(missing))  # no path given: $WATCHER_CONFIG
    with pytest.raises(ConfigError, match=re.escape(f"{missing}: no such config file")):
        config.load()


def test_loads_without_a_file_names_the_config_as_such():
    with pytest.raises(ConfigError, match=re.escape("<config>: watcher.evry: unknown key")):
        config.loads('[watcher]\nevry = "1m"\n')


def test_an_edgar_source_that_is_disabled_needs_no_contact():
    cfg = config.loads('[watcher]\nuser_agent = "x"\n' + EDGAR_SOURCE + "enabled = false\n")
    assert not cfg.source[0].enabled


def test_an_empty_file_is_every_default(tmp_path):
    cfg = load_text(tmp_path, "")
    assert cfg.watcher == config.Settings()
    assert (cfg.source, cfg.company, cfg.rule, cfg.notifier) == ([], [], [], [])
    assert cfg.path == (tmp_path / "config.toml").resolve()
    assert config.database_url(cfg) == f"sqlite:///{tmp_path.resolve() / 'watcher.db'}"  # beside the file
    assert config.database_url(config.loads("")) == "sqlite:///watcher.db"  # no file: as written


# ---------------------------------------------------------------- ${NAME} expansion


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("HOOK_TOKEN", "HOOK_USER", "DB_PASS", "CONTACT", "FEED_KEY", "FEED_URL", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_names_come_from_the_environment(tmp_path, clean_env):
    clean_env.setenv("HOOK_TOKEN", "tok-123")
    clean_env.setenv("HOOK_USER", "bot")
    clean_env.setenv("CONTACT", "ops@example.com")
    cfg = load_text(tmp_path, '[watcher]\nuser_agent = "Watcher ${CONTACT}"\n'
                              '[[notifier]]\nname = "n"\nurl = "json://${HOOK_USER}:${HOOK_TOKEN}@x.example/${HOOK_TOKEN}"\n')
    assert cfg.notifier[0].url == "json://bot:tok-123@x.example/tok-123"
    assert cfg.watcher.user_agent == "Watcher ops@example.com"


def test_names_come_from_systemd_credentials_when_the_variable_is_unset(tmp_path, clean_env):
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "HOOK_TOKEN").write_text("tok-from-file\n")  # the trailing newline is no part of it
    (creds / "HOOK_USER").write_text("file-user")
    clean_env.setenv("CREDENTIALS_DIRECTORY", str(creds))
    clean_env.setenv("HOOK_USER", "env-user")  # the environment wins over a credential file
    cfg = load_text(tmp_path, '[[notifier]]\nname = "n"\nurl = "json://${HOOK_USER}@x.example/${HOOK_TOKEN}"\n')
    assert cfg.notifier[0].url == "json://env-user@x.example/tok-from-file"


def test_names_elsewhere_and_other_spellings_are_left_as_written(tmp_path, clean_env):
    clean_env.setenv("HOOK_TOKEN", "tok-123")
    cfg = load_text(tmp_path, '[[source]]\nname = "f ${HOOK_TOKEN}"\nkind = "feed"\nurl = "https://x.example/"\n'
                              'encoding = "${HOOK_TOKEN}"\n'
                              '[[notifier]]\nname = "n"\nurl = "json://x.example/$HOOK_TOKEN/${ HOOK_TOKEN }"\n')
    assert (cfg.source[0].name, cfg.source[0].encoding) == ("f ${HOOK_TOKEN}", "${HOOK_TOKEN}")  # url, headers only
    assert cfg.notifier[0].url == "json://x.example/$HOOK_TOKEN/${ HOOK_TOKEN }"


def test_an_expanded_database_password_is_a_secret(tmp_path, clean_env):
    clean_env.setenv("DB_PASS", "hunter2-secret-pw")
    clean_env.setenv("CONTACT", "watcher-ops-desk@example.org")
    cfg = load_text(tmp_path, '[watcher]\ndatabase = "postgresql://watcher:${DB_PASS}@db.example/w"\n'
                              'user_agent = "Watcher ${CONTACT}"\n')
    assert cfg.watcher.database == "postgresql://watcher:hunter2-secret-pw@db.example/w"
    assert secrets.mask("pw hunter2-secret-pw") == "pw ***"
    assert secrets.mask("watcher-ops-desk@example.org") == "watcher-ops-desk@example.org"  # a contact is no secret


# (what the config says, what the key comes from) -> the source's url and headers, and a masked line
SOURCE_SECRETS = [
    ('url = "https://api.example/feed?key=${FEED_KEY}"\n', {"FEED_KEY": "k3y-0f-the-feed"},
     "https://api.example/feed?key=k3y-0f-the-feed", {}),
    ('url = "https://api.example/feed"\n[source.headers]\nAuthorization = "Bearer ${FEED_KEY}"\nAccept = "x"\n',
     {"FEED_KEY": "k3y-0f-the-feed"}, "https://api.example/feed",
     {"Authorization": "Bearer k3y-0f-the-feed", "Accept": "x"}),
    ('url = "${FEED_URL}"\n[source.headers]\nX-Api-Key = "${FEED_KEY}"\n',
     {"FEED_URL": "https://api.example/feed/t0ken-in-path", "FEED_KEY": "k3y-0f-the-feed"},
     "https://api.example/feed/t0ken-in-path", {"X-Api-Key": "k3y-0f-the-feed"}),
]


@pytest.mark.parametrize(("text", "environ", "url", "headers"), SOURCE_SECRETS)
def test_a_source_url_and_headers_come_from_the_environment_and_are_secrets(tmp_path, clean_env, text, environ,
                                                                             url, headers):
    for k, v in environ.items():
        clean_env.setenv(k, v)
    cfg = load_text(tmp_path, '[[source]]\nname = "api"\nkind = "feed"\n' + text)
    assert (cfg.source[0].url, cfg.source[0].headers) == (url, headers)
    for value in environ.values():
        assert secrets.mask(f"GET {url} {headers}").count(value) == 0
    assert secrets.mask("Accept: x") == "Accept: x"  # what no ${NAME} gave is no secret


def test_a_config_error_never_shows_an_expanded_value(tmp_path, clean_env):
    clean_env.setenv("FEED_URL", "ftp://api.example/feed?key=k3y-0f-the-feed")
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, '[[source]]\nname = "api"\nkind = "feed"\nurl = "${FEED_URL}"\n')
    assert "source[0] (api): url must start with http:// or https://, got '***'" in str(e.value)
    assert "k3y-0f-the-feed" not in str(e.value)


def test_a_key_sent_percent_encoded_is_masked_in_that_form_too(tmp_path, clean_env):
    clean_env.setenv("FEED_KEY", "k3y with/slash")
    load_text(tmp_path, '[[source]]\nname = "api"\nkind = "feed"\nurl = "https://api.example/?key=${FEED_KEY}"\n')
    assert secrets.mask("GET https://api.example/?key=k3y%20with%2Fslash") == "GET https://api.example/?key=***"


# ---------------------------------------------------------------- durations and sizes


@pytest.mark.parametrize("text,seconds", [
    ("30s", 30.0), ("15m", 900.0), ("6h", 21600.0), ("3d", 259200.0), ("2w", 1209600.0), ("250ms", 0.25),
    ("1.5h", 5400.0), (" 10 s ", 10.0), ("42", 42.0), (42, 42.0), (0.5, 0.5), (0, 0.0),
])
def test_durations(text, seconds):
    assert config.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "5 minutes", "1y", "-5s", "", True, -1])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        config.parse_duration(text)


@pytest.mark.parametrize("seconds,text", [
    (0, "0s"), (42, "42s"), (119, "119s"), (120, "2m"), (900, "15m"), (3600, "1h"), (5400, "1h30m"),
    (86400, "1d"), (90000, "1d1h"), (90060, "1d1h"), (259200, "3d"),
])
def test_durations_written_for_people(seconds, text):
    assert config.format_duration(seconds) == text


@pytest.mark.parametrize("text,size", [
    ("10MiB", 10 * 2**20), ("10mb", 10**7), ("1KiB", 1024), ("1kb", 1000), ("1 GiB", 2**30), ("1gb", 10**9),
    ("2.5MB", 2_500_000), ("512b", 512), ("512", 512), (4096, 4096),
])
def test_sizes(text, size):
    assert config.parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "10 MiBs", "-1", "", True, "1TB"])
def test_bad_sizes(text):
    with pytest.raises(ValueError):
        config.parse_size(text)


def test_durations_and_sizes_in_a_config(tmp_path):
    cfg = load_text(tmp_path, '[watcher]\nevery = "15m"\njitter = "0s"\ntimeout = 7.5\nmax_age = "2d"\n'
                              'max_bytes = "2MiB"\nretention = "4w"\n'
                              + FEED + 'every = "1h"\ntimeout = "30s"\n'
                              '[[source]]\nname = "g"\nkind = "feed"\nurl = "https://x.example/g"\n')
    w = cfg.watcher
    assert (w.every, w.jitter, w.timeout, w.max_age, w.max_bytes, w.retention) == (
        900.0, 0.0, 7.5, 172800.0, 2 * 2**20, 28 * 86400.0)
    f, g = cfg.source
    assert (cfg.interval(f), cfg.source_timeout(f)) == (3600.0, 30.0)  # its own
    assert (cfg.interval(g), cfg.source_timeout(g)) == (900.0, 7.5)  # the [watcher] defaults


def test_config_model_validate_takes_durations_too():
    """The same parsing applies to a Config built in code (as the tests of other modules do)."""
    cfg = config.Config.model_validate({"watcher": {"every": "1h", "max_bytes": "1KiB", "log_level": "debug"},
                                        "company": [{"name": "X", "cik": 1045810}]})
    assert (cfg.watcher.every, cfg.watcher.max_bytes, cfg.watcher.log_level) == (3600.0, 1024, "DEBUG")
    assert cfg.company[0].cik == "0001045810"  # padded to EDGAR's ten digits


@pytest.mark.parametrize(("url", "shown"), [
    ("sqlite:///watcher.db", "sqlite:///watcher.db"),
    ("sqlite:////var/lib/watcher/w.db", "sqlite:////var/lib/watcher/w.db"),
    ("postgresql+psycopg://watcher:s3cr%40t@db.internal:5432/watcher?sslmode=require",
     "postgresql+psycopg://watcher:***@db.internal:5432/watcher?sslmode=require"),
    ("postgresql+psycopg://watcher@db.internal/watcher", "postgresql+psycopg://watcher@db.internal/watcher"),
    ("postgresql://u:@h/db", "postgresql://u:***@h/db"),
    ("not a url", "not a url"),
])
def test_a_database_url_is_shown_with_its_password_hidden_as_sqlalchemy_would(url, shown):
    from sqlalchemy.engine import make_url

    from watcher.secrets import display_url

    assert display_url(url) == shown
    if "://" in url:
        assert display_url(url) == make_url(url).render_as_string(hide_password=True)


def test_the_shipped_config_runs_as_is_and_its_edgar_sources_wait_for_a_real_contact(tmp_path):
    shipped = (Path(__file__).resolve().parents[1] / "config.toml").read_text(encoding="utf-8")
    cfg = config.loads(shipped, tmp_path / "config.toml")
    edgar = [s for s in cfg.source if s.kind in config.EDGAR_KINDS]
    assert edgar and not any(s.enabled for s in edgar)
    enabled = shipped.replace("enabled = false                     # true once user_agent names you", "enabled = true")
    with pytest.raises(ConfigError, match="placeholder contact ops@example.com"):
        config.loads(enabled, tmp_path / "config.toml")
    mine = enabled.replace("ops@example.com", "jane.doe@fund.example")
    assert all(s.enabled for s in config.loads(mine, tmp_path / "config.toml").source if s.kind in config.EDGAR_KINDS)
    # a contact that merely ends the same way is someone's real address
    assert config.loads(enabled.replace("ops@example.com", "dev-ops@example.com"), tmp_path / "c.toml")


@pytest.mark.parametrize(("text", "said"), [
    ("", ["no source is enabled", "watchlist is empty", "no rule"]),
    ('[[source]]\nname = "a"\nkind = "feed"\nurl = "http://127.0.0.1:9/f"\nenabled = false\n'
     '[[company]]\nname = "Groq"\n[[rule]]\nname = "r"\nevents = ["acquisition"]\n', ["no source is enabled"]),
    ('[watcher]\nuser_agent = "x ops@example.com"\n[[source]]\nname = "a"\nkind = "feed"\nurl = "http://127.0.0.1:9/f"\n'
     '[[company]]\nname = "Groq"\n[[rule]]\nname = "r"\nevents = ["acquisition"]\n', ["example.com contact"]),
    ('[watcher]\nuser_agent = "Jane jane@fund.test"\n[[source]]\nname = "a"\nkind = "feed"\n'
     'url = "http://127.0.0.1:9/f"\n[[company]]\nname = "Groq"\n[[rule]]\nname = "r"\nevents = ["acquisition"]\n', []),
])
def test_a_config_that_can_never_alert_is_warned_about(text, said):
    found = config.warnings(config.loads(text))
    assert len(found) == len(said) and all(any(s in f for f in found) for s in said), found


def test_check_warns_and_strict_refuses(env):
    env.cfg.write_text("")
    r = env.run("check")
    assert r.returncode == 0 and "watchlist is empty" in r.stderr and "warning" in r.stderr
    strict = env.run("check", "--strict")
    assert strict.returncode == 2 and "no rule" in strict.stderr


def test_the_readme_covers_every_command_and_key():
    import argparse
    import re

    from watcher import cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert [n for n in sub.choices if f"`{n}" not in readme] == []
    missing = []
    for model in (config.Settings, config.Source, config.Company, config.Rule, config.Notifier, config.Selectors):
        for name, field in model.model_fields.items():
            key = field.alias or name
            if not re.search(rf"`{re.escape(key)}`", readme):
                missing.append(f"{model.__name__}.{key}")
    assert missing == []


def test_the_docs_state_the_python_version_the_skipped_tests_and_the_webhook_fields():
    from datetime import UTC, datetime

    from watcher.models import Alert, EventInfo, Hit
    from watcher.notify.render import fields

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shipped = (root / "config.toml").read_text(encoding="utf-8")
    assert "Python 3.11" in readme and "../shared/corpus" in readme and "skip" in readme
    now = datetime(2026, 11, 30, tzinfo=UTC)
    alert = Alert(id=1, notifier="n", title="t", link="https://x.example/1", source="s", published=now,
                  hits=(Hit(rule="deals", company="Groq", alias="Groq", keywords=("x",), field="title"),),
                  record=EventInfo(company="Groq", kind="licence", label="licence", headline="Groq: licence"))
    top = set(fields(alert))
    webhook = shipped[shipped.index("# Generic webhook"):]
    webhook = webhook[:webhook.index("[[notifier]]")]
    assert [k for k in top if k not in webhook] == []  # config.toml names every field the payload carries
    assert [k for k in top if f'"{k}"' not in readme] == []  # and the README's example shows each
