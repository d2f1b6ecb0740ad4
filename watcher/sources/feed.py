"""RSS 0.9x/1.0/2.0 and Atom: bytes -> RawItem.

The flow, all synchronous (the caller runs it in a worker thread):

1. ``decode``: choose the encoding (the source's override, else HTTP charset / BOM / XML
   declaration, checked by strict decoding; gb2312/gbk read as gb18030) and make text. UTF-8
   with a few invalid bytes stays UTF-8: only those bytes are guessed, within their field.
2. ``_clean``: drop the XML declaration and any DOCTYPE with its internal subset, so no parser
   can expand entity declarations (billion laughs, quadratic blow-up); turn HTML named entities
   into character references, drop control characters XML forbids.
3. Fast path: lxml (about 30x faster than feedparser) reads well-formed RSS 2.0/0.9x, RSS 1.0
   and Atom 1.0, picking fields the way feedparser does.
4. Anything else (malformed XML, Atom 0.3, CDF, ...) goes to feedparser, the robust reference,
   fed the same cleaned UTF-8 text. A body neither finds a feed in raises ParseError.
"""
from __future__ import annotations

import base64
import binascii
import calendar
import codecs
import html.entities
import io
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, TypedDict
from urllib.parse import urljoin, urlsplit

from .. import config, models
from ..dates import read_date
from ..errors import ParseError

if TYPE_CHECKING:
    from lxml import etree  # type: ignore[import-untyped]  # no py.typed; lxml-stubs is not installed

# --- encoding ---------------------------------------------------------------------------------

# Single-byte charsets that decode anything: weak evidence, tried only after strict candidates
# and UTF-8 (servers and templates often claim latin-1 for UTF-8 text).
_WEAK = {"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_XML_DECL_ENC = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def codec_name(label: str | None) -> str | None:
    """A Python codec for a charset label, or None if unknown. gb2312 and gbk become gb18030,
    their superset, since real "gb2312" pages use characters only gbk/gb18030 have."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def charset_of(content_type: str) -> str | None:
    m = _CHARSET.search(content_type or "")
    return m.group(1) if m else None


def decode(body: bytes, content_type: str = "", override: str | None = None) -> str:
    """Bytes -> text. The override wins; otherwise the first declared encoding that decodes
    strictly, then UTF-8, then UTF-8 with its few stray bytes guessed one by one (mostly_utf8),
    then the declared single-byte charset; when the headers, the BOM and the XML declaration are
    all silent, the charset a detector (charset-normalizer) finds, then windows-1252."""
    forced = codec_name(override)
    if forced:
        return body.decode(forced, "replace").lstrip("\ufeff")
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, "replace").lstrip("\ufeff")
    m = _XML_DECL_ENC.match(body[:1024])
    labels = [codec_name(charset_of(content_type)), codec_name(m.group(1).decode("ascii") if m else None)]
    declared = [d for d in labels if d and not d.startswith(("utf-16", "utf-32"))]
    for name in [d for d in declared if d not in _WEAK] + ["utf-8"]:
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            continue
    if mostly_utf8(body):  # a few stray bytes (one field pasted from elsewhere): they alone are guessed
        return body.decode("utf-8", _STRAY)
    weak = next((d for d in declared if d in _WEAK), None) or (None if declared else detect(body)) or "cp1252"
    return body.decode(weak, "replace")


# One well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, surrogates or code points
# beyond U+10FFFF).
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                       rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                       rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_HIGH = bytes(range(0x80, 0x100))


def mostly_utf8(body: bytes) -> bool:
    """True when more of the body's non-ASCII text is well-formed UTF-8 than not: UTF-8 with a
    few stray bytes. Text in a legacy charset has some byte pairs that happen to be UTF-8 too,
    but far fewer than bytes that are not (about a third as many at most over the corpus: GB2312,
    Big5, Shift_JIS, EUC-JP/KR, TIS-620; next to none in latin-1 or cp1252 feeds)."""
    rest, sequences = _UTF8_SEQ.subn(b"", body)
    stray = len(rest) - len(rest.translate(None, _HIGH))
    return sequences > stray


def _guess_stray(e: UnicodeError) -> tuple[str, int]:
    """Decode error handler: a stray byte is read as windows-1252 (a latin-1 "é" pasted into a
    UTF-8 feed stays "é"); a multi-byte sequence cut short becomes U+FFFD."""
    if not isinstance(e, UnicodeDecodeError):
        raise e
    bad = e.object[e.start:e.end]
    return ("\ufffd" if len(bad) > 1 else bad.decode("cp1252", "replace")), e.end


_STRAY = "watcher.stray-as-cp1252"
codecs.register_error(_STRAY, _guess_stray)


def detect(body: bytes) -> str | None:
    """The charset undeclared bytes are most likely in (Big5, KOI8-R, Shift_JIS ...), or None."""
    from charset_normalizer import from_bytes  # loads only for the rare feed that says nothing

    found = list(from_bytes(body[:65536]))
    if not found:
        return None
    best = min(m.chaos for m in found)
    tied = [m.encoding for m in found if m.chaos <= best + 0.01]
    # Latin text fits many code pages equally well; undeclared, the web's default (WHATWG) is windows-1252
    return codec_name("cp1252" if "cp1252" in tied else tied[0])


# --- cleaning ---------------------------------------------------------------------------------

_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# A DOCTYPE up to its end: either "[ internal subset ]>" or a plain ">".
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]{0,31});")
# Read left to right, whichever starts first: CDATA sections and comments are literal text (a
# "<!DOCTYPE" inside one stays); a DOCTYPE, internal subset and all, goes.
_LITERAL_OR_DOCTYPE = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>",
                                 re.IGNORECASE | re.DOTALL)
_XML_NAMED = {"amp", "lt", "gt", "quot", "apos"}
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _named_ref(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _XML_NAMED:
        whole: str = m.group(0)
        return whole
    cp = html.entities.name2codepoint.get(name)
    # Unknown names (including ones a stripped DOCTYPE declared) stay visible as text.
    return f"&#{cp};" if cp else f"&amp;{name};"


def _clean_markup(part: str) -> str:
    """Markup outside CDATA: declarations neutralised, HTML named entities made numeric."""
    if "<!" in part:
        part = _DOCTYPE.sub("", part)
        part = _ENTITY_DECL.sub("&lt;!ENTITY", part)  # any declaration the DOCTYPE regex missed
    if "&" in part:
        part = _NAMED_REF.sub(_named_ref, part)
    return part


def _clean(text: str) -> str:
    text = _DECL.sub("", text.lstrip("\ufeff"), count=1).lstrip()
    if "<!" in text or "&" in text:
        out, pos = [], 0
        for m in _LITERAL_OR_DOCTYPE.finditer(text) if "<!" in text else ():
            out.append(_clean_markup(text[pos:m.start()]))
            out.append("" if m.group(0)[:9].upper() == "<!DOCTYPE" else m.group(0))
            pos = m.end()
        out.append(_clean_markup(text[pos:]))
        text = "".join(out)
    return _BAD_CHARS.sub("", text)


# --- fast path (lxml) -------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS10 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
MEDIA = "{http://search.yahoo.com/mrss/}"

_Field = Literal["title", "summary", "published", "updated", "id", "content", "link"]


class _Entry(TypedDict, total=False):
    """One entry: the fast path fills _Field keys with the text as found; the feedparser path
    fills id, title, link, summary, content and the parsed dates."""

    id: str | None
    title: str
    link: str | None
    summary: str
    content: str | None
    published: str
    updated: str
    published_parsed: time.struct_time | None
    updated_parsed: time.struct_time | None


# element -> the feedparser field it fills (as feedparser maps them).
_FIELDS: dict[str, _Field] = {
    "title": "title", "description": "summary", "pubDate": "published", "guid": "id",
    "lastBuildDate": "updated", "updated": "updated", f"{CONTENT}encoded": "content", f"{DC}title": "title",
    f"{DC}description": "summary", f"{DC}date": "updated", f"{DCTERMS}issued": "published",
    f"{DCTERMS}modified": "updated", f"{ATOM}title": "title", f"{ATOM}summary": "summary",
    f"{ATOM}content": "content", f"{ATOM}published": "published", f"{ATOM}updated": "updated",
    f"{ATOM}id": "id", "summary": "summary", "fullitem": "content", "body": "content",
    f"{XHTML}body": "content",
}
for _ns in (RSS10, RSS090):
    _FIELDS.update({f"{_ns}title": "title", f"{_ns}description": "summary", f"{_ns}link": "link"})
_HTML_TYPES = {"html", "xhtml", "text/html", "application/xhtml+xml"}
_XMLNS_ATTR = re.compile(r' xmlns(?::\w+)?="[^"]*"')
_PARSER_OPTS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
                "remove_comments": True, "remove_pis": True}
# feedparser maps C1 control characters to the windows-1252 characters they were meant to be.
_CP1252 = {c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)}


def _inner(el: etree._Element) -> str:
    """Text content, or the serialized markup when the element holds child elements."""
    if len(el) == 0:
        return el.text or ""
    children = list(el)
    if el.get("type") == "xhtml" and len(children) == 1 and children[0].tag == f"{XHTML}div" \
            and not (el.text or "").strip():
        el = children[0]
    from lxml import etree

    parts = [el.text or ""] + [etree.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return _XMLNS_ATTR.sub("", "".join(parts)).replace(XHTML, "")


def _join(base: str | None, uri: str) -> str:
    if uri.startswith(("http://", "https://")) and uri[-1] not in "?#;":
        return uri  # absolute already: urljoin would only split and rejoin it (a third of the parse)
    try:
        return urljoin(base or "", uri)
    except ValueError:  # e.g. a malformed IPv6 host: keep the value as given
        return uri


def _tidy(value: str) -> str:
    value = value.strip()
    if value.isascii():
        return value  # no mojibake to undo, no C1 controls to map
    try:  # feedparser's fix for UTF-8 text that was decoded as latin-1 somewhere upstream
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.translate(_CP1252)


class _Unsupported(Exception):
    """Something the fast path does not model: leave the feed to feedparser."""


def _is_data(media_type: str | None) -> bool:
    """An Atom content type that is data (text/xml, application/json ...), not text to read."""
    t = (media_type or "").strip().lower()
    return bool(t) and t not in ("text", "html", "xhtml", "text/plain", "text/html", "application/xhtml+xml") and (
        "xml" in t or "json" in t)


def _is_binary(media_type: str | None) -> bool:
    """Atom content of a media type that is neither text nor XML: its text is base64 (RFC 4287 4.1.3.3)."""
    t = (media_type or "").strip().lower()
    return bool(t) and "/" in t and not t.startswith("text/") and not _is_data(t) and t != "application/xhtml+xml"


def _base64_text(data: str) -> str | None:
    try:
        return base64.b64decode("".join(data.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _entry_fast(entry: etree._Element, feed_base: str) -> _Entry:
    out: _Entry = {}
    if entry.get(f"{RDF}about"):
        out["id"] = entry.get(f"{RDF}about")
    guid_link = None
    for el in entry:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        href = el.get("href")
        if (tag.endswith("}link") or tag == "link") and href is not None and not (el.text or "").strip():
            rel = el.get("rel", "alternate")  # atom:link, also inside RSS (and written bare there)
            typ = el.get("type", "text/html")
            if rel == "alternate" and typ in _HTML_TYPES:
                out["link"] = _join(el.base or feed_base, href.strip())
            continue
        if tag in ("link", f"{RSS10}link", f"{RSS090}link", f"{ATOM}link"):  # the URL as text (no href)
            if tag == f"{ATOM}link" and el.get("rel", "alternate") != "alternate":
                continue
            value = _tidy(el.text or "").replace("&amp;", "&")
            value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
            if value:
                out["link"] = _join(el.base or feed_base, value)
            continue
        if tag == f"{MEDIA}title":
            out.setdefault("title", _tidy(_inner(el)))  # a fallback: <title> wins wherever it stands
            continue
        field = _FIELDS.get(tag)
        if field is None:
            continue
        if el.get("mode") == "base64":
            raise _Unsupported(tag)
        if tag == f"{ATOM}content" and _is_data(el.get("type")):
            continue  # SEC company feeds: <content type="text/xml"> holds fields, not prose
        if tag.startswith(ATOM) and _is_binary(el.get("type")):
            decoded = _base64_text(el.text or "")  # Atom: any other media type is base64
            field = _FIELDS.get(tag)
            if decoded is not None and field == "title":
                out["title"] = decoded
                continue
            if decoded is not None:
                out.setdefault("content", decoded)
            continue
        value = _tidy(_inner(el))
        if field == "id":
            is_link = el.get("isPermaLink", el.get("ispermalink", "true")) == "true"
            if value and is_link:
                value = _join(el.base or feed_base, value)
                guid_link = guid_link or value
        if field == "content":
            out.setdefault("content", value)
        else:
            out[field] = value
    if "link" not in out and guid_link:
        out["link"] = guid_link
    return out


def _parse_fast(text: str, url: str) -> list[_Entry] | None:
    """Entries as dicts, or None when this is not plain well-formed RSS/RDF/Atom 1.0."""
    from lxml import etree  # loads with the first feed to parse (a quiet poll parses none)

    parser = etree.XMLParser(**_PARSER_OPTS)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser, base_url=url or None)
    except (etree.XMLSyntaxError, ValueError):
        return None
    tag = root.tag
    if tag == "rss":
        entries = root.iter("item")
    elif tag == f"{RDF}RDF":
        entries = [e for e in root.iter(f"{RSS10}item", f"{RSS090}item")]
        if not entries and root.find(f"{RSS10}channel") is None and root.find(f"{RSS090}channel") is None:
            return None
    elif tag == f"{ATOM}feed":
        entries = root.iter(f"{ATOM}entry")
    else:
        return None
    entries = list(entries)
    if not entries and any(isinstance(el.tag, str) and etree.QName(el).localname in ("item", "entry")
                           for el in root.iter()):
        return None  # entries where this reader does not look for them (<item> in Atom): feedparser reads them
    try:
        return [_entry_fast(e, url) for e in entries]
    except _Unsupported:
        return None


# --- fallback (feedparser) --------------------------------------------------------------------


def _parse_slow(text: str, url: str) -> list[_Entry]:
    import feedparser  # the fallback loads only for a feed the fast path cannot read

    d = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
        sanitize_html=False, resolve_relative_uris=False,
    )
    if not d.get("version") and not d.entries:
        reason = d.get("bozo_exception") or "no channel, feed or entries found"
        raise ParseError(f"not an RSS or Atom feed: {str(reason)[:200]}")
    out: list[_Entry] = []
    for e in d.entries:
        get = dict(e).get  # plain lookups: FeedParserDict aliases updated_parsed with a warning
        content = [c for c in get("content") or () if not _is_data(c.get("type"))]
        out.append({
            "id": get("id"), "title": get("title", ""), "link": get("link"), "summary": get("summary", ""),
            "content": content[0].get("value") if content else None,
            "published": get("published") or "", "updated": get("updated") or "",
            "published_parsed": get("published_parsed"), "updated_parsed": get("updated_parsed"),
        })
    return out


# --- RawItem ----------------------------------------------------------------------------------


def _utc(tm: time.struct_time | None) -> datetime | None:
    if tm is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(tm), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _when(text: str | None, parsed: time.struct_time | None) -> datetime | None:
    """The date as written, read by watcher.dates (which knows "2020/1/10 14:33", "Seg, 24 Set
    2018"); feedparser's reading of it only where ours has none."""
    found = read_date(text) if text else None
    if found is not None:
        return found
    if parsed is None and text:
        from feedparser.datetimes import _parse_date  # type: ignore[import-untyped]  # no types shipped

        parsed = _parse_date(text)
    return _utc(parsed)


def _to_raw(e: _Entry, url: str) -> models.RawItem:
    published = _when(e.get("published"), e.get("published_parsed")) or _when(e.get("updated"),
                                                                             e.get("updated_parsed"))
    link = e.get("link") or None
    if link:
        link = _join(url, link)
        try:
            urlsplit(link).port  # noqa: B018 - raises ValueError on a host no client can reach
        except ValueError:
            link = None  # "http://example.c[o.test/": not a link to follow
    return models.RawItem(
        guid=e.get("id") or None,
        title=e.get("title") or "",
        link=link,
        summary=e.get("content") or e.get("summary") or "",
        published=published,
    )


def parse(fetched: models.Fetched, source: config.Source) -> list[models.RawItem]:
    """Parse a fetched RSS/Atom body. Raises ParseError when the body is no feed at all;
    a malformed feed that still yields entries keeps them."""
    if not fetched.body.strip():
        raise ParseError("not an RSS or Atom feed: empty body")
    text = _clean(decode(fetched.body, fetched.content_type, source.encoding))
    base = fetched.base
    entries = _parse_fast(text, base)
    if entries is None:
        entries = _parse_slow(text, base)
    return [_to_raw(e, base) for e in entries]
