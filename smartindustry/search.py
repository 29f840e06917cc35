"""The portal's one search box: hubs, fieldlabs, partners, companies, funders and funding records, grouped by type.

On PostgreSQL each type is matched with full-text search (``SearchVector`` over the type's text columns with the
``simple`` configuration, so Dutch and English words are matched as written, no stemming; every word of the query
is a prefix: "fact" finds "factories"). The vectors have GIN expression indexes (registry and funding migrations
``*_search_indexes``) built from the same expressions as ``SEARCH_FIELDS`` here. On SQLite (the embedded default)
every word must occur in one of the columns (``icontains``).

Funding records match on their own text (evidence note, source of the figure) and through their recipient or funder
matching the query. Every group passes through the access policy (``visible_to``), so a hub coordinator never finds
another hub's drafts.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import policy
from funding.models import Funder, FundingRecord
from registry.models import Company, Fieldlab, Hub, Partner

__all__ = ["SEARCH_FIELDS", "SearchGroup", "global_search", "search_words"]

# The text columns searched per model. The GIN indexes of the *_search_indexes migrations are built on exactly these
# (same order), so PostgreSQL can answer from the index; change both together.
SEARCH_FIELDS: dict[type, tuple[str, ...]] = {
    Hub: ("name", "short_name", "coordinating_organisation", "description"),
    Fieldlab: ("name", "theme", "city", "description"),
    Partner: ("name", "short_name", "description"),
    Company: ("name", "kvk_number", "city"),
    Funder: ("name",),
    FundingRecord: ("evidence_note", "provenance_source"),
}
SEARCH_CONFIG = "simple"
MAX_WORDS = 8
MAX_QUERY_LENGTH = 200


@dataclass
class SearchGroup:
    key: str
    label: str
    items: list
    count: int
    more_url: str


def search_words(query: str) -> list[str]:
    """The words of a query (letters and digits; everything else separates words), at most eight."""
    return re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH].lower())[:MAX_WORDS]


def search_vector(model) -> SearchVector:
    return SearchVector(*SEARCH_FIELDS[model], config=SEARCH_CONFIG)


def _matching(queryset: QuerySet, words: list[str], text: str = "") -> QuerySet:
    fields = SEARCH_FIELDS[queryset.model]
    if connection.vendor == "postgresql":
        # Words are \w+ only, so they cannot carry tsquery operators; each is a prefix, all must match. Or the text
        # parsed as the documents are ("ZX-77" is the lexemes zx and -77 there), for codes with signs in them.
        raw = " & ".join(f"{word}:*" for word in words)
        query = SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)
        if text:
            query |= SearchQuery(text, search_type="plain", config=SEARCH_CONFIG)
        return queryset.annotate(search=search_vector(queryset.model)).filter(search=query)
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


def _group(key, label, queryset: QuerySet, list_url: str, query: str, limit: int) -> SearchGroup:
    items = list(queryset[: limit + 1]) if limit else []
    count = len(items) if len(items) <= limit else queryset.count()
    return SearchGroup(
        key=key,
        label=str(label),
        items=items[:limit],
        count=count,
        more_url=f"{list_url}?{urlencode({'q': query})}" if count else "",
    )


def global_search(*, user, query: str, limit: int = 10) -> list[SearchGroup]:
    """The groups of results for ``query`` that ``user`` may see (empty groups included, with count 0).

    One or two queries per group (the page and, when there are more, the count)."""
    words = search_words(query)
    if not words:
        return []
    text = " ".join(words)
    plain = query[:MAX_QUERY_LENGTH]

    def matching(model):
        return _matching(policy.visible_to(user, model.objects.all()), words, plain)

    hubs = matching(Hub).order_by("name")
    fieldlabs = matching(Fieldlab).select_related("hub").order_by("name")
    partners = matching(Partner).order_by("name")
    companies = matching(Company).order_by("name")
    funders = matching(Funder).order_by("name")
    own_text = _matching(FundingRecord.objects.all(), words, plain).values("pk")
    records = (
        policy.visible_to(user, FundingRecord.objects.all())
        .filter(
            Q(pk__in=own_text)
            | Q(fieldlab__in=fieldlabs.values("pk"))
            | Q(hub__in=hubs.values("pk"))
            | Q(funder__in=funders.values("pk"))
        )
        .select_related("fieldlab", "hub", "bureau", "funder")
        .order_by("-year", "pk")
    )
    return [
        _group("hubs", _("Hubs"), hubs, reverse("registry:hub_list"), text, limit),
        _group("fieldlabs", _("Fieldlabs"), fieldlabs, reverse("registry:fieldlab_list"), text, limit),
        _group("partners", _("Partners"), partners, reverse("registry:partner_list"), text, limit),
        _group("companies", _("Companies"), companies, reverse("registry:company_list"), text, limit),
        _group("funders", _("Funders"), funders, reverse("funding:funder_list"), text, limit),
        _group("funding", _("Funding records"), records, reverse("funding:funding_record_list"), text, limit),
    ]
