"""Constants defined once (core/constants.py, the choices) and followed everywhere."""

from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from core import views as portal
from core.api.renderers import API_FORMATS, TABULAR_RENDERERS
from core.constants import EXPORT_FORMATS, YEAR_MAX, YEAR_MIN
from core.templatetags.portal import matrix_chart
from funding.choices import NEUTRAL_COLOUR, SOURCE_COLOURS, Source, source_colour
from funding.selectors import source_year_matrix
from tests import factories


def test_every_export_format_has_a_renderer_in_the_portal_and_the_api():
    assert set(TABULAR_RENDERERS) == set(EXPORT_FORMATS)
    api_renderers = [import_string(path).format for path in settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]]
    assert api_renderers == list(API_FORMATS) == ["json", *EXPORT_FORMATS]


@pytest.mark.django_db
def test_the_schema_offers_the_api_formats():
    schema = yaml.safe_load(APIClient().get("/api/v1/schema/").content)
    parameters = schema["paths"]["/api/v1/hubs/"]["get"]["parameters"]
    [fmt] = [p for p in parameters if p["name"] == "format"]
    assert sorted(fmt["schema"]["enum"]) == sorted(API_FORMATS)  # drf-spectacular sorts enums


@pytest.mark.django_db
def test_the_portal_lists_offer_the_export_formats(client):
    client.force_login(factories.UserFactory())
    html = client.get("/hubs/").content.decode()
    for fmt in EXPORT_FORMATS:
        assert f"format={fmt}" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "status"), [(YEAR_MIN - 1, 400), (YEAR_MIN, 200), (YEAR_MAX, 200), (YEAR_MAX + 1, 400)]
)
def test_year_filters_take_the_registrys_year_bounds(year, status):
    """The same bounds as the models and the database: 2009 is refused with the bound named, not an empty list."""
    client = APIClient()
    client.force_authenticate(factories.UserFactory())
    for url in (f"/api/v1/fieldlabs/?active_in={year}", f"/api/v1/funding-records/?year_min={year}"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 400:
            assert str(YEAR_MIN if year < YEAR_MIN else YEAR_MAX) in str(response.json()["errors"])


def test_every_source_has_its_colour_and_an_unknown_one_is_neutral():
    assert set(SOURCE_COLOURS) == set(Source)
    assert {source: source_colour(source) for source in Source} == SOURCE_COLOURS
    assert len(set(SOURCE_COLOURS.values())) == len(Source)  # one colour per source, none shared
    assert source_colour("sixth") == NEUTRAL_COLOUR
    # One palette: the portal keeps no copy of its own.
    assert not hasattr(portal, "SOURCE_COLOURS")


def test_a_chart_draws_each_source_in_the_colour_the_matrix_carries():
    rows = [{"source": "eu", "year": 2019, "amount": Decimal("1")}, {"source": "regional", "year": 2019, "amount": 2}]
    matrix = source_year_matrix(rows)
    colours = [dataset["backgroundColor"] for dataset in matrix_chart(matrix)["datasets"]]
    # Only sources with money are drawn, each in its own palette colour (in Source order).
    assert colours == [SOURCE_COLOURS[Source.REGIONAL], SOURCE_COLOURS[Source.EU]]
