"""The bad-input corpus: every kind of bad input, through every path that accepts it, answers a 4xx (or an import
error) naming the field, and changes nothing — rows counted and amounts summed before and after.

Paths: the API's create and PATCH, the portal's edit forms, the report URLs and the spreadsheet importer. CI runs
the suite on PostgreSQL (DATABASE_URL), where NUL bytes, out-of-range integers and lone surrogates used to end in
driver errors; it passes on SQLite too.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.constants import TEXT_MAX_LENGTH
from funding.importers import funding_records_import
from funding.models import Funder, FundingRecord
from registry.models import Fieldlab, Hub
from review.models import ReportingPeriod
from tests import factories

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (TEXT_MAX_LENGTH + 1)
NUL = "bad\x00value"


@dataclass(frozen=True)
class Kind:
    """One kind of bad input: the field it targets, and its value on each path that accepts it (None: not there)."""

    name: str
    field: str  # the field the answer must name ("non_field_errors" for rules across fields)
    api: dict | None = None  # JSON overrides of a valid record (create) or the PATCH body
    form: dict | None = None  # form overrides (portal); defaults to api when every value is text
    importer: dict | None = None  # row overrides (import); defaults to api when every value is text
    form_field: str | None = None
    patch: bool = True
    extra: dict = field(default_factory=dict)


def _texts(values: dict | None) -> dict | None:
    if values is None or not all(isinstance(v, str) for v in values.values()):
        return None
    return values


RECORD_KINDS = [
    Kind("negative amount", "amount", {"amount": "-5.00"}),
    Kind("amount not a number", "amount", {"amount": "abc"}),
    Kind("amount too large", "amount", {"amount": "123456789012345678.00"}),
    Kind("amount with three decimals", "amount", {"amount": "1.234"}),
    Kind("amount NaN", "amount", {"amount": "NaN"}),
    Kind("amount Infinity", "amount", {"amount": "Infinity"}),
    Kind("amount empty", "amount", {"amount": ""}),
    Kind("amount a boolean", "amount", {"amount": True}),
    Kind("amount a list", "amount", {"amount": [1, 2]}),
    Kind("amount with NUL", "amount", {"amount": "1\x0000"}),
    Kind("year before the registry", "year", {"year": "1999"}),
    Kind("year beyond smallint", "year", {"year": "99999999999"}),
    Kind("year zero", "year", {"year": "0"}),
    Kind("year not a number", "year", {"year": "twenty"}),
    Kind("year a fraction", "year", {"year": "2019.5"}),
    Kind("year an object", "year", {"year": {"a": 1}}),
    Kind("unknown source", "source", {"source": "gifts"}),
    Kind("unknown kind", "kind", {"kind": "barter"}),
    Kind("unknown realisation", "realisation", {"realisation": "maybe"}),
    Kind("unknown provenance", "provenance", {"provenance": "rumour"}),
    Kind(
        "unknown recipient",
        "recipient",
        {"recipient": "no-such-lab"},
        form={"fieldlab": "999999"},
        form_field="fieldlab",
    ),
    Kind("unknown recipient kind", "recipient_kind", {"recipient_kind": "planet"}, form={}, patch=False),
    Kind("unknown funder", "funder", {"funder": "no-such-funder"}, form={"funder": "999999"}),
    Kind(
        "EU source with a provincial funder",
        "funder",
        {"source": "eu", "funder": "provincie-groningen"},
        form={"source": "eu", "funder": "@provincie-groningen"},
    ),
    Kind(
        "in-kind funder on a cash record",
        "kind",
        {"source": "companies", "funder": "coalitiepartners-in-natura", "kind": "cash"},
        form={"source": "companies", "funder": "@coalitiepartners-in-natura", "kind": "cash"},
    ),
    Kind(
        "published without a source",
        "non_field_errors",
        {"provenance": "published", "provenance_source": ""},
        form_field="__all__",
    ),
    Kind("evidence note over the limit", "evidence_note", {"evidence_note": TOO_LONG}),
    Kind("evidence note with NUL", "evidence_note", {"evidence_note": NUL}),
    # A browser cannot send a lone surrogate in a form (it is not encodable as UTF-8), so API and importer only.
    Kind("evidence note with a lone surrogate", "evidence_note", {"evidence_note": "bad\ud800"}, form={}),
    Kind("provenance source over 500", "provenance_source", {"provenance_source": "s" * 501}),
    Kind("duplicate of an existing record", "non_field_errors", {"year": "2018"}, form_field="__all__", patch=False),
    Kind("unknown status", "status", {"status": "bogus"}, form={}, importer={}),
]

FIELDLAB_KINDS = [
    Kind("province outside the hub", "province", {"province": "limburg"}, form={"province": "@limburg"}),
    Kind("TNO type out of range", "tno_type", {"tno_type": 7}, form={"tno_type": "7"}),
    Kind("website not http", "website", {"website": "javascript:alert(1)"}),
    Kind("name too long", "name", {"name": "n" * 300}),
    Kind("description over the limit", "description", {"description": TOO_LONG}),
    Kind("name with NUL", "name", {"name": NUL}),
    Kind(
        "end before start",
        "end_year",
        {"start_year": 2019, "end_year": 2016},
        form={"start_year": "2019", "end_year": "2016"},
        form_field="__all__",
    ),
]


@pytest.fixture
def world():
    bureau = factories.BureauUserFactory(username="bureau-corpus")
    groningen = factories.ProvinceFactory(name="Groningen", slug="groningen", code="gr")
    limburg = factories.ProvinceFactory(name="Limburg", slug="limburg", code="li")
    noord = factories.HubFactory(name="Hub Noord", slug="noord")
    noord.provinces.add(groningen)
    zuid = factories.HubFactory(name="Hub Zuid", slug="zuid")
    zuid.provinces.add(limburg)
    lab = factories.FieldlabFactory(
        name="Region of Smart Factories", slug="rosf", hub=noord, province=groningen, start_year=2015
    )
    factories.FunderFactory(name="Provincie Groningen", slug="provincie-groningen", source="regional")
    factories.FunderFactory(name="Coalitiepartners (in natura)", slug="coalitiepartners-in-natura", source="companies")
    record = factories.FundingRecordFactory(
        fieldlab=lab, year=2018, source="regional", amount=Decimal("100.00"), status="draft"
    )
    _token, key = api_token_create(user=bureau)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    browser = Client()
    browser.force_login(bureau)
    return {"bureau": bureau, "lab": lab, "record": record, "api": api, "browser": browser}


def snapshot() -> tuple:
    """Every row counted, every amount summed, and the two records the corpus aims at, field by field."""
    records = FundingRecord.objects.all()
    return (
        records.count(),
        records.aggregate(s=Sum("amount"))["s"],
        list(records.order_by("pk").values_list("pk", "amount", "year", "source", "funder", "kind", "version")),
        list(Fieldlab.objects.order_by("pk").values_list("pk", "name", "province", "tno_type", "version")),
        Funder.objects.count(),
        Hub.objects.count(),
        list(ReportingPeriod.objects.values_list("hub", "year", "status")),
    )


def valid_record(lab) -> dict:
    return {
        "year": 2019,
        "recipient_kind": "fieldlab",
        "recipient": lab.slug,
        "source": "regional",
        "funder": None,
        "amount": "250.00",
        "kind": "cash",
        "realisation": "realised",
        "provenance": "illustrative",
        "provenance_source": "",
        "evidence_note": "",
    }


def _resolve_form(values: dict) -> dict:
    """ "@slug" in a form override names a funder or province by slug; the form posts its primary key."""
    resolved = {}
    for key, value in values.items():
        if isinstance(value, str) and value.startswith("@"):
            model = Funder if key == "funder" else factories.ProvinceFactory._meta.model
            value = str(model.objects.get(slug=value[1:]).pk)
        resolved[key] = value
    return resolved


def _form_data(response) -> dict:
    form = response.context["form"]
    data = {}
    for name, bound in form._bound_items():
        value = bound.value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _api_names_field(response, name) -> None:
    body = response.json()
    assert 400 <= response.status_code < 500, body
    assert name in body["errors"], body
    assert all(body["errors"][name]), body


def _form_names_field(response, name) -> None:
    assert response.status_code == 400, response.status_code
    errors = response.context["form"].errors
    assert name in errors and errors[name], errors.as_data()


def _import_rows(world, overrides: dict) -> list[dict]:
    row = {k: "" if v is None else str(v) for k, v in valid_record(world["lab"]).items()}
    row.update({"id": "", "status": "", "activity_type": ""})
    row.update(overrides)
    return [row]


def _send_json(send, url, data, **extra):
    """The body as a JSON text with non-ASCII escaped, as most clients send it (and the only way to send a lone
    surrogate: DRF's test renderer cannot encode one)."""
    return send(url, json.dumps(data), content_type="application/json", **extra)


def _case_id(case) -> str:
    return case[0].name.replace(" ", "-") + "@" + case[1]


CASES = [(k, "api_create") for k in RECORD_KINDS if k.api is not None]
CASES += [(k, "api_patch") for k in RECORD_KINDS if k.api is not None and k.patch]
CASES += [(k, "portal_record_edit") for k in RECORD_KINDS if (k.form if k.form is not None else _texts(k.api))]
CASES += [
    (k, "import")
    for k in RECORD_KINDS
    if (k.importer if k.importer is not None else _texts(k.api)) and k.field != "recipient_kind"
]
CASES += [(k, "api_fieldlab_patch") for k in FIELDLAB_KINDS]
CASES += [(k, "portal_fieldlab_edit") for k in FIELDLAB_KINDS if (k.form if k.form is not None else _texts(k.api))]


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(world, case):
    kind, path = case
    before = snapshot()
    record, lab = world["record"], world["lab"]
    if path == "api_create":
        response = _send_json(world["api"].post, "/api/v1/funding-records/", {**valid_record(lab), **kind.api})
        _api_names_field(response, kind.field)
    elif path == "api_patch":
        url = f"/api/v1/funding-records/{record.pk}/"
        etag = world["api"].get(url)["ETag"]
        response = _send_json(world["api"].patch, url, kind.api, HTTP_IF_MATCH=etag)
        _api_names_field(response, kind.field)
    elif path == "portal_record_edit":
        url = f"/funding/{record.pk}/edit/"
        data = _form_data(world["browser"].get(url))
        overrides = _resolve_form(kind.form if kind.form is not None else kind.api)
        if "recipient" in kind.api and "fieldlab" in overrides:
            overrides = {"fieldlab": overrides["fieldlab"]}
        if kind.field == "non_field_errors" and "year" in kind.api:
            url = "/funding/new/"  # a duplicate is made by creating the existing record again
        response = world["browser"].post(url, {**data, **overrides})
        _form_names_field(response, kind.form_field or kind.field)
    elif path == "import":
        overrides = kind.importer if kind.importer is not None else kind.api
        result = funding_records_import(rows=_import_rows(world, overrides), actor=world["bureau"], dry_run=False)
        assert result.errors, result
        assert kind.field in result.errors[0]["fields"], result.errors
    elif path == "api_fieldlab_patch":
        url = f"/api/v1/fieldlabs/{lab.slug}/"
        etag = world["api"].get(url)["ETag"]
        response = _send_json(world["api"].patch, url, kind.api, HTTP_IF_MATCH=etag)
        _api_names_field(response, kind.field if kind.form_field != "__all__" else "non_field_errors")
    elif path == "portal_fieldlab_edit":
        url = f"/fieldlabs/{lab.slug}/edit/"
        data = _form_data(world["browser"].get(url))
        overrides = _resolve_form(kind.form if kind.form is not None else kind.api)
        response = world["browser"].post(url, {**data, **overrides})
        _form_names_field(response, kind.form_field or kind.field)
    assert snapshot() == before


# --- bodies and URLs that are bad as a whole -------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return b'{"evidence_note": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (_nested(5000), "application/json", 400, "parse_error"),
        (b'{"amount": "1", ', "application/json", 400, "parse_error"),
        (b"[1, 2, 3]", "application/json", 400, "invalid"),
        (b'"just a string"', "application/json", 400, "invalid"),
        (b"\xff\xfe not utf-8", "application/json", 400, "parse_error"),
        (b'{"evidence_note": "bad \\ud800 half a pair"}', "application/json", 400, "parse_error"),
        (b'{"evidence_note": ["deep", {"x": "\\udfff"}]}', "application/json", 400, "parse_error"),
        (b"<xml/>", "application/xml", 415, "unsupported_media_type"),
    ],
    ids=[
        "json-5000-deep",
        "json-truncated",
        "json-a-list",
        "json-a-string",
        "not-utf8",
        "json-lone-surrogate",
        "json-lone-surrogate-nested",
        "xml",
    ],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_bad_bodies_are_refused_whole(world, body, content_type, status, code, method):
    before = snapshot()
    url = "/api/v1/funding-records/"
    extra = {}
    if method == "patch":
        url = f"/api/v1/funding-records/{world['record'].pk}/"
        extra["HTTP_IF_MATCH"] = world["api"].get(url)["ETag"]
    response = getattr(world["api"], method)(url, body, content_type=content_type, **extra)
    assert response.status_code == status, response.content[:300]
    assert response.json()["code"] == code
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/reports/noord/1999/close/", 404),
        ("/reports/noord/0/close/", 404),
        ("/reports/noord/99999999999/reopen/", 404),
        ("/reports/noord/2041/close/", 404),
        ("/reports/no-such-hub/2019/close/", 404),
        ("/reports/noord/1999/submit/", 404),
        ("/reports/noord/99999999999/approve/", 404),
        ("/reports/noord/2019/cells/rosf/gifts/", 404),
        ("/reports/noord/2019/cells/no-such-lab/regional/", 404),
        ("/reports/noord/99999999999/cells/rosf/regional/", 404),
    ],
)
def test_report_urls_with_impossible_parts_are_404_and_change_nothing(world, url, status):
    before = snapshot()
    response = world["browser"].post(url, {"cell-1-regional": "5"})
    assert response.status_code in (status, 403)  # a step the bureau may not take there is refused before the year
    assert snapshot() == before


@pytest.mark.parametrize("value", ["abc", "-5", "1\x0000", "1e400", "12345678901234567890", "NaN"])
def test_bad_report_cell_amounts_are_refused_in_the_cell(world, value):
    lab = world["lab"]
    coordinator = factories.CoordinatorFactory(username="coord", hub=lab.hub)
    client = Client()
    client.force_login(coordinator)
    before = snapshot()
    response = client.post(f"/reports/noord/2019/cells/{lab.slug}/regional/", {f"cell-{lab.pk}-regional": value})
    # The grid's cell answers in place (htmx swaps it in): the cell with its message, never a 5xx.
    assert response.status_code < 500
    assert response.content
    assert snapshot() == before
