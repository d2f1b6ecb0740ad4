"""Listing pages: bytes -> RawItem through CSS selectors (beautifulsoup4 with lxml).

Selectors come from ``[source.selectors]``: ``item`` picks each entry; inside it ``title``,
``link`` (default "a"; its href), optional ``date`` (a datetime attribute or the text) and
optional ``summary``. Links resolve against the page URL (or its <base href>); the guid is the
absolute link.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from .. import config, models
from ..dates import read_date
from ..errors import ParseError
from .feed import charset_of, codec_name

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def page_encoding(body: bytes, content_type: str, override: str | None) -> str | None:
    """The override, else the HTTP charset, else a <meta> charset anywhere in the first 16 KiB
    (gb2312/gbk read as gb18030); None lets beautifulsoup sniff."""
    for label in (override, charset_of(content_type)):
        name = codec_name(label)
        if name:
            return name
    m = _META_CHARSET.search(body[:16384])
    return codec_name(m.group(1).decode("ascii")) if m else None


def parse_date(text: str | None) -> datetime | None:
    """A date as pages show it -> aware UTC datetime (watcher.dates); None if it cannot be read."""
    return read_date(text)


def _pick(node: Tag, selector: str) -> Tag | None:
    """The first match of ``selector`` in ``node``, or ``node`` itself when it matches (so
    item = "a" with link = "a" works)."""
    try:
        if node.css.match(selector):
            return node
        return node.select_one(selector)
    except SelectorSyntaxError as e:
        raise ParseError(f"bad selector {selector!r}: {e}") from None


def _text(node: Tag | None) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _attr(node: Tag, name: str) -> str | None:
    """An attribute's value. beautifulsoup gives a list only for multi-valued attributes
    (class, rel, ...), never for the ones read here (href, datetime, content)."""
    value = node.get(name)
    return value if value is None or isinstance(value, str) else " ".join(value)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _datelines(soup: BeautifulSoup, selector: str | None, nodes: list[Tag]) -> dict[int, datetime | None]:
    """id(item) -> the date of the nearest dateline above it in the page (siblings, not children:
    "<h2 class=dateline>Friday, 4 March 2016</h2><dl>...items...</dl>")."""
    if not selector:
        return {}
    try:
        heads = soup.select(selector)
    except SelectorSyntaxError as e:
        raise ParseError(f"bad dateline selector {selector!r}: {e}") from None
    wanted = {id(n) for n in heads} | {id(n) for n in nodes}
    head_ids = {id(n) for n in heads}
    out: dict[int, datetime | None] = {}
    current: datetime | None = None
    for el in soup.find_all(True):
        if id(el) not in wanted:
            continue
        if id(el) in head_ids:
            current = parse_date(_text(el))
        else:
            out[id(el)] = current
    return out


def parse(fetched: models.Fetched, source: config.Source) -> list[models.RawItem]:
    sel = source.selectors
    if sel is None:
        raise ParseError("an html source needs selectors")
    if not fetched.body.strip():
        raise ParseError("empty page")
    encoding = page_encoding(fetched.body, fetched.content_type, source.encoding)
    soup = BeautifulSoup(fetched.body, "lxml", from_encoding=encoding)
    base = fetched.base
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        base = urljoin(base, (_attr(base_tag, "href") or "").strip())
    items: list[models.RawItem] = []
    seen: set[str] = set()
    try:
        nodes = soup.select(sel.item)
    except SelectorSyntaxError as e:
        raise ParseError(f"bad item selector {sel.item!r}: {e}") from None
    datelines = _datelines(soup, sel.dateline, nodes)
    for node in nodes:
        link_node = _pick(node, sel.link) if sel.link else None
        href = (_attr(link_node, "href") or "").strip() if link_node is not None else ""
        if href.startswith(("javascript:", "mailto:")) or (sel.link and (not href or href.startswith("#"))):
            continue  # a listing's item without a link to follow is no article (link = "": sections of the page)
        title_node = _pick(node, sel.title)
        title = _text(title_node) or _text(link_node)
        if not title:
            continue
        if href and not href.startswith("#"):
            try:
                link = urljoin(base, href)
            except ValueError:
                continue
        else:  # a section of an article page: the page, at the section's anchor when it has one
            anchor = _attr(node, "id") or (href[1:] if href.startswith("#") else "")
            link = urljoin(base, "#" + anchor) if anchor else base
        guid = link if (href and not href.startswith("#")) or anchor else f"{base}#{_digest(title)}"
        if guid in seen:
            continue
        published = None
        if sel.date:
            date_node = _pick(node, sel.date)
            if date_node is not None:
                published = parse_date(_attr(date_node, "datetime") or _attr(date_node, "content") or _text(date_node))
        if published is None and datelines:
            published = datelines.get(id(node))
        summary = ""
        if sel.summary:
            summary_node = _pick(node, sel.summary)
            summary = summary_node.decode_contents().strip() if summary_node is not None else ""
        seen.add(guid)
        items.append(models.RawItem(guid=guid, title=title, link=link, summary=summary, published=published))
    return items
