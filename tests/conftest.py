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


# Word pools of prose_article(): each article draws its own vocabulary from them, so two
# articles share function words and a few content words, not phrases or sentences.
_NOUNS = tuple(
    """
    apple anchor badge barrel basket beacon blanket boiler bottle bracket canal candle
    canyon carpet castle cellar chimney circus clover cobbler compass cottage crystal
    curtain dagger desert diamond dolphin engine falcon feather fence fiddle forest
    fountain furnace garden glacier goblet granite harbour harvest helmet hermit hollow
    island jacket jewel kettle kitchen ladder lantern lemon library lighthouse magnet
    marble meadow mirror monastery mountain needle orchard oyster paddle palace parrot
    pebble pepper pigeon pillow pioneer planet potter prism puzzle quarry rabbit radish
    raven ribbon river saddle sailor satchel scarf schooner shovel signal silver sparrow
    spindle statue stream summit tablet tavern temple thimble thistle thunder timber
    tower tractor trumpet tunnel turnip umbrella valley velvet village violin walnut
    wagon whistle willow window winter wizard yacht
    """.split()  # noqa: SIM905
)
_VERBS = tuple(
    """
    admire borrow carry chase collect cover deliver describe discover divide examine
    follow gather guard handle hide imagine inspect invite keep lift measure mend notice
    observe paint polish protect pull push question reach remember repair rescue return
    scatter search select shape share shelter sketch steer store study support surround
    tend trace trade visit wander wash watch weigh welcome
    """.split()  # noqa: SIM905
)
_ADJECTIVES = tuple(
    """
    ancient bitter brave bright broad calm careful cheerful clever crooked curious
    delicate distant dusty eager elegant faint fierce fragile gentle gloomy golden
    hollow humble hungry icy jolly lively lonely loyal modest narrow noble patient
    peculiar polished quiet rapid rough rusty sacred shallow sharp silent sleepy
    slender smooth solemn sturdy swift tender tidy tiny vast vivid weary wild wooden
    """.split()  # noqa: SIM905
)
_PROSE_TEMPLATES = (
    "The {a1} {n1} will {v1} the {n2} beside the {n3} before the {a2} {n4} returns.",
    "Nobody could {v1} a {n1} so {a1} that even the {n2} of the {n3} seemed {a2}.",
    "When the {n1} began to {v1} the {a1} {n2}, every {n3} in the {n4} fell {a2}.",
    "Her {n1} was {a1} and {a2}, yet she would still {v1} the {n2} with a {n3}.",
    "Under the {a1} {n1} they agreed to {v1} each {n2} and to {v2} the {n3} at dawn.",
    "A {n1} from the {a1} {n2} tried to {v1} our {n3}, but the {n4} stayed {a2}.",
    "Only a {a1} {n1} knows how to {v1} the {n2} while the {n3} is still {a2}.",
    "They carried the {n1} past the {a1} {n2} and promised to {v1} the {n3} again.",
)


def prose_article(seed: int, *, paragraphs: int = 4) -> str:
    """A deterministic article of plain English prose (a title and ``paragraphs``
    paragraphs of four sentences) whose content words are drawn from its own vocabulary,
    so that, unlike :func:`news_article`, two articles share no sentence structure with
    the same words."""
    rng = random.Random(seed)
    nouns = rng.sample(_NOUNS, 24)
    verbs = rng.sample(_VERBS, 12)
    adjectives = rng.sample(_ADJECTIVES, 12)

    def sentence() -> str:
        template = rng.choice(_PROSE_TEMPLATES)
        words = {f"n{i}": rng.choice(nouns) for i in range(1, 5)}
        words |= {f"v{i}": rng.choice(verbs) for i in range(1, 3)}
        words |= {f"a{i}": rng.choice(adjectives) for i in range(1, 3)}
        return template.format(**words)

    title = f"The {adjectives[0]} {nouns[0]} and the {nouns[1]}".capitalize()
    body = [" ".join(sentence() for _ in range(4)) for _ in range(paragraphs)]
    return "\n\n".join([title, *body]) + "\n"
