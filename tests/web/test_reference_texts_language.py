"""One language at a time: the evaluation page names activity types, indicators, output goals, recommendations and
their follow-up actions (title and owner) in the page's language, on the reference dataset (reference_data/*,
Dutch and English)."""

import pytest
from django.test import Client

from evaluation.models import ActivityType, FollowUpAction, Indicator, OutputGoal, Recommendation
from tests import factories

from .conftest import text


def _texts(language: str) -> set[str]:
    suffix = "_nl" if language == "nl" else ""
    found = set()
    for model, field in (
        (ActivityType, "name"),
        (Indicator, "name"),
        (OutputGoal, "name"),
        (Recommendation, "title"),
        (FollowUpAction, "title"),
        (FollowUpAction, "owner"),
    ):
        found.update(model.objects.values_list(field + suffix, flat=True))
    return found


@pytest.fixture
def page(reference_db, db):
    client = Client()
    client.force_login(factories.UserFactory(username="analyst-lang"))
    return lambda language: text(client.get("/evaluation/", HTTP_ACCEPT_LANGUAGE=language), "main")


def test_every_reference_text_has_both_languages(reference_db, db):
    dutch, english = _texts("nl"), _texts("en")
    assert "" not in dutch and len(dutch) == len(english) == 6 + 6 + 7 + 5 + 3 + 2  # 2: the actions' owners
    assert not dutch & english


@pytest.mark.parametrize("language, other", [("nl", "en"), ("en", "nl")])
def test_the_evaluation_page_shows_reference_texts_in_its_own_language_only(page, language, other):
    shown = page(language)
    # Every activity type, goal with a target, and recommendation appears in the page's language …
    for name in ActivityType.objects.values_list("name_nl" if language == "nl" else "name", flat=True):
        assert name in shown
    for title in Recommendation.objects.values_list("title_nl" if language == "nl" else "title", flat=True):
        assert title in shown
    # … and none of them in the other language.
    leaked = sorted(t for t in _texts(other) if t in shown)
    assert leaked == []


def test_the_dutch_page_names_the_goals_and_indicators(page):
    shown = page("nl")
    assert "Bedrijven doen mee aan experimenten en demonstraties in fieldlabs" in shown  # an output goal
    assert "Bedrijven nieuw bereikt via fieldlabs" in shown  # its indicator
    assert "Geef de programmacoördinatie een meetbaar outputdoel" in shown  # a follow-up action
    assert "Stuurgroep" in shown and "Steering group" not in shown  # its owner


def test_a_reload_fills_in_a_missing_translation_and_keeps_the_bureaus_edits(reference_db, db):
    from django.core.management import call_command

    goal = OutputGoal.objects.get(code="hub-vouchers")
    OutputGoal.objects.filter(pk=goal.pk).update(name_nl="", name="Edited by the bureau")
    call_command("load_reference_data", verbosity=0)
    goal.refresh_from_db()
    assert goal.name_nl == "Bedrijven zetten een eerste stap met een voucher"
    assert goal.name == "Edited by the bureau"
