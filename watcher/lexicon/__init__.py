"""Language knowledge, read from one data file per language beside this module: en.toml,
zh-Hans.toml, zh-Hant.toml, ko.toml, ja.toml.

Each file lists
- [[trigger]] blocks: the words that name an event (kind: acquisition, funding, ipo ...), how their
  arguments stand (frame: transfer, raise, licence ...), their part of speech and, where the
  word tells it, the event's stage (talks, filing, withdrawal ...);
- [words]: named classes of words and phrases that frames.py consults (determiners, the verb
  group, background cues, denial cues, customer nouns ...);
- [names]: how the language writes the large companies that buy, license and invest (英伟达,
  輝達, 엔비디아 = Nvidia), so two reports in two scripts can be told to name one counterparty.

The code never holds word lists of its own: what a word means lives here, what to do with it
lives in frames.py and decide.py. Traditional Chinese is read by converting it to Simplified
(OpenCC), so zh-Hant.toml holds only what Traditional-script writers say differently, and text
in either script matches the same Simplified vocabulary.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError

HERE = Path(__file__).parent
LANGUAGES = ("en", "zh-Hans", "zh-Hant", "ko", "ja")

# The one definition of CJK script in watcher: Han (with extensions and compatibility forms),
# kana, and Hangul. Nothing here looks for word boundaries in these scripts (Chinese and Japanese
# have no spaces between words; Korean's spaces are not where its particles attach).
CJK_RANGES = ("\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
              "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f")
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
HAN_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
# Hangul (syllables and jamo): Korean puts spaces between its words, unlike Chinese and Japanese
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# kana: Japanese writes them among its Han characters, Chinese never does
KANA = re.compile("[\u3040-\u30ff]")


def is_cjk(ch: str) -> bool:
    return bool(CJK_CHAR.match(ch))


def has_cjk(text: str) -> bool:
    return CJK_CHAR.search(text) is not None


_T2S: Any = None


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified, keeping every other character and the
    length (offsets into the result are offsets into the input)."""
    global _T2S
    if text.isascii() or not HAN_CHAR.search(text):
        return text
    if _T2S is None:
        import opencc  # loaded on the first Chinese text

        _T2S = opencc.OpenCC("t2s")
    out = str(_T2S.convert(text))
    if len(out) == len(text):
        return out
    # a phrase conversion changed the length: convert character by character instead
    return "".join(c if len(s := str(_T2S.convert(c))) != 1 else s for c in text)


# --------------------------------------------------------------------------- English inflection
_IRREGULAR = {
    "buy": ["bought"], "sell": ["sold"], "take": ["took", "taken"], "get": ["got", "gotten"],
    "win": ["won"], "lead": ["led"], "make": ["made"], "bring": ["brought"], "pay": ["paid"],
    "hold": ["held"], "seek": ["sought"], "spin": ["spun"], "strike": ["struck"],
    "commit": ["committed", "committing"],  # stress on the last syllable doubles the t
    "go": ["went", "gone", "goes", "going"], "do": ["did", "done", "does", "doing"],
    "begin": ["began", "begun", "beginning"],
    "put": ["putting"], "set": ["setting"], "come": ["came"], "draw": ["drew", "drawn"],
    "lock": [], "plow": [], "ring": ["rang", "rung"], "shop": ["shopped", "shopping"],
    "bet": ["betting"], "cut": ["cutting"], "swallow": [], "fund": [], "list": [],
    "write": ["wrote", "written", "writing"],
}
_NO_INFLECT = {"to", "be", "by", "of", "in", "up", "on", "a", "an", "the", "for", "with", "at", "as",
               "from", "its", "it", "and", "or", "into", "out", "off", "over", "is", "are", "was", "has",
               "itself", "spac", "pipe", "via", "through", "s", "f", "ip", "new", "fresh", "non"}
_VOWELS = set("aeiou")


def word_forms(word: str) -> set[str]:
    """English inflections of one word: acquire -> acquires, acquired, acquiring."""
    w = word
    lw = w.lower()
    forms = {w} | set(_IRREGULAR.get(lw, []))  # "go" -> went, gone, goes (short, but a verb)
    if not lw.isalpha() or len(lw) < 3 or lw in _NO_INFLECT:
        return forms
    if w.isupper():  # IPO -> IPOs
        return {w, w + "s"}
    if lw.endswith(("ing", "tion", "sion", "ment", "ness", "ity", "ship", "ance", "ence")):
        return forms | {w + "s"}
    if lw.endswith("s") and not lw.endswith("ss"):
        return forms
    if lw.endswith("e"):
        forms |= {w + "s", w + "d", w[:-1] + "ing"}
    elif lw.endswith("y") and len(lw) > 2 and lw[-2] not in _VOWELS:
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif lw.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {w + "es", w + "ed", w + "ing"}
    else:
        forms |= {w + "s", w + "ed", w + "ing"}
        if len(lw) <= 5 and lw[-1] not in _VOWELS | {"w", "x", "y"} and lw[-2] in _VOWELS \
                and lw[-3] not in _VOWELS:
            d = w + w[-1]
            forms |= {d + "ed", d + "ing"}
    return forms


def phrase_forms(phrase: str) -> set[str]:
    """Inflect the first inflectable word of a verb phrase ("snap up" -> "snapped up"), or the
    last word of a noun phrase is pluralised by word_forms on it ("funding round" -> "funding
    rounds"): every word is tried in turn, which covers both."""
    words = phrase.split(" ")
    out = {phrase}
    for i, word in enumerate(words):
        if CJK_CHAR.search(word) or word.startswith("{"):
            continue
        for f in word_forms(word):
            out.add(" ".join(words[:i] + [f] + words[i + 1:]))
    return out


# Word classes that are read as spans of text (a cue anywhere in a clause or an item), so their
# single words go into the index too; every other class is read token by token (lexicon.has) and
# only its phrases of several words, and its CJK words, are indexed.
SPAN_CLASSES = frozenset({
    "news_marker", "background_cue", "speculation_cue", "denial_cue", "other_event", "customer_cue", "team_noun",
    "own_tech", "market_word", "opinion_label", "opinion_cue", "feature_cue", "report_cue", "other_business",
    "deal_context_cue", "proceeds_talk", "listing_day", "related_stocks", "concept_stocks", "recall_cue", "more_news",
})

# Word classes the frames read from the lexicon directly (around a name already found, or in one
# clause), never looked for by the index: it leaves them out ("米" or "中" would hit everywhere).
UNINDEXED_CLASSES = frozenset({"country_prefix", "name_tail", "zh_self_word", "group_subject", "own_organ",
                               "on_sale_noun", "zh_speech_verb"})

# --------------------------------------------------------------------------- the data
KINDS = ("acquisition", "merger", "sale", "acquihire", "licence", "funding", "valuation", "ipo", "spac", "deal")
FRAMES = ("transfer", "sale", "merger", "hire", "licence", "raise", "invest", "issuer")
STAGES = ("talks", "agreed", "completed", "filing", "hearing", "approval", "listing", "pricing",
          "postponement", "withdrawal", "blocked", "called-off", "rejected")


@dataclass(frozen=True)
class TriggerDef:
    """One trigger word or phrase of one language, with what it means."""

    lang: str
    term: str  # as written in the data file (base form, may hold placeholders)
    kind: str
    frame: str
    pos: str  # "verb" | "noun"
    stage: str | None = None
    needs: str | None = None  # "money": counts only with an amount as its object


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[TriggerDef, ...]
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # class -> folded words/phrases
    exclusions: tuple[tuple[str, str, str], ...] = ()  # (language, guarded trigger, exclusion term)
    names: dict[str, str] = field(default_factory=dict)  # a company's local name (folded) -> its Latin name

    def latin_name(self, name: str) -> str:
        """A company's name in Latin script, where the data files know the local one ("英伟达",
        "輝達", "엔비디아" -> "Nvidia"); otherwise the name as given."""
        key = _fold_term(name.strip())
        latin = self.names.get(key)
        if latin is None:
            # "米インテル", "美国英特尔": a country before a name the table knows (only then: "英伟达"
            # is a name of its own)
            prefixes = self.__dict__.get("_prefixes")
            if prefixes is None:
                prefixes = tuple(sorted(self.words.get("country_prefix", ()), key=len, reverse=True))
                object.__setattr__(self, "_prefixes", prefixes)
            for prefix in prefixes:
                if key.startswith(prefix) and (rest := key[len(prefix):].lstrip("・· ")) in self.names:
                    return self.names[rest]
        return latin or name

    def known_company(self, latin: str) -> bool:
        """Is this the Latin name of a large company the data files know ("Intel", "SoftBank")?"""
        known = self.__dict__.get("_latin_names")
        if known is None:
            known = frozenset(self.names.values())
            object.__setattr__(self, "_latin_names", known)
        return latin in known

    def has(self, cls: str, folded: str) -> bool:
        return folded in self.words.get(cls, frozenset())

    def classes(self, folded: str) -> frozenset[str]:
        """Every class a word or phrase belongs to (one lookup instead of one per class)."""
        index = self.__dict__.get("_classes")
        if index is None:
            built: dict[str, set[str]] = {}
            for cls, words in self.words.items():
                for w in words:
                    built.setdefault(w, set()).add(cls)
            index = {w: frozenset(c) for w, c in built.items()}
            object.__setattr__(self, "_classes", index)
        return index.get(folded, frozenset())  # type: ignore[no-any-return]

    def phrases(self, cls: str) -> frozenset[str]:
        return self.words.get(cls, frozenset())


def _fold_term(s: str) -> str:
    return to_simplified(s.lower().replace("-", " "))


def _triggers(lang: str, data: dict[str, Any]) -> list[TriggerDef]:
    out = []
    where = f"{HERE / (lang + '.toml')}"
    for n, block in enumerate(data.get("trigger", [])):
        kind, frame = block.get("kind"), block.get("frame")
        stage, needs = block.get("stage"), block.get("needs")
        if kind not in KINDS:
            raise ConfigError(f"{where}: trigger[{n}].kind: {kind!r} is not one of {', '.join(KINDS)}")
        if frame not in FRAMES:
            raise ConfigError(f"{where}: trigger[{n}].frame: {frame!r} is not one of {', '.join(FRAMES)}")
        if stage is not None and stage not in STAGES:
            raise ConfigError(f"{where}: trigger[{n}].stage: {stage!r} is not one of {', '.join(STAGES)}")
        unknown = set(block) - {"kind", "frame", "stage", "needs", "verbs", "nouns"}
        if unknown:
            raise ConfigError(f"{where}: trigger[{n}]: unknown key {sorted(unknown)[0]!r}")
        for pos, key in (("verb", "verbs"), ("noun", "nouns")):
            for term in block.get(key, []):
                out.append(TriggerDef(lang, to_simplified(term), kind, frame, pos, stage, needs))
    return out


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Every language's data, merged (word classes of the same name are united). Kept between
    runs in the user's cache folder, keyed by the data files' bytes: reading and folding them
    costs every `watcher check` 20 ms, loading the kept copy 2 ms (a folder that cannot be
    written only means no copy is kept)."""
    texts = []
    for lang in LANGUAGES:
        path = HERE / f"{lang}.toml"
        try:
            texts.append(path.read_bytes())
        except OSError as e:
            raise ConfigError(f"{path}: cannot read the {lang} lexicon: {e}") from None
    key = hashlib.sha256(b"\0".join([_CACHE_FORMAT.encode(), *texts])).hexdigest()[:32]
    folder = _cache_dir()
    kept = folder / f"lexicon-{key}.marshal" if folder is not None else None
    try:
        if kept is not None:
            t, w, x, n = marshal.loads(kept.read_bytes())
            return Lexicon(tuple(TriggerDef(*d) for d in t), w, x, n)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    lex = _build([_parse(lang, b) for lang, b in zip(LANGUAGES, texts, strict=True)])
    if kept is None:
        return lex
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(([astuple(d) for d in lex.triggers], lex.words, lex.exclusions, lex.names)))
        tmp.replace(kept)
    except (OSError, ValueError):
        pass
    return lex


_CACHE_FORMAT = "lexicon 1"  # bump when what load() builds changes shape


def _cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/watcher, else ~/.cache/watcher; None without either (a service with no home)."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "watcher"
    return Path(os.environ["HOME"]) / ".cache" / "watcher" if os.environ.get("HOME") else None


def _parse(lang: str, raw: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{HERE / (lang + '.toml')}: cannot read the {lang} lexicon: {e}") from None


def _build(datas: list[dict[str, Any]]) -> Lexicon:
    triggers: list[TriggerDef] = []
    words: dict[str, set[str]] = {}
    exclusions: list[tuple[str, str, str]] = []
    names: dict[str, str] = {}
    for lang, data in zip(LANGUAGES, datas, strict=True):
        triggers += _triggers(lang, data)
        for cls, terms in (data.get("words") or {}).items():
            words.setdefault(cls, set()).update(_fold_term(t) for t in terms)
        for guard, terms in (data.get("exclude") or {}).items():
            exclusions += [(lang, to_simplified(guard), to_simplified(t)) for t in terms]
        for local, latin in (data.get("names") or {}).items():
            if not isinstance(latin, str) or not latin:
                raise ConfigError(f"{HERE / (lang + '.toml')}: names.{local}: must be a company's name in Latin script")
            names[_fold_term(local)] = latin
    return Lexicon(tuple(triggers), {k: frozenset(v) for k, v in words.items()}, tuple(exclusions), names)


def inflected(term: str, pos: str) -> Iterable[str]:
    """The surface forms of a lexicon term: verbs inflect; nouns and CJK stay as written (a plural
    is listed where it means the same: "acquisitions", "funding rounds")."""
    if has_cjk(term) or pos != "verb":
        return (term,)
    return phrase_forms(term)
