"""Every text watcher sends or prints about an alert or a source's health. Pure: no I/O.

``render(alert, channel)`` turns an Alert into a Message for one of four channels, chosen per
notifier by ``channel_of(url, format)``:

- ``slack``: the body is CommonMark declared as ``NotifyFormat.MARKDOWN``. apprise 2.3 always
  runs its own CommonMark -> Slack-mrkdwn conversion on a MARKDOWN body (``&`` -> ``&amp;``,
  ``\\<`` -> ``&lt;``, ``[label](<url>)`` -> ``<url|label>``), and it entity-escapes the title
  itself, so handing it ready-made mrkdwn would double-escape it. Feed text is therefore
  escaped for CommonMark here, which apprise turns into ``&lt;!channel&gt;``: inert in Slack.
- ``email``: an HTML body; apprise's mailto plugin sends it as multipart/alternative with a
  text/plain part it derives from the HTML (links lose their href there, so the URL is also
  shown as visible text).
- ``text``: plain text for every other apprise target.
- ``json``: the text body for ``json://`` and ``jsons://`` webhooks, plus structured fields in the
  JSON payload itself (``Message.fields``: event, update, urls, sources, rule, explanation) that
  a user's own tools can read; README "Alerts" documents them.

In every channel feed text is cleaned first: HTML tags dropped, control and bidi characters
removed, whitespace folded, @channel/@here/@everyone neutralised, every field length-bounded.

Besides alerts: ``health_failing`` / ``health_recovered`` (a source stopped or started working
again), ``log_alert`` (the line the built-in "log" notifier writes when no notifier is
configured) and ``sample_alert`` (what ``watcher test-notify`` sends).
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote, urlsplit

from .. import models
from ..config import format_time
from ..normalize import strip_markup

CHANNELS = ("slack", "email", "text", "json")

# Length bounds, in characters.
TITLE_MAX = 250  # the whole title line
HEADLINE_MAX = 300
SNIPPET_MAX = 300
FIELD_MAX = 100  # source, rule, company, alias, one keyword
EVENT_MAX = 500
URL_MAX = 4000  # longer links are cut (a URL is never ellipsised: the scorer matches it exactly)
MAX_HITS = 10
MAX_KEYWORDS = 10
MAX_ALSO = 30  # later reports listed with their links (the JSON payload lists every URL)
ELLIPSIS = "…"

_SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")

# What a JSON webhook payload's fields hold (read-only containers, so a list[str] is one).
JSONValue = str | int | float | bool | None | Sequence["JSONValue"] | Mapping[str, "JSONValue"]


class NotifyFormat:
    """Body formats as apprise names them (apprise.NotifyFormat's values), so rendering needs no
    apprise: it loads only when something is sent."""

    TEXT: BodyFormat = "text"
    HTML: BodyFormat = "html"
    MARKDOWN: BodyFormat = "markdown"


BodyFormat = Literal["text", "html", "markdown"]


@dataclass(frozen=True)
class Message:
    """What one notifier is sent. ``body`` is written in ``body_format`` as apprise expects it as
    input (for Slack: CommonMark, which apprise converts to mrkdwn); ``title`` is plain text;
    ``fields`` are added to a JSON webhook's payload."""

    title: str
    body: str
    body_format: BodyFormat
    fields: dict[str, JSONValue] | None = None


def channel_of(url: str, fmt: str = "auto") -> str:
    """The channel a notifier URL gets ('slack', 'email', 'json' or 'text'); an explicit format
    other than 'auto' wins."""
    if fmt and fmt != "auto":
        if fmt not in CHANNELS:
            raise ValueError(f"unknown notifier format {fmt!r}")
        return fmt
    head = url.strip()
    scheme = head.split(":", 1)[0].lower() if ":" in head else ""
    if scheme == "slack":
        return "slack"
    if scheme in ("mailto", "mailtos"):
        return "email"
    if scheme in ("json", "jsons"):
        return "json"
    if scheme == "https":
        host = (urlsplit(head).hostname or "").lower()
        if host in _SLACK_HOSTS:
            return "slack"
    return "text"


_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_ZWJ = "\u200d"


def clean(text: object, limit: int) -> str:
    """Feed text made safe to show on one line: tags dropped, control/format characters removed,
    whitespace folded, mass mentions neutralised, trimmed to ``limit`` with an ellipsis."""
    s = "" if text is None else str(text)
    if len(s) > limit * 8:  # bound the work on hostile input before any regex runs
        s = s[: limit * 8]
    s = strip_markup(s)
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\x0b\x0c\u2028\u2029\x85":
            out.append(" ")
        elif cat in ("Cc", "Cs", "Co", "Cn") or (cat == "Cf" and ch not in "\u200c\u200d"):
            continue  # controls, bidi overrides, zero-width spaces, BOMs, unassigned
        else:
            out.append(ch)
    s = _SPACE.sub(" ", "".join(out)).strip()
    s = _MENTION.sub(lambda m: "@" + _ZWJ + m.group(1), s)
    return trim(s, limit)


def trim(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` characters, on a word boundary when one is near, with '…'."""
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:  # CJK text has no spaces: cut hard rather than lose half
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def safe_url(url: str | None) -> str:
    """The link as text that cannot break out of a link or a line: characters not allowed in a
    URL (space, quotes, angle brackets, pipes, controls, other spaces and separators) are
    percent-encoded. Letters, digits, marks and punctuation of other scripts stay as the source
    wrote them ("/kr/openai의-투자", "注目集まる-～-米国"): an IRI reads better and clicks the same."""
    if not url:
        return ""
    s = "".join(ch for ch in str(url).strip() if unicodedata.category(ch) not in ("Cc", "Cf"))
    s = "".join(ch if ord(ch) > 127 and unicodedata.category(ch)[0] in "LNMSP" else quote(ch, safe=_URL_SAFE)
                for ch in s)
    return s[:URL_MAX]


_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def _linkable(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class _HitView:
    rule: str
    company: str
    alias: str
    keywords: tuple[str, ...]
    field: str


@dataclass(frozen=True)
class _View:
    """An alert with every piece of feed text cleaned and bounded; channels only lay it out."""

    title: str  # the message title line
    headline: str
    link: str
    source: str
    published: str
    hits: tuple[_HitView, ...]
    more_hits: int
    event: str
    snippet: str
    also: str
    what: str = ""  # the event line: kind, counterparty, amount (USD), reports
    update: str = ""  # a follow-up: what is new
    original: str = ""  # a follow-up: the alert it updates
    also_links: tuple[tuple[str, str], ...] = ()  # (source, link) of later reports


def _keywords(keywords: Iterable[str]) -> tuple[str, ...]:
    seen = dict.fromkeys(k for k in (clean(k, FIELD_MAX) for k in keywords) if k)
    return tuple(seen)[:MAX_KEYWORDS]


def _view(alert: models.Alert) -> _View:
    hits = tuple(
        _HitView(rule=clean(h.rule, FIELD_MAX), company=clean(h.company, FIELD_MAX),
                 alias=clean(h.alias, FIELD_MAX), keywords=_keywords(h.keywords),
                 field=clean(h.field, 20))
        for h in alert.hits[:MAX_HITS]
    )
    headline = clean(alert.title, HEADLINE_MAX) or "(no headline)"
    record = alert.record
    if alert.update and record is not None:
        title = "Update: " + clean(record.headline, TITLE_MAX)
    elif record is not None and record.kind == "filing" and alert.event:
        title = clean(alert.event, TITLE_MAX)  # "Cerebras Systems Inc. filed RW (registration withdrawn)"
    elif record is not None and record.kind:
        title = clean(record.headline, TITLE_MAX)  # "Groq: acquisition by Nvidia, $20 billion (licence + team)"
    else:
        title = headline  # no structure found: the headline says it
    summary = alert.summary or (alert.hits[0].snippet if alert.hits else "")
    also = [a for a in (clean(x, FIELD_MAX) for x in alert.also) if a]
    also_text = ", ".join(also[:MAX_ALSO])
    if len(also) > MAX_ALSO:
        also_text += f" and {len(also) - MAX_ALSO} more"
    links = tuple((clean(src, FIELD_MAX), safe_url(link)) for src, link in alert.also_links[:MAX_ALSO] if link)
    return _View(
        what=_what(record) if record is not None and record.kind else "",
        update=", ".join(_fact_text(f, record) for f in alert.update) if alert.update else "",
        original=clean(alert.original, TITLE_MAX) if alert.update else "",
        also_links=links,
        title=trim(title, TITLE_MAX),
        headline=headline,
        link=safe_url(alert.link),
        source=clean(alert.source, FIELD_MAX),
        published=format_time(alert.published, none="no date"),
        hits=hits,
        more_hits=max(0, len(alert.hits) - MAX_HITS),
        event=clean(alert.event, EVENT_MAX) if alert.event else "",
        snippet=clean(summary, SNIPPET_MAX),
        also=also_text,
    )


def usd_text(value: float | None) -> str:
    if not value:
        return ""
    for scale, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"US${value / scale:.3g}{unit}"
    return f"US${value:.0f}"


def _what(r: models.EventInfo) -> str:
    """"acquisition · with Nvidia · $20 billion · 3 reports"."""
    parts = [clean(r.label, FIELD_MAX)]
    if r.counterparty:
        parts.append("with " + clean(r.counterparty, FIELD_MAX))
    if r.amount:
        money = clean(r.amount, FIELD_MAX)
        approx = usd_text(r.usd)
        if approx and r.currency != "USD":
            money += f" (about {approx})"
        parts.append(money)
    if r.facts:
        parts.append(", ".join(clean(f, FIELD_MAX) for f in r.facts))
    if r.reports > 1:
        parts.append(f"{r.reports} reports")
    return " · ".join(parts)


def _fact_text(fact: str, r: models.EventInfo | None) -> str:
    if fact == "amount":
        return f"amount {clean(r.amount, FIELD_MAX)}" if r is not None and r.amount else "amount"
    return clean(fact, FIELD_MAX)


def _hit_words(h: _HitView) -> str:
    return ", ".join(f'"{k}"' for k in h.keywords) or "(none)"


def _also_line(v: _View) -> str:
    linked = {src for src, _ in v.also_links}
    rest = [a for a in v.also.split(", ") if a and a not in linked] if v.also else []
    parts = [f"{src} {link}" for src, link in v.also_links] + rest
    return ", ".join(parts)


def _render_text(v: _View) -> str:
    if v.update:  # a follow-up is short: what is new, what it updates, who says so
        return "\n".join([f"New: {v.update}", f"Update to: {v.original}", v.headline,
                          f"Source: {v.source} · Published: {v.published}", f"Link: {v.link or '(no link)'}"])
    lines = [v.headline, f"Source: {v.source}", f"Published: {v.published}"]
    if v.what:
        lines.append(f"What: {v.what}")
    for h in v.hits:
        lines.append(f"Matched: rule {h.rule}, company {h.company}, alias \"{h.alias}\", "
                     f"keywords {_hit_words(h)}, in {h.field}")
    if v.more_hits:
        lines.append(f"... and {v.more_hits} more matches")
    if v.event:
        lines.append(f"Event: {v.event}")
    if v.snippet:
        lines.append(f"Snippet: {v.snippet}")
    if v.also:
        lines.append(f"Also reported by: {_also_line(v)}")
    lines.append(f"Link: {v.link or '(no link)'}")
    return "\n".join(lines)


# Characters that CommonMark (as apprise converts it for Slack) would read as markup. A
# backslash escape of these comes out as the plain character (or an entity for < and >).
_MD_ESCAPE = re.compile(r"([\\<>\[\]()!#])")
# No clean escape exists in Slack for these (apprise keeps the backslash): use look-alikes, so
# feed text never opens emphasis or a code span that swallows our own markup.
_MD_LOOKALIKE = str.maketrans({"*": "\u2217", "`": "\u02cb"})


def md(text: str) -> str:
    """Feed text escaped for the Slack channel's CommonMark body."""
    return _MD_ESCAPE.sub(r"\\\1", text.translate(_MD_LOOKALIKE))


def _render_slack(v: _View) -> str:
    if v.link and _linkable(v.link):
        head = f"**[{md(v.headline)}](<{v.link}>)**"
    else:
        head = f"**{md(v.headline)}**"
    if v.update:
        return "\n".join([f"**New: {md(v.update)}**", f"Update to: {md(v.original)}", head,
                          f"Source: {md(v.source)} · Published: {v.published}"])
    lines = [head, f"Source: {md(v.source)} · Published: {v.published}"]
    if v.what:
        lines.append(f"What: {md(v.what)}")
    for h in v.hits:
        words = ", ".join(f"“{md(k)}”" for k in h.keywords) or "(none)"
        lines.append(f"• rule **{md(h.rule)}**, company **{md(h.company)}**: alias “{md(h.alias)}”, "
                     f"keywords {words}, in {md(h.field)}")
    if v.more_hits:
        lines.append(f"• … and {v.more_hits} more matches")
    if v.event:
        lines.append(f"Event: {md(v.event)}")
    if v.snippet:
        lines.append(f"> {md(v.snippet)}")
    if v.also:
        linked = {src for src, _ in v.also_links}
        parts = [f"[{md(src)}](<{link}>)" if _linkable(link) else f"{md(src)} {md(link)}" for src, link in v.also_links]
        parts += [md(a) for a in v.also.split(", ") if a and a not in linked]
        lines.append("Also reported by: " + ", ".join(parts))
    if v.link:
        lines.append(f"Link: <{v.link}>" if _linkable(v.link) else f"Link: {md(v.link)}")
    return "\n".join(lines)


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of a term (case-insensitive) in <mark>."""
    spans: list[tuple[int, int]] = []
    for term in {t for t in terms if t and len(t) >= 2}:
        for m in re.finditer(re.escape(term), text, re.IGNORECASE):
            spans.append(m.span())
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _render_email(v: _View) -> str:
    e = html.escape
    terms = [t for h in v.hits for t in (h.alias, *h.keywords)]
    head = highlight(v.headline, terms)
    if v.link and _linkable(v.link):
        head = f'<a href="{e(v.link, quote=True)}">{head}</a>'
    if v.update:
        return "\n".join([f"<p><b>New: {e(v.update)}</b><br>Update to: {e(v.original)}</p>",
                          f"<p><b>{head}</b></p>", f"<p>Source: {e(v.source)}<br>Published: {e(v.published)}</p>"])
    parts = [f"<p><b>{head}</b></p>",
             f"<p>Source: {e(v.source)}<br>Published: {e(v.published)}</p>"]
    if v.what:
        parts.append(f"<p>What: {e(v.what)}</p>")
    if v.hits:
        items = "".join(
            f"<li>rule <b>{e(h.rule)}</b>, company <b>{e(h.company)}</b>: alias "
            f"<mark>{e(h.alias)}</mark>, keywords "
            + (", ".join(f"<mark>{e(k)}</mark>" for k in h.keywords) or "(none)")
            + f", in {e(h.field)}</li>"
            for h in v.hits
        )
        if v.more_hits:
            items += f"<li>… and {v.more_hits} more matches</li>"
        parts.append(f"<p>Why this alert:</p><ul>{items}</ul>")
    if v.event:
        parts.append(f"<p>Event: {e(v.event)}</p>")
    if v.snippet:
        parts.append(f"<blockquote>{highlight(v.snippet, terms)}</blockquote>")
    if v.also:
        linked = {src for src, _ in v.also_links}
        bits = [f'<a href="{e(link, quote=True)}">{e(src)}</a> ({e(link)})' if _linkable(link) else
                f"{e(src)} {e(link)}" for src, link in v.also_links]
        bits += [e(a) for a in v.also.split(", ") if a and a not in linked]
        parts.append(f"<p>Also reported by: {', '.join(bits)}</p>")
    if v.link:
        shown = e(v.link)
        link = f'<a href="{e(v.link, quote=True)}">{shown}</a>' if _linkable(v.link) else shown
        parts.append(f"<p>Link: {link}</p>")
    return "\n".join(parts)


def render(alert: models.Alert, channel: str) -> Message:
    """The message for one alert on one channel (one of ``CHANNELS``)."""
    v = _view(alert)
    if channel == "slack":
        return Message(v.title, _render_slack(v), NotifyFormat.MARKDOWN)
    if channel == "email":
        return Message(v.title, _render_email(v), NotifyFormat.HTML)
    if channel == "text":
        return Message(v.title, _render_text(v), NotifyFormat.TEXT)
    if channel == "json":
        return Message(v.title, _render_text(v), NotifyFormat.TEXT, fields=fields(alert))
    raise ValueError(f"unknown channel {channel!r}")


def fields(alert: models.Alert) -> dict[str, JSONValue]:
    """The structured part of a JSON webhook's payload (README "Alerts" documents it)."""
    r = alert.record
    event: dict[str, JSONValue] | None = None
    if r is not None and r.kind:
        event = {"id": r.id, "kind": r.kind, "label": r.label, "company": r.company, "counterparty": r.counterparty,
                 "amount": r.amount, "currency": r.currency, "amount_usd": r.usd, "stage": r.stage,
                 "facts": list(r.facts), "headline": r.headline,
                 "first_reported": r.first_seen.isoformat() if r.first_seen else None,
                 "last_reported": r.last_seen.isoformat() if r.last_seen else None, "reports": r.reports}
    urls = [alert.link] if alert.link else []
    urls += [link for _, link in alert.also_links if link and link not in urls]
    sources = list(dict.fromkeys([alert.source, *alert.also]))
    return {
        "event": event,
        "update": {"of": alert.original, "facts": list(alert.update)} if alert.update else None,
        "headline": alert.title,
        "urls": urls,
        "sources": sources,
        "rule": alert.rule or (alert.hits[0].rule if alert.hits else ""),
        "explanation": [{"rule": h.rule, "company": h.company, "alias": h.alias, "keywords": list(h.keywords),
                         "field": h.field, "kind": h.kind, "role": h.role, "snippet": h.snippet}
                        for h in alert.hits[:MAX_HITS]],
    }


def sample_alert(notifier: str) -> models.Alert:
    """A harmless alert that shows what a real one looks like (for ``watcher test-notify``)."""
    return models.Alert(
        id=0,
        notifier=notifier,
        title="watcher test notification: this is how an alert will look",
        link="https://example.com/watcher/test-notify",
        source="watcher",
        published=datetime.now(UTC),
        hits=(models.Hit(rule="test", company="watcher", alias="watcher",
                         keywords=("test-notify",), field="title"),),
        summary=f"If you can read this, notifier {notifier} is set up and watcher can reach it.",
    )



# --------------------------------------------------------------------------- health and log texts


def health_failing(source: str, failures: int, since: datetime, error: str) -> Message:
    """A source has failed for longer than ``health_after``: ``failures`` attempts since ``since``."""
    return Message(
        title=f"watcher: {source} is failing",
        body=f"Source {source} has failed {failures} time{'s' if failures != 1 else ''} since {format_time(since)}.\n"
             f"Last error: {error}\nwatcher keeps retrying with backoff.",
        body_format=NotifyFormat.TEXT,
    )


def health_recovered(source: str, failing_since: datetime | None, last_error: str | None) -> Message:
    """A source that was reported failing works again (since and error said when known)."""
    since = f" after failing since {format_time(failing_since)}" if failing_since else ""
    error = f" Last error was: {last_error}" if last_error else ""
    return Message(title=f"watcher: {source} recovered", body=f"Source {source} is working again{since}.{error}",
                   body_format=NotifyFormat.TEXT)


def log_alert(alert: models.Alert) -> str:
    """What the built-in "log" notifier (no [[notifier]] configured) writes for an alert: the
    text channel's title and body under an ALERT marker, on one line (one log record, greppable),
    its lines joined by " | " (the headline once)."""
    m = render(alert, "text")
    lines = [ln.strip() for ln in m.body.splitlines() if ln.strip() and ln.strip() != m.title]
    return " | ".join([f"ALERT {m.title}", *lines])
