"""Pure: one reader for the dates feeds and pages show, to aware UTC.

    read_date("Tue, 02 Jan 2024 03:04:05 +0100")     RFC 822, as RSS writes it
    read_date("2024-01-02T03:04:05Z")                ISO 8601, as Atom writes it
    read_date("2020/1/10 14:33:00")                  slashes and unpadded fields (Chinese feeds)
    read_date("Seg, 24 Set 2018 19:42:40 -0300")     Portuguese, Spanish, French, German, Italian names
    read_date("March  6, 2016  1:46 PM PT")          12-hour clock and US zone names (pages)
    read_date("Friday,  4 March 2016")               a weekday in front
    read_date("2024年3月5日 14:30")                    CJK dates

A time without a zone is taken as UTC (the feed gave no better). Unreadable -> None.

    sane_published(published, fetched_at)            a date a feed could not mean, replaced
"""
from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta, timezone

# Month and weekday names in the languages feeds come in, mapped to English.
_MONTHS = {
    "jan": 1, "january": 1, "janeiro": 1, "enero": 1, "janvier": 1, "januar": 1, "gennaio": 1, "ene": 1, "janv": 1,
    "feb": 2, "february": 2, "fev": 2, "fevereiro": 2, "febrero": 2, "fevrier": 2, "février": 2, "februar": 2,
    "febbraio": 2, "févr": 2, "fevr": 2, "mar": 3, "march": 3, "marco": 3, "março": 3, "marzo": 3, "mars": 3,
    "märz": 3, "maerz": 3, "mär": 3, "apr": 4, "april": 4, "abr": 4, "abril": 4, "avril": 4, "avr": 4, "aprile": 4,
    "may": 5, "mai": 5, "maio": 5, "mayo": 5, "maggio": 5, "mag": 5, "jun": 6, "june": 6, "junho": 6, "junio": 6,
    "juin": 6, "juni": 6, "giugno": 6, "giu": 6, "jul": 7, "july": 7, "julho": 7, "julio": 7, "juillet": 7,
    "juil": 7, "juli": 7, "luglio": 7, "lug": 7, "aug": 8, "august": 8, "ago": 8, "agosto": 8, "août": 8,
    "aout": 8, "sep": 9, "sept": 9, "september": 9, "set": 9, "setembro": 9, "septiembre": 9, "septembre": 9,
    "settembre": 9, "oct": 10, "october": 10, "out": 10, "outubro": 10, "octubre": 10, "octobre": 10, "okt": 10,
    "oktober": 10, "ottobre": 10, "ott": 10, "nov": 11, "november": 11, "novembro": 11, "noviembre": 11,
    "novembre": 11, "dec": 12, "december": 12, "dez": 12, "dezembro": 12, "dic": 12, "diciembre": 12,
    "décembre": 12, "decembre": 12, "déc": 12, "dezember": 12, "dicembre": 12,
}
_WEEKDAYS = frozenset("""mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday
sun sunday seg segunda ter terca terça qua quarta qui quinta sex sexta sab sáb sabado sábado dom domingo lun lunes
mar martes mie mié miercoles miércoles jue jueves vie viernes lundi mardi mercredi jeudi vendredi samedi dimanche
mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag so sonntag lunedi lunedì martedi martedì
mercoledi mercoledì giovedi giovedì venerdi venerdì sabato domenica""".split())
# Zone names as pages and feeds write them (RFC 822 and US usage); hours from UTC.
_ZONES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "et": -5, "est": -5, "edt": -4, "ct": -6, "cst": -6, "cdt": -5,
    "mt": -7, "mst": -7, "mdt": -6, "pt": -8, "pst": -8, "pdt": -7, "bst": 1, "cet": 1, "cest": 2, "jst": 9,
    "kst": 9, "hkt": 8, "sgt": 8, "ist": 5.5,
}
# US zones named without S/D ("PT", "ET") follow daylight saving time: March to early November.
_US_GENERIC = {"et", "ct", "mt", "pt"}

_NUMERIC = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
                      r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:时](\d{2})(?:[:分](\d{2}))?秒?)?$")
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_WORD = re.compile(r"[^\W\d_]+\.?", re.U)
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?m\.?$", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$")
_OFFSET = re.compile(r"^(?:gmt|utc)?([+-])(\d{1,2}):?(\d{2})?$", re.I)


def read_date(text: str | None) -> datetime | None:
    """`text` as an aware UTC datetime, or None when it cannot be read."""
    if not text:
        return None
    s = " ".join(text.split())
    if not s:
        return None
    for reader in (_iso, _numeric, _rfc822, _words):
        when = reader(s)
        if when is not None:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def _utc(when: datetime) -> datetime:
    if not when.tzinfo:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+01:00" is in year 0: as absurd as the edge it passed
        return (datetime.min if when.year == 1 else datetime.max).replace(tzinfo=UTC)


def _iso(s: str) -> datetime | None:
    try:
        return _utc(datetime.fromisoformat(s.replace("z", "Z")))
    except ValueError:
        return None


def _numeric(s: str) -> datetime | None:
    for pattern, order in ((_NUMERIC, "ymd"), (_CJK, "ymd"), (_DMY, "dmy")):
        m = pattern.match(s)
        if not m:
            continue
        g = m.groups()
        y, mo, d = (int(g[0]), int(g[1]), int(g[2])) if order == "ymd" else (int(g[2]), int(g[1]), int(g[0]))
        try:
            when = datetime(y, mo, d, int(g[3] or 0), int(g[4] or 0), int(g[5] or 0))
        except ValueError:
            return None
        zone = g[6] if len(g) > 6 else None
        if zone:
            return _utc(when.replace(tzinfo=UTC if zone.upper() == "Z" else _offset(zone)))
        return when.replace(tzinfo=UTC)
    return None


def _offset(zone: str) -> timezone:
    m = _OFFSET.match(zone)
    if not m:
        return UTC
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


_RFC822 = re.compile(r"^(?:[A-Za-z]{3,9},?\s*)?\d{1,2}\s+[A-Za-z]{3,9}\.?\s+(?P<year>\d{2,4})"
                     r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[A-Za-z]{1,5}|[+-]\d{4}))?$")


def _rfc822(s: str) -> datetime | None:
    """Only the RFC 822 shape: email.utils would read "1:46 PM" as 01:46."""
    m = _RFC822.match(s)
    if not m:
        return None
    try:
        when = email.utils.parsedate_to_datetime(s)
        year = m.group("year")
        if len(year) == 4 and when.year != int(year):  # it reads "0001" (.NET's empty date) as 2001
            when = when.replace(year=int(year))
        return _utc(when)
    except (TypeError, ValueError, IndexError):
        return None


def _words(s: str) -> datetime | None:
    """Dates written with names: weekday dropped, month read in any language, 12-hour clocks and
    zone names and offsets understood, day/month/year in either order."""
    day = month = year = None
    hour = minute = second = 0
    zone: timezone | None = None
    generic: str | None = None
    tokens = [t for t in re.split(r"[\s,]+", s.replace("de ", " ")) if t]
    i = 0
    while i < len(tokens):
        t = tokens[i].strip(".").lower()
        nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if t in _MONTHS and month is None and not (t == "mar" and _weekday_mar(tokens, i)):
            month = _MONTHS[t]
        elif t in _WEEKDAYS:
            pass
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", t) and day is None and not _CLOCK.match(f"{t} {nxt}"):
            day = int(re.sub(r"\D", "", t))
        elif re.fullmatch(r"\d{4}", t) and year is None:
            year = int(t)
        elif (c := _CLOCK.match(f"{t} {nxt}" if nxt in ("am", "pm", "a.m.", "p.m.") else t)) is not None:
            hour = int(c.group(1)) % 12 + (12 if c.group(4).lower() == "p" else 0)
            minute, second = int(c.group(2) or 0), int(c.group(3) or 0)
            if nxt in ("am", "pm", "a.m.", "p.m."):
                i += 1
        elif (c := _TIME.match(t)) is not None:
            hour, minute, second = int(c.group(1)), int(c.group(2)), int(c.group(3) or 0)
        elif t in _ZONES:
            zone = timezone(timedelta(hours=_ZONES[t]))
            generic = t if t in _US_GENERIC else None
        elif _OFFSET.match(t) and (t[0] in "+-" or t[:3] in ("gmt", "utc")):
            zone = _offset(t)
        elif t in ("at", "um", "à", "a", "às", "as", "h", "uhr", "le", "el", "the", "of", "on"):
            pass
        else:
            return None  # a word this reader does not know: better no date than a wrong one
        i += 1
    if day is None or month is None or year is None:
        return None
    try:
        when = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if zone is None:
        return when.replace(tzinfo=UTC)
    if generic is not None and _us_summer(when):
        zone = timezone(zone.utcoffset(None) + timedelta(hours=1))
    return _utc(when.replace(tzinfo=zone))


def _weekday_mar(tokens: list[str], i: int) -> bool:
    """Spanish "mar" is Tuesday when a month name follows."""
    return any(t.strip(".").lower() in _MONTHS and t.strip(".").lower() != "mar" for t in tokens[i + 1:])


def _us_summer(when: datetime) -> bool:
    """US daylight saving time: second Sunday of March to the first Sunday of November."""
    start = datetime(when.year, 3, 8) + timedelta(days=(6 - datetime(when.year, 3, 8).weekday()) % 7)
    end = datetime(when.year, 11, 1) + timedelta(days=(6 - datetime(when.year, 11, 1).weekday()) % 7)
    return start + timedelta(hours=2) <= when < end + timedelta(hours=2)


# A date later than the fetch by more than this is in the future (a little clock skew is not).
FUTURE_SKEW = timedelta(minutes=10)
# Older than any news feed: such a date is a default or a misreading (1970-01-01, 0001-01-01).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE, TOO_EARLY = "in the future", f"before {EARLIEST.year}"  # why sane_published replaced a date


def sane_published(published: datetime | None, fetched_at: datetime) -> tuple[datetime | None, str | None]:
    """The date to keep for an item fetched at `fetched_at`, and why it was replaced (None: kept).

    A date in the future (beyond FUTURE_SKEW) is taken as the fetch time: nothing read now was
    published later, and a date years ahead would keep the item "fresh" past every max_age. An
    absurd one (before EARLIEST) is taken as the fetch time too, when the item was first seen:
    left as it was, max_age would silently keep the item from ever alerting. No date stays none."""
    if published is None:
        return None, None
    when = published if published.tzinfo else published.replace(tzinfo=UTC)
    if when < EARLIEST:
        return fetched_at, TOO_EARLY
    if when > fetched_at + FUTURE_SKEW:
        return fetched_at, FUTURE
    return published, None


def utcnow() -> datetime:
    """Now, aware UTC: the default clock."""
    return datetime.now(UTC)
