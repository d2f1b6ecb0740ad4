"""EDGAR answers -> RawItems whose form is the event: submissions JSON (filings *by* a watched
company) and full-text search hits (filings that *name* one). Pure.

Times: EDGAR stamps are US Eastern even when the text ends in "Z"; they are converted to true
UTC here. A date-only value (filingDate, file_date) is taken as 00:00 Eastern on that date."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from ... import config, errors, models
from .forms import _CURRENT_REPORTS, FORM_EVENTS, ITEM_WORDS, describe_form, split_items

EASTERN = ZoneInfo("America/New_York")


def eastern_to_utc(value: Any) -> datetime | None:
    """An EDGAR time as aware UTC. EDGAR writes Eastern wall time and often appends a false 'Z'
    ('2025-12-12T18:02:00.000Z' means 18:02 New York time); a real numeric offset is honoured.
    A bare date is 00:00 Eastern on that date. Unparseable -> None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1]
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=EASTERN).astimezone(UTC)
        if re.fullmatch(r"\d{14}", text):  # 20251212180200, as in EDGAR's index files
            dt = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=EASTERN)
    return dt.astimezone(UTC)


def _eastern_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(EASTERN).date()


def filing_link(archive_url: str, cik: str | int, accession: str) -> str:
    """The filing's index page: .../data/{cik}/{accession w/o dashes}/{accession}-index.htm"""
    return f"{archive_url.rstrip('/')}/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"


def _event(filer: str, form: str, items: tuple[str, ...], naming: str | None = None) -> str:
    words = describe_form(form, items)
    text = f"{filer} filed {form}" + (f" ({words})" if words else "")
    return text + (f" naming {naming}" if naming else "")


def _summary(form: str, items: tuple[str, ...], filed: str, filer: str, cik: str,
             accession: str, extra: str = "") -> str:
    parts = []
    words = FORM_EVENTS.get(form)
    parts.append(f"Form {form}" + (f": {words.words}" if words else "") + ".")
    if items and form.upper() in _CURRENT_REPORTS:
        parts.append("Items: " + "; ".join(f"{i} {ITEM_WORDS.get(i, '')}".strip() for i in items) + ".")
    elif items:
        parts.append("Items: " + ", ".join(items) + ".")
    parts.append(f"Filed {filed} by {filer} (CIK {int(cik)}). Accession {accession}.")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _item(source: config.Source, company: config.Company, *, filer: str, cik: str, accession: str,
          form: str, items: tuple[str, ...], filed: str, published: datetime | None,
          naming: str | None = None, extra: str = "") -> models.RawItem:
    event = _event(filer, form, items, naming)
    return models.RawItem(
        guid=accession, title=event, link=filing_link(source.archive_url, cik, accession),
        summary=_summary(form, items, filed, filer, cik, accession, extra), published=published,
        form=form, form_items=items, accession=accession, company=company.name, event=event)


def _wanted(source: config.Source, form: str) -> bool:
    return not source.forms or form in source.forms


def parse_submissions(data: Any, source: config.Source, company: config.Company,
                      now: datetime) -> list[models.RawItem]:
    """A submissions JSON -> one RawItem per recent filing of a wanted form, newest first."""
    try:
        recent = data["filings"]["recent"]
        accessions = recent["accessionNumber"]
        forms = recent["form"]
    except (KeyError, TypeError) as e:
        raise errors.ParseError(f"submissions JSON for {company.name} lacks filings.recent ({e})") from None
    filer = str(data.get("name") or company.name).strip()
    cik = str(data.get("cik") or company.cik or "0")
    if not cik.isdigit():
        cik = company.cik or "0"

    def col(name: str, i: int) -> Any:
        values = recent.get(name) or []
        return values[i] if i < len(values) else None

    cutoff = _eastern_date(now - timedelta(seconds=source.window))
    out: list[tuple[datetime, str, models.RawItem]] = []
    for i, accession in enumerate(accessions):
        form = str(forms[i] if i < len(forms) else "").strip()
        if not accession or not form or not _wanted(source, form):
            continue
        filed = str(col("filingDate", i) or "")
        try:
            if date.fromisoformat(filed) < cutoff:
                continue
        except ValueError:
            continue  # no usable filing date: cannot tell it is recent
        published = eastern_to_utc(col("acceptanceDateTime", i)) or eastern_to_utc(filed)
        items = split_items(col("items", i))
        it = _item(source, company, filer=filer, cik=cik, accession=str(accession), form=form,
                   items=items, filed=filed, published=published)
        out.append((published or datetime.min.replace(tzinfo=UTC), str(accession), it))
    out.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [it for _, _, it in out]


_DISPLAY_TAIL = re.compile(r"\s*\((?:CIK\s*\d+|[A-Z0-9.\-]+(?:,\s*[A-Z0-9.\-]+)*)\)\s*$")


def filer_name(display_name: str) -> str:
    """'NVIDIA CORP  (NVDA)  (CIK 0001045810)' -> 'NVIDIA CORP'."""
    name = display_name.split("  (")[0].strip()
    prev = None
    while prev != name:
        prev, name = name, _DISPLAY_TAIL.sub("", name).strip()
    return name or display_name.strip()


def search_terms(company: config.Company) -> list[str]:
    """Name and aliases worth a full-text query: not ambiguous, at least 3 characters, with
    Latin letters (EDGAR filings are English), each once."""
    seen: dict[str, str] = {}
    for term in [company.name, *company.aliases]:
        t = term.replace('"', "").strip()
        if len(t) < 3 or t in company.ambiguous or not re.search(r"[A-Za-z]", t):
            continue
        seen.setdefault(t.casefold(), t)
    return list(seen.values())


def search_url(source: config.Source, company: config.Company, now: datetime) -> str | None:
    terms = search_terms(company)
    if not terms:
        return None
    params = {"q": " OR ".join(f'"{t}"' for t in terms), "dateRange": "custom",
              "startdt": _eastern_date(now - timedelta(seconds=source.window)).isoformat(),
              "enddt": _eastern_date(now).isoformat()}
    if source.forms:
        params["forms"] = ",".join(source.forms)
    base = source.endpoint
    return base + ("&" if "?" in base else "?") + urlencode(params)


def parse_search(data: Any, source: config.Source, company: config.Company,
                 now: datetime) -> list[models.RawItem]:
    """EFTS hits (one per document) -> one RawItem per filing (accession), newest first."""
    try:
        hits = data["hits"]["hits"]
    except (KeyError, TypeError) as e:
        raise errors.ParseError(f"full-text search answer for {company.name} lacks hits.hits ({e})") from None
    cutoff = _eastern_date(now - timedelta(seconds=source.window))
    filings: dict[str, dict[str, Any]] = {}
    for hit in hits or []:
        src = hit.get("_source") or {}
        accession = str(src.get("adsh") or str(hit.get("_id") or "").split(":")[0]).strip()
        roots = src.get("root_forms") or []
        form = str(src.get("form") or (roots[0] if roots else "")).strip()
        ciks = src.get("ciks") or []
        if not accession or not form or not ciks or not _wanted(source, form):
            continue
        filed = str(src.get("file_date") or "")
        try:
            if date.fromisoformat(filed) < cutoff:
                continue
        except ValueError:
            continue
        f = filings.get(accession)
        if f is None:
            names = src.get("display_names") or []
            filings[accession] = {
                "form": form, "cik": str(ciks[0]), "filed": filed,
                "filer": filer_name(str(names[0])) if names else f"CIK {int(ciks[0])}",
                "items": list(split_items(src.get("items"))), "docs": 1}
        else:  # another document of the same filing
            f["docs"] += 1
            f["items"] += [i for i in split_items(src.get("items")) if i not in f["items"]]
    out = []
    for accession, f in filings.items():
        own = company.cik is not None and int(company.cik) == int(f["cik"])
        out.append(_item(source, company, filer=f["filer"], cik=f["cik"], accession=accession,
                         form=f["form"], items=tuple(f["items"]), filed=f["filed"],
                         published=eastern_to_utc(f["filed"]), naming=None if own else company.name,
                         extra=f"EDGAR full-text search for {company.name}."))
    out.sort(key=lambda it: (it.published or datetime.min.replace(tzinfo=UTC),
                             it.accession or ""), reverse=True)
    return out

