""""City, Country" places: the comma pattern official statements name a city by, checked against ISO 3166 names."""

from __future__ import annotations

import pytest

from statementqa.places import city_spans


@pytest.mark.parametrize(("sentence", "places"), [
    ("Emhoff will visit Apia, Samoa, following his visit to Auckland, New Zealand.",
     [("Apia", "Samoa"), ("Auckland", "New Zealand")]),
    ("The first meeting was held in Pittsburgh, Pennsylvania, on September 29.", [("Pittsburgh", "Pennsylvania")]),
    ("The follow-up met in Sharm El Sheikh, Egypt.", [("Sharm El Sheikh", "Egypt")]),
    ("In Seoul, South Korea, the delegation met the minister.", [("Seoul", "South Korea")]),  # not "In Seoul"
    ("Mr. Smith, Germany's envoy, spoke.", []),  # a person, and no region after the comma
    ("Samoa, New Zealand and Fiji signed.", []),  # two countries, no city
    ("Dear Colleagues, Partners and friends.", []),  # capitalized words, but no region
])
def test_a_city_is_named_with_its_country_or_state(sentence: str, places: list[tuple[str, str]]) -> None:
    assert [(sentence[a:b], sentence[c:d]) for a, b, c, d in city_spans(sentence)] == places


def test_a_region_after_an_opening_word_is_no_city() -> None:
    """"In Samoa, New Zealand …": what precedes the comma, without the sentence's opening word, is a country."""
    assert city_spans("In Samoa, New Zealand and Fiji the talks went on.") == []
