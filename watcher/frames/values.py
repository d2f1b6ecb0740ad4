"""The values the frame readers hand on: a Frame (one watched company's part in one event, as one
sentence tells it) and the context a sentence is read in."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    kind: str  # acquisition | merger | sale | acquihire | licence | funding | valuation | ipo | spac | deal
    stage: str | None  # talks, agreed, filing, withdrawal ... when the words tell it
    trigger: str  # as found
    company: int  # index of the watched company
    alias: str  # its name as found
    role: str  # target, acquirer, party, team, licensor, licensee, recipient, investor, issuer, ...
    via: str  # how the name is tied to the trigger: subject, object, possessor, compound, by, of ...
    counterparty: str | None = None  # the buyer, licensee or lead investor when the text names one
    amount: str | None = None
    field: str = "title"  # title | summary
    sentence: int = 0  # which sentence of the field (0 = first)
    snippet: str = ""
    clause: str = "main"  # main | relative | subordinate | descriptive
    question: bool = False
    background: str | None = None  # why this is history, not news
    modality: str = "fact"  # fact | denial | negated | not_yet (a step not yet taken: "尚未上市") | speculation
    customer: str | None = None  # why this is a customer deal
    rule: int | None = None  # for a rule's own keyword
    doubt: str | None = None  # why the name may mean someone else (identity)
    news: bool = False  # the sentence marks itself as fresh news ("on Tuesday", "today")
    tail: str = ""  # the sentence from the trigger on (the round it goes on to name)
    before: str = ""  # the sentence up to the trigger (the date it may give the event)
    to_date: bool = False  # "has raised $625 million": money raised to date, no round told (cues.to_date)


@dataclass
class Ctx:
    field: str
    sentence: int
    topic: int  # the company "the startup" / "it" stands for (-1: none)
    question: bool
    news: bool
    bare_topic: bool = False  # a bare "chip startup" (no "the") may stand for the topic too
    topic_doubt: str | None = None  # why the topic's name may mean someone else
    today: tuple[int, int] = (0, 0)  # (year, month) the item was published: what "in 2025" is to it
