"""The approved-funding rollups equal the raw aggregate of the records after any sequence of workflow actions, on
every write path: the services, the API, the report grid (cells, submit, review), the admin (forms' services and the
submit and approve actions), the portal's step and delete buttons and the spreadsheet import (property-based:
hypothesis draws the sequences and shrinks a failing one to the shortest). No signal keeps the rollups: each path
must reach funding's services, whose explicit calls move them, for this to hold.

``funding_rollup_differences`` compares the fine rollup with the records' own GROUP BY and the coarse rollup with
the fine one; it is empty only when every group agrees in amount and number of records. Runs on PostgreSQL in CI.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.test import APIClient

from accounts.services import api_token_create
from funding.importers import funding_records_import
from funding.models import FundingRecord
from funding.rollups import funding_rollup_differences
from funding.services import (
    funding_record_approve,
    funding_record_create,
    funding_record_delete,
    funding_record_return,
    funding_record_submit,
    funding_record_update,
)
from reporting.selectors import hub_report
from reporting.services import report_cell_save, report_review, report_submit
from tests import factories

YEARS = (2019, 2020)
SOURCES = ("regional", "companies")
AMOUNTS = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)

# One step: (action, path, which record / which slot, a value). Paths an action has no interface on fall back to
# the service, so every drawn step does something.
ACTIONS = st.tuples(
    st.sampled_from(["create", "submit", "approve", "return", "edit", "delete"]),
    st.sampled_from(["service", "api", "report", "admin", "import", "portal"]),
    st.integers(min_value=0, max_value=7),
    st.sampled_from(["amount", "year", "source", "activity_type", "fieldlab", "kind"]),
    AMOUNTS,
    st.booleans(),
)


class RollupPropertyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.bureau = factories.BureauUserFactory(username="rollup-bureau")
        cls.hub = factories.HubFactory(slug="noord")
        cls.labs = [factories.FieldlabFactory(slug=f"lab-{i}", hub=cls.hub, start_year=2015) for i in range(2)]
        cls.types = [None, factories.ActivityTypeFactory(code="demo")]
        _token, cls.key = api_token_create(user=cls.bureau)

    # --- the paths ------------------------------------------------------------------------------------------

    def api(self, method, url, data=None, *, record=None):
        """One API call; with a record, its ETag from a GET goes in If-Match as the API asks. A refusal (400; 409:
        the slot is taken) is a verdict; anything else but success would mean the path was not taken at all."""
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.key}")
        headers = {}
        if record is not None:
            headers["HTTP_IF_MATCH"] = client.get(f"/api/v1/funding-records/{record.pk}/")["ETag"]
        response = getattr(client, method)(url, data, format="json", **headers)
        assert response.status_code in (200, 201, 204, 400, 409), (url, response.status_code, response.data)
        return response

    def admin(self):
        client = Client()
        client.force_login(self.bureau)
        return client

    def admin_action(self, name, record):
        response = self.admin().post(
            "/admin/funding/fundingrecord/", {"action": name, "_selected_action": [record.pk], "index": 0}
        )
        assert response.status_code == 302

    def portal(self, record, step, data=None):
        """A record's button on the portal (submit, approve, return, delete): a refused step is a message and a
        redirect, a refused delete a 409; anything else would mean the path was not taken at all."""
        response = self.admin().post(f"/funding/{record.pk}/{step}/", data or {})
        assert response.status_code in ((302, 409) if step == "delete" else (302,)), (step, response.status_code)

    def record(self, index):
        records = list(FundingRecord.objects.order_by("pk"))
        return records[index % len(records)] if records else None

    def slot(self, index):
        return {
            "fieldlab": self.labs[index % 2],
            "year": YEARS[index // 2 % 2],
            "source": SOURCES[index // 4 % 2],
        }

    def create(self, path, index, amount, approved):
        slot = self.slot(index)
        status = "approved" if approved else "draft"
        if path == "api":
            self.api(
                "post",
                "/api/v1/funding-records/",
                {
                    "recipient_kind": "fieldlab",
                    "recipient": slot["fieldlab"].slug,
                    "year": slot["year"],
                    "source": slot["source"],
                    "amount": str(amount),
                    "status": status,
                },
            )
        elif path == "report":
            report = hub_report(hub=self.hub, year=slot["year"], user=self.bureau)
            report_cell_save(
                report=report, fieldlab=slot["fieldlab"], source=slot["source"], amount=amount, actor=self.bureau
            )
        elif path == "import":
            row = {
                "id": "",
                "year": str(slot["year"]),
                "recipient_kind": "fieldlab",
                "recipient": slot["fieldlab"].slug,
                "source": slot["source"],
                "funder": "",
                "amount": str(amount),
                "kind": "cash",
                "realisation": "realised",
                "activity_type": "demo" if approved else "",
                "status": status,
                "provenance": "illustrative",
                "provenance_source": "",
                "evidence_note": "",
            }
            funding_records_import(rows=[row], actor=self.bureau, dry_run=False)
        else:
            funding_record_create(
                actor=self.bureau, amount=amount, status=status, activity_type=self.types[index % 2], **slot
            )

    def step(self, action, path, record, index, amount):
        hub, year = self.hub, record.year
        if action == "submit":
            if path == "api":
                self.api("post", f"/api/v1/funding-records/{record.pk}/submit/", record=record)
            elif path == "report":
                report_submit(hub=hub, year=year, actor=self.bureau)
            elif path == "admin":
                self.admin_action("submit_selected", record)
            elif path == "portal":
                self.portal(record, "submit")
            else:
                funding_record_submit(record=record, actor=self.bureau)
        elif action in ("approve", "return"):
            comment = "" if action == "approve" else "fix it"
            if path == "api":
                url = f"/api/v1/funding-records/{record.pk}/{action}/"
                self.api("post", url, {"comment": comment}, record=record)
            elif path == "report":
                report_review(
                    hub=hub, year=year, actor=self.bureau, action=action, comment=comment, record_ids=[record.pk]
                )
            elif path == "admin" and action == "approve":
                self.admin_action("approve_selected", record)
            elif path == "portal":
                self.portal(record, action, {"comment": comment})
            elif action == "approve":
                funding_record_approve(record=record, actor=self.bureau)
            else:
                funding_record_return(record=record, actor=self.bureau, comment=comment)
        elif action == "delete":
            if path == "api":
                self.api("delete", f"/api/v1/funding-records/{record.pk}/", record=record)
            elif path == "report":
                report = hub_report(hub=hub, year=year, user=self.bureau)
                if (record.fieldlab_id, record.source) in report.entries:
                    report_cell_save(
                        report=report, fieldlab=record.fieldlab, source=record.source, amount=None, actor=self.bureau
                    )
            elif path == "portal":
                self.portal(record, "delete")
            else:
                funding_record_delete(record=record, actor=self.bureau)

    def edit(self, path, record, index, field, amount):
        changes = {
            "amount": amount,
            "year": YEARS[(YEARS.index(record.year) + 1) % 2] if record.year in YEARS else YEARS[0],
            "source": SOURCES[(SOURCES.index(record.source) + 1) % 2] if record.source in SOURCES else SOURCES[0],
            "activity_type": self.types[index % 2],
            "fieldlab": self.labs[(index + 1) % 2],
            "kind": "in_kind" if record.kind == "cash" else "cash",
        }
        value = changes[field]
        if path == "api":
            api_value = {"activity_type": getattr(value, "code", None), "amount": str(amount)}.get(field, value)
            if field == "fieldlab":
                payload = {"recipient_kind": "fieldlab", "recipient": value.slug}
            else:
                payload = {field: api_value}
            self.api("patch", f"/api/v1/funding-records/{record.pk}/", payload, record=record)
        elif path == "report" and field == "amount":
            report = hub_report(hub=self.hub, year=record.year, user=self.bureau)
            if (record.fieldlab_id, record.source) in report.entries:
                report_cell_save(
                    report=report, fieldlab=record.fieldlab, source=record.source, amount=amount, actor=self.bureau
                )
        elif path == "import" and field == "amount":
            row = {
                "id": str(record.pk),
                "year": str(record.year),
                "recipient_kind": "fieldlab",
                "recipient": record.fieldlab.slug,
                "source": record.source,
                "funder": "",
                "amount": str(amount),
                "kind": record.kind,
                "realisation": record.realisation,
                "activity_type": record.activity_type.code if record.activity_type else "",
                "status": record.status,
                "provenance": record.provenance,
                "provenance_source": record.provenance_source,
                "evidence_note": "",
            }
            funding_records_import(rows=[row], actor=self.bureau, dry_run=False)
        else:
            funding_record_update(record=record, actor=self.bureau, data={field: value})

    # --- the property ---------------------------------------------------------------------------------------

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(ACTIONS, min_size=1, max_size=12))
    def test_rollups_equal_the_raw_aggregate_after_any_sequence_of_actions(self, steps):
        for action, path, index, field, amount, flag in steps:
            try:
                if action == "create":
                    self.create(path, index, amount, flag)
                    continue
                record = self.record(index)
                if record is None:
                    continue
                if action == "edit":
                    self.edit(path, record, index, field, amount)
                else:
                    self.step(action, path, record, index, amount)
            except (ValidationError, PermissionDenied):
                pass  # a refused step (wrong state, duplicate slot) writes nothing; the rollups must agree still
            assert funding_rollup_differences() == [], (action, path)

    def test_the_property_sees_a_rollup_that_drifted(self):
        """The comparison is not vacuous: a record written around every path is found."""
        record = funding_record_create(actor=self.bureau, amount=Decimal("5.00"), status="approved", **self.slot(0))
        assert funding_rollup_differences() == []
        FundingRecord.objects.filter(pk=record.pk).update(amount=Decimal("6.00"))  # no hook: the rollup is stale
        differences = {d["level"]: d for d in funding_rollup_differences()}
        assert set(differences) == {"recipient", "status"}  # the coarse level agrees with the (stale) fine one
        for difference in differences.values():
            assert difference["records"] == (Decimal("6.00"), 1) and difference["rollup"] == (Decimal("5.00"), 1)
