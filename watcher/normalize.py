"""RawItem -> Item: plain text, canonical URL, UTC time, identity keys. Pure functions, but for
`normalize` logging the dates it replaces (dates.sane_published decides)."""
from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .dates import FUTURE, sane_published, utcnow
from .models import Item, RawItem

log = logging.getLogger("watcher")

MAX_TITLE = 1000
MAX_SUMMARY = 4000

_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DECLARATION = re.compile(r"<!DOCTYPE\b[^>]*>", re.I)  # pasted into a title (Slack "<!channel>" stays text)
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")  # a tag, not "revenue <5% & margin >10%"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                         "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-"})

# Query parameters that only track the reader; dropped from canonical URLs.
# (Ambiguous names such as "cid", "src" or "share" stay: on some sites they name the article.)
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
                   "_ga", "_gl", "ref_src", "cmpid", "ncid", "sr_share", "spm", "ocid", "taid",
                   "guccounter", "guce_referrer", "guce_referrer_sig", "ref", "rss"}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_")


def strip_markup(s: str) -> str:
    """The one HTML cleaner: script and style blocks, comments and tags out (block tags leave a
    break, inline ones nothing: "Gr<b>o</b>q" is Groq)."""
    if "<" not in s:
        return s
    s = _DROP_BLOCKS.sub(" ", s)
    s = _COMMENT.sub(" ", s)
    s = _DECLARATION.sub(" ", s)
    s = _BLOCK_TAG.sub(" \n ", s)
    return _TAG.sub("", s)


def clean_text(text: str | None, limit: int | None = None) -> str:
    """HTML -> plain text: tags dropped, entities decoded, NFKC, quotes and dashes unified,
    control characters removed, whitespace folded, length bounded."""
    if not text:
        return ""
    s = strip_markup(text)
    if "&" in s:
        s = html.unescape(s)
        if "<" in s and re.search(r"<[a-zA-Z/!][^>]*>", s):  # entity-escaped markup: strip it as well
            s = strip_markup(s)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).translate(_QUOTES)
        s = _CONTROL.sub("", s)
    elif _ASCII_CONTROL.search(s):
        s = _ASCII_CONTROL.sub("", s)
    s = " ".join(s.split())
    if limit and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """One spelling per article: https, lower-case host without www., no default port, no
    fragment, no trailing slash, no tracking parameters, remaining parameters sorted."""
    if not url:
        return None
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        s = urlsplit(url)
    except ValueError:
        return None
    if s.scheme.lower() not in ("http", "https") or not s.hostname:
        return None
    host = s.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = s.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", s.path or "/")
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(s.query, keep_blank_values=True)
                   if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES))
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


_PREFIX = re.compile(
    r"^\s*(?:(?:update|updated|refile|corrected|correction|exclusive|breaking|rpt|wrapup|analysis|"
    r"insight|factbox|explainer|video|live|watch|podcast)(?:\s*\d+)?\s*[-:|]\s*)+", re.I)
_NON_WORD = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff]+")


# " - Reuters", " | TechCrunch": the outlet that news-search feeds (Google News, Bing) append
_OUTLET_SUFFIX = re.compile(r"\s+[-|]\s+(?:[^\s|-]+(?:\s+|$)){1,5}$")


def story_key(title: str) -> str:
    """The headline reduced for syndication clustering: wire prefixes ("UPDATE 2-"), an outlet
    suffix (" - Reuters"), case, quotes and punctuation removed. "Hailo’s $120M" and
    "HAILO'S $120M - Reuters" give one key."""
    s = title or ""
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).translate(_QUOTES)
    s = _PREFIX.sub("", s)
    s = _OUTLET_SUFFIX.sub("", s)
    s = s.replace("'", "")
    s = _NON_WORD.sub(" ", s.casefold())
    return _SPACE.sub(" ", s).strip()


def item_key(raw: RawItem, url: str | None) -> str:
    """Identity within a source: the accession number, the feed's id, the canonical URL with the
    headline, or a hash."""
    if raw.accession:
        return "adsh:" + raw.accession
    if raw.guid and raw.guid.strip():
        return "id:" + raw.guid.strip()[:500]
    if url:
        # one address may carry several stories (a live blog's posts): the headline tells them apart
        story = story_key(raw.title)
        return "url:" + url + ("|" + hashlib.sha1(story.encode()).hexdigest()[:12] if story else "")
    h = hashlib.sha1((raw.title + "\0" + raw.summary).encode("utf-8", "replace")).hexdigest()
    return "sha1:" + h


def normalize(raw: RawItem, source: str, fetched_at: datetime | None = None) -> Item:
    """`fetched_at`: when the source was fetched (default: now). A published date in the future or
    before 1990 becomes that time, logged once with the source and the item."""
    url = canonical_url(raw.link)
    title = clean_text(raw.title, MAX_TITLE)
    summary = clean_text(raw.summary, MAX_SUMMARY)
    if not title and summary:
        title = summary[:120]
    key = item_key(raw, url)
    published, why = sane_published(raw.published, fetched_at or utcnow())
    if why is not None:  # a feed's clock or time zone slipped (INFO), or its date is a default (WARNING)
        log.log(logging.INFO if why == FUTURE else logging.WARNING,
                "%s: item %r (%s) is dated %s, %s: taken as published when first seen, %s", source, title, key,
                raw.published, why, published)
    return Item(
        source=source,
        key=key,
        url=url,
        link=raw.link.strip() if raw.link else None,
        title=title,
        summary=summary,
        published=published,
        story_key=story_key(title),
        form=raw.form,
        form_items=tuple(raw.form_items),
        company=raw.company,
        event=raw.event,
    )
