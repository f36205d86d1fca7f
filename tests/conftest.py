"""Shared test helpers: a small generator of news-like articles (written for these tests).

Articles are built from sentence templates whose slots are filled with names, places,
numbers and ordinary English words, deterministically from a seed, so index and search
tests can build a corpus in the test itself without reading ../shared.
"""

from __future__ import annotations

import random

import pytest

_PEOPLE = (
    "Maria Keller",
    "Tomas Brandt",
    "Aisha Okafor",
    "Liam Fitzgerald",
    "Chen Wei",
    "Sofia Marquez",
    "Oskar Lindqvist",
    "Priya Raman",
    "Daniel Novak",
    "Grace Mbeki",
    "Henrik Aalto",
    "Yusuf Demir",
    "Elena Petrova",
    "Marcus Hale",
    "Ingrid Solberg",
)
_PLACES = (
    "Ardmore",
    "Kesterton",
    "Brackley Bay",
    "Millford",
    "Oban Ridge",
    "Castleton",
    "Ferrow",
    "Dunmere",
    "Halvik",
    "Westerby",
    "Porthallow",
    "Greywick",
)
_GROUPS = (
    "the city council",
    "the regional water board",
    "the hospital trust",
    "the teachers union",
    "the chamber of commerce",
    "the port authority",
    "the university",
    "the farmers association",
    "the transport ministry",
    "the housing agency",
)
_SUBJECTS = (
    "bridge",
    "school",
    "harbour",
    "railway line",
    "library",
    "power station",
    "market",
    "clinic",
    "stadium",
    "airport",
    "reservoir",
    "museum",
    "factory",
    "ferry service",
)
_ACTIONS = (
    ("approved", "plans to rebuild"),
    ("rejected", "a proposal to close"),
    ("announced", "funding to expand"),
    ("delayed", "the decision to sell"),
    ("defended", "the cost of repairing"),
    ("criticised", "the slow progress on"),
    ("welcomed", "the report on"),
    ("questioned", "the safety of"),
)
_TEMPLATES = (
    "On {day}, {group} {verb} {plan} the {subject} in {place}, a project expected to cost "
    "{money} million pounds over {years} years.",
    "{person}, who has led the campaign since {year}, said the {subject} was vital for the "
    "{count} families who depend on it every week.",
    "Critics argue that the money would be better spent on roads and housing, and they warned "
    "that the {subject} in {place} could face further delays.",
    "According to figures published by {group}, demand for the {subject} rose by {percent} "
    "per cent last year, the largest increase since {year}.",
    "{person} told reporters that the council had ignored the views of residents and promised "
    "to take the matter to the courts if necessary.",
    "Engineers inspected the {subject} in {month} and found serious damage to the foundations, "
    "which must be repaired before the winter storms arrive.",
    "The opposition leader, {person}, called for an independent inquiry into how the contract "
    "was awarded and demanded that the documents be made public.",
    "Local businesses in {place} say they have already lost customers because of the building "
    "work, and several shops on the high street have closed.",
    "A spokesperson for {group} said the final design would be presented at a public meeting "
    "in {month}, when residents will be able to ask questions.",
    "Work on the {subject} is due to begin in {month} {next_year} and should be finished "
    "within {years} years, provided the weather is kind.",
    "Supporters of the scheme gathered outside the town hall in {place} on {day}, carrying "
    "banners and handing out leaflets to passing drivers.",
    "The chief executive of {group}, {person}, admitted that mistakes had been made but "
    "insisted that the project remained good value for money.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = ("January", "March", "April", "June", "September", "October", "November")


def news_article(seed: int, *, paragraphs: int = 5) -> str:
    """A deterministic news-like article: a title and ``paragraphs`` paragraphs."""
    rng = random.Random(seed)
    subject, place = rng.choice(_SUBJECTS), rng.choice(_PLACES)
    verb, plan = rng.choice(_ACTIONS)

    def fill(template: str) -> str:
        return template.format(
            day=rng.choice(_DAYS),
            group=rng.choice(_GROUPS),
            verb=verb,
            plan=plan,
            subject=subject,
            place=place if rng.random() < 0.7 else rng.choice(_PLACES),
            money=rng.randint(2, 900),
            years=rng.randint(2, 9),
            person=rng.choice(_PEOPLE),
            year=rng.randint(1975, 2019),
            next_year=rng.randint(2025, 2031),
            count=rng.randint(120, 9000),
            percent=rng.randint(3, 60),
            month=rng.choice(_MONTHS),
        )

    title = f"{place} {subject} plan {verb} by {rng.choice(_GROUPS).removeprefix('the ')}"
    body = []
    for _ in range(paragraphs):
        sentences = [fill(t) for t in rng.sample(_TEMPLATES, rng.randint(3, 4))]
        body.append(" ".join(sentences[0:1] + sentences[1:]))
        body[-1] = body[-1][0].upper() + body[-1][1:]
    return "\n\n".join([title.capitalize(), *body]) + "\n"


@pytest.fixture(scope="session")
def news() -> list[str]:
    """Forty generated articles (seeds 0..39)."""
    return [news_article(seed) for seed in range(40)]
