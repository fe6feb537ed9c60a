"""Places a sentence names as "City, Country" or "City, State": "Apia, Samoa", "Auckland, New Zealand",
"Pittsburgh, Pennsylvania".

Why: the small spaCy model reads such places as people or organizations ("Apia" PERSON, "Auckland, New Zealand"
ORG), so a where / which-city question loses its answer. The comma pattern is how official statements name a city,
and the country (or US state) after it is checked against ISO 3166 names from ``pycountry`` — data shipped inside
the wheel, read offline.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

# Short forms statements write that ISO 3166 spells otherwise ("Russian Federation", "Türkiye", "Viet Nam" have
# no common name of that form).
_ALSO = ("Russia", "Turkey", "Vietnam", "Czech Republic", "Palestine", "Congo", "Syria", "Laos", "Brunei",
         "Micronesia", "Kosovo", "the United Kingdom", "England", "Scotland", "Wales", "Northern Ireland")


@lru_cache(maxsize=1)
def regions() -> frozenset[str]:
    """Country names (ISO 3166-1 name, common name, the name before its comma: "Korea, Republic of" → "Korea") and
    US, Canadian and Australian states and provinces."""
    names: set[str] = set(_ALSO)
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None)):
            if n:
                names.add(n)
                names.add(n.split(",")[0])
    for code in ("US", "CA", "AU"):
        names.update(s.name for s in pycountry.subdivisions.get(country_code=code) or ())
    return frozenset(n for n in names if n[:1].isupper() or n.startswith("the "))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    region = "|".join(re.escape(n) for n in sorted(regions(), key=len, reverse=True))
    # A city: one to four capitalized words ("Sharm El Sheikh", "St. Petersburg"), then ", Region" ending there.
    return re.compile(rf"(?<![\w’'.-])(?P<city>[A-Z][\w’'.-]*[\w’](?:\s+(?:[A-Z][\w’'.-]*[\w’]|el|al|de|la|du)){{0,3}})"
                      rf",\s+(?P<region>(?:North|South|East|West)?\s?(?:{region}))(?![\w’'-])")


_NOT_CITY = frozenset({"The", "In", "On", "At", "From", "To", "And", "But", "For", "With", "By", "After", "Before",
                       "During", "Today", "Yesterday", "Tomorrow", "President", "Secretary", "Minister", "Ambassador"})


def city_spans(sentence: str) -> list[tuple[int, int, int, int]]:
    """(city start, city end, region start, region end) of each "City, Region" in ``sentence``."""
    out: list[tuple[int, int, int, int]] = []
    for m in _pattern().finditer(sentence):
        city = m.group("city")
        words = city.split()
        while words and words[0] in _NOT_CITY:  # "In Apia, Samoa": the sentence's first word is no part of it
            words.pop(0)
        if not words or " ".join(words) in regions():
            continue  # "Samoa, New Zealand": two regions, no city
        start = m.start("city") + len(city) - len(" ".join(words))
        out.append((start, m.end("city"), m.start("region"), m.end("region")))
    return out


_PLACE_LABELS = ("GPE", "LOC", "FAC")


def with_cities(sentence: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``found`` (a sentence's entities) with each "City, Country" (``city_spans``) tagged as one place: what the
    model read as a person or an organization *within* it ("Apia" PERSON, "Auckland, New Zealand" ORG) gives way;
    a longer name that holds the city stays ("B.L. Harbert International of Birmingham" is a firm)."""
    cities = city_spans(sentence)
    if not cities:
        return found
    places = [(c[0], c[3]) for c in cities]  # "Pittsburgh, Pennsylvania" answers where, not "Pennsylvania"
    kept = [e for e in found if e[2] in _PLACE_LABELS or not any(c[0] <= e[0] and e[1] <= c[3] for c in cities)]
    have = {(s, e) for s, e, label in kept if label in _PLACE_LABELS}
    kept += [(a, b, "GPE") for a, b in places if (a, b) not in have
             and not any(s <= a and b <= e and label in _PLACE_LABELS for s, e, label in kept)]
    return sorted(kept)
