"""core/extensions.py: a higher app adds to a lower app's page through a named point, and only once."""

import pytest

from core import extensions
from registry.models import Fieldlab


@pytest.fixture
def point():
    name = "tests.page"
    yield name
    extensions._CONTEXT.pop(name, None)
    extensions._ANNOTATIONS.pop(name, None)


def test_a_point_with_nothing_registered_adds_nothing(point):
    assert extensions.context(point, request=None, obj=None) == {}
    queryset = Fieldlab.objects.all()
    assert extensions.annotate(point, queryset) is queryset


def test_providers_add_their_context_in_order_and_count_once(point):
    def first(*, request, obj):
        return {"a": obj, "shared": "first"}

    def second(*, request, obj):
        return {"b": request, "shared": "second"}

    for provider in (first, second, first):  # a second ready() registers nothing new
        extensions.context_add(point, provider)
    assert extensions.context(point, request="req", obj="obj") == {"a": "obj", "b": "req", "shared": "second"}
    assert extensions._CONTEXT[point] == [first, second]


@pytest.mark.django_db
def test_annotations_apply_in_turn(point):
    extensions.annotation_add(point, lambda qs: qs.filter(start_year__gte=2016))
    extensions.annotation_add(point, lambda qs: qs.order_by("-start_year"))
    sql = str(extensions.annotate(point, Fieldlab.objects.all()).query)
    assert "start_year" in sql and "DESC" in sql.upper()


def test_funding_serves_the_registrys_points():
    """The registry's pages name these points; funding (above it) registers at each of them in ready()."""
    assert extensions._ANNOTATIONS["registry.fieldlab_rows"]
    assert extensions._CONTEXT["registry.hub_detail"] and extensions._CONTEXT["registry.fieldlab_detail"]
