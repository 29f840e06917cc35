"""The header's global search: grouped by type, PostgreSQL full-text search or the SQLite fallback, and the access
policy (a coordinator never finds another hub's drafts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartindustry.search import SEARCH_FIELDS, _matching, global_search, search_words
from tests import factories

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def themed(network):
    network["rosf"].theme = "Flexibele productie met cobots"
    network["rosf"].save(update_fields=["theme"])
    draft = network["records"]["campione_2019_draft"]
    draft.evidence_note = "Subsidiebesluit vertrouwelijk kenmerk ZX-77"
    draft.save(update_fields=["evidence_note"])
    return network


def _groups(user, query):
    return {group.key: group for group in global_search(user=user, query=query)}


def test_a_fieldlab_is_found_by_a_word_of_its_theme_and_by_a_prefix(noord_client, themed):
    response = noord_client.get("/search/", {"q": "cobots"})
    assert response.status_code == 200
    assert "Region of Smart Factories" in text(response, "results-fieldlabs")
    assert "Campione" not in text(response, "results-fieldlabs")
    # A prefix of a word, any case, and two words that must both match.
    for query in ("COBOT", "flexib prod", "productie cobots"):
        groups = _groups(themed["coord_noord"], query)
        assert [f.slug for f in groups["fieldlabs"].items] == ["rosf"], query
    assert _groups(themed["coord_noord"], "cobots zonnepanelen")["fieldlabs"].count == 0


def test_results_are_grouped_by_type_with_counts(bureau_client, themed):
    response = bureau_client.get("/search/", {"q": "Groningen"})
    # The funder "Provincie Groningen" and the record it funded (found through its funder).
    assert "Provincie Groningen" in text(response, "results-funders")
    assert "Region of Smart Factories · 2017" in text(response, "results-funding")
    groups = _groups(themed["bureau"], "Groningen")
    assert [g.key for g in groups.values()] == ["hubs", "fieldlabs", "partners", "companies", "funders", "funding"]
    assert groups["funding"].count == 1 and groups["funders"].count == 1
    # A company by its KvK number.
    assert [c.name for c in _groups(themed["bureau"], "87654321")["companies"].items] == ["Lasbedrijf B B.V."]


def test_a_coordinator_does_not_find_another_hubs_draft(themed):
    draft = themed["records"]["campione_2019_draft"]
    # By the draft's own text: the bureau and Zuid's coordinator find it, Noord's coordinator and the analyst do not.
    assert [r.pk for r in _groups(themed["bureau"], "ZX-77")["funding"].items] == [draft.pk]
    assert [r.pk for r in _groups(themed["coord_zuid"], "ZX-77")["funding"].items] == [draft.pk]
    assert _groups(themed["coord_noord"], "ZX-77")["funding"].count == 0
    assert _groups(themed["analyst"], "ZX-77")["funding"].count == 0
    # Through its recipient: Noord sees Campione's approved record only.
    found = _groups(themed["coord_noord"], "campione")["funding"].items
    assert [r.pk for r in found] == [themed["records"]["campione_2019_eu"].pk]


def test_the_page_does_not_name_what_the_policy_hides(noord_client, themed):
    response = noord_client.get("/search/", {"q": "vertrouwelijk"})
    assert "0 results" in text(response, "search-summary")
    assert "7,777" not in response.content.decode()


def test_empty_or_symbol_only_queries_search_nothing(noord_client, themed):
    assert search_words("  ;;; ") == []
    assert global_search(user=themed["coord_noord"], query="") == []
    response = noord_client.get("/search/", {"q": "&&"})
    assert response.status_code == 200 and 'id="search-summary"' not in response.content.decode()
    # Words are letters and digits only: tsquery operators in the text are separators, not syntax.
    assert search_words("cobots:* | !x & (y)") == ["cobots", "x", "y"]


def test_search_needs_a_sign_in(client, network):
    response = client.get("/search/", {"q": "cobots"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_search_box_is_in_the_header(noord_client, network):
    page = noord_client.get("/").content.decode()
    assert 'id="header-search"' in page and 'action="/search/"' in page


def _add_matches(network, first: int, last: int) -> None:
    """Objects first..last-1 of every searched type (and a record of each fieldlab), all matching "zonnedak"."""
    for i in range(first, last):
        factories.HubFactory(name=f"Zonnedak hub {i}")
        factories.PartnerFactory(name=f"Zonnedak partner {i}")
        factories.CompanyFactory(name=f"Zonnedak {i} B.V.")
        fieldlab = factories.FieldlabFactory(name=f"Zonnedak lab {i}", hub=network["noord"])
        funder = factories.FunderFactory(name=f"Zonnedak fonds {i}", source="regional")
        factories.FundingRecordFactory(fieldlab=fieldlab, year=2019, source="regional", funder=funder)


def _search_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "zonnedak"})
    assert response.status_code == 200
    return len(queries)


# Fewer results than a group's page (10) at both sizes, then more at both: past a page each group also counts.
@pytest.mark.parametrize(("small", "large"), [(2, 9), (11, 25)])
def test_search_queries_do_not_grow_with_results(noord_client, themed, small, large):
    _add_matches(themed, 0, small)
    at_small = _search_page_queries(noord_client)
    _add_matches(themed, small, large)
    at_large = _search_page_queries(noord_client)
    counts = {group.key: group.count for group in global_search(user=themed["coord_noord"], query="zonnedak")}
    assert counts == dict.fromkeys(["hubs", "fieldlabs", "partners", "companies", "funders", "funding"], large)
    # Per group a page and, past a page, a count; plus the session and the user.
    assert at_small == at_large <= 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search and its GIN indexes: PostgreSQL")
def test_on_postgresql_every_searched_model_is_answered_from_its_gin_index(network):
    with connection.cursor() as cursor:
        # Tiny tables: make the planner show it can use the index; unordered, or the ordering's own index (the lists')
        # would be the cheaper way to read a handful of rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for model in SEARCH_FIELDS:
            sql, params = _matching(model.objects.order_by(), ["smart", "fact"]).query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert f"Bitmap Index Scan on {model._meta.db_table}_search" in plan, (model, plan)
