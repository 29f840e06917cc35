"""Every change is kept: who, when, before and after."""

from decimal import Decimal

import pytest

from core.services import record_delete, record_update
from funding.services import funding_record_create, funding_record_update
from registry.models import Fieldlab
from tests import factories

pytestmark = pytest.mark.django_db


def test_service_edit_leaves_history_with_actor_and_values(bureau_user):
    record = funding_record_create(
        actor=bureau_user, fieldlab=factories.FieldlabFactory(), year=2018, source="regional", amount=Decimal("10.00")
    )
    funding_record_update(record=record, actor=bureau_user, data={"amount": Decimal("12.50")})

    newest, creation = record.history.all()[:2]
    assert creation.history_type == "+" and creation.history_user == bureau_user
    assert newest.history_type == "~" and newest.history_user == bureau_user
    assert newest.history_change_reason == "changed: amount"
    delta = newest.diff_against(creation)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("amount", Decimal("10.00"), Decimal("12.50"))]


def test_delete_is_kept_in_history(bureau_user):
    fieldlab = factories.FieldlabFactory(name="Short-lived")
    record_update(instance=fieldlab, actor=bureau_user, data={"theme": "changed"})
    pk = fieldlab.pk
    record_delete(instance=fieldlab, actor=bureau_user)
    history = Fieldlab.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert history.last().history_user == bureau_user
    assert history.last().name == "Short-lived"


def test_admin_edit_records_the_signed_in_user(client, bureau_user):
    fieldlab = factories.FieldlabFactory(theme="old theme")
    client.force_login(bureau_user)
    response = client.get(f"/admin/registry/fieldlab/{fieldlab.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"theme": "new theme", "funding_records-TOTAL_FORMS": 0, "funding_records-INITIAL_FORMS": 0})
    response = client.post(f"/admin/registry/fieldlab/{fieldlab.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    entry = fieldlab.history.first()
    assert entry.theme == "new theme" and entry.history_user == bureau_user
    page = client.get(f"/admin/registry/fieldlab/{fieldlab.pk}/history/")
    assert page.status_code == 200
    assert bureau_user.username in page.content.decode()
