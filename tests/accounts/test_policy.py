"""The one access policy, role by role: what each may see and do, as can() answers and visible_to() filters."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from accounts.models import Role, User
from core import policy
from evaluation.models import Indicator, Measurement
from funding.models import Funder, FundingRecord
from tests import factories

pytestmark = pytest.mark.django_db
A = policy.Action


@pytest.fixture
def world():
    here, there = factories.HubFactory(slug="here"), factories.HubFactory(slug="there")
    lab_here = factories.FieldlabFactory(slug="lab-here", hub=here)
    lab_there = factories.FieldlabFactory(slug="lab-there", hub=there)
    rec = factories.FundingRecordFactory
    items = {
        "draft_here": rec(fieldlab=lab_here, year=2019, source="eu", status="draft", amount=Decimal("1")),
        "returned_here": rec(hub=here, fieldlab=None, year=2019, source="eu", status="returned", amount=Decimal("2")),
        "approved_here": rec(fieldlab=lab_here, year=2018, source="eu", status="approved", amount=Decimal("3")),
        "draft_there": rec(fieldlab=lab_there, year=2019, source="eu", status="draft", amount=Decimal("4")),
        "submitted_there": rec(fieldlab=lab_there, year=2018, source="eu", status="submitted", amount=Decimal("5")),
    }
    users = {
        "bureau": factories.BureauUserFactory(),
        "coordinator": factories.CoordinatorFactory(hub=here),
        "hub_viewer": factories.HubViewerFactory(hub=here),
        "analyst": factories.UserFactory(),
        "no_role": factories.UserFactory(role=""),
    }
    return {"here": here, "there": there, "items": items, "users": users}


def visible(world, who):
    qs = policy.visible_to(world["users"][who], FundingRecord.objects.all())
    names = {v.pk: k for k, v in world["items"].items()}
    return sorted(names[pk] for pk in qs.values_list("pk", flat=True))


def test_visible_to_is_one_sql_filter_per_role(world):
    assert visible(world, "bureau") == sorted(world["items"])
    own_and_published = ["approved_here", "draft_here", "returned_here", "submitted_there"]
    assert visible(world, "coordinator") == own_and_published
    assert visible(world, "hub_viewer") == own_and_published  # the hub viewer reads its hub's drafts too
    assert visible(world, "analyst") == ["approved_here", "submitted_there"]
    assert visible(world, "no_role") == []


def test_can_view_agrees_with_visible_to_for_every_role_and_item(world):
    for who, user in world["users"].items():
        shown = set(visible(world, who))
        for name, item in world["items"].items():
            assert policy.can(user, A.VIEW, item) == (name in shown), (who, name)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("bureau", {"draft_here", "returned_here", "approved_here", "draft_there", "submitted_there"}),
        ("coordinator", {"draft_here", "returned_here"}),  # own hub, still with the hub
        ("hub_viewer", set()),
        ("analyst", set()),
    ],
)
def test_who_may_change_delete_and_submit(world, who, expected):
    user = world["users"][who]
    for action in (A.CHANGE, A.DELETE, A.SUBMIT):
        allowed = {name for name, item in world["items"].items() if policy.can(user, action, item)}
        assert allowed == expected, (who, action)


def test_only_the_bureau_reviews_manages_periods_runs_evaluations_and_uses_the_admin(world):
    bureau_only = (A.APPROVE, A.RETURN, A.REVIEW, A.MANAGE_PERIODS, A.RUN_EVALUATION, A.USE_ADMIN)
    for who, user in world["users"].items():
        for action in bureau_only:
            assert policy.can(user, action, world["items"]["draft_here"]) == (who == "bureau"), (who, action)


def test_hub_roles_and_their_report(world):
    users, here, there = world["users"], world["here"], world["there"]
    assert policy.can(users["coordinator"], A.VIEW_REPORT, here) and policy.can(
        users["coordinator"], A.ENTER_REPORT, here
    )
    assert policy.can(users["hub_viewer"], A.VIEW_REPORT, here)
    assert not policy.can(users["hub_viewer"], A.ENTER_REPORT, here)
    for who in ("coordinator", "hub_viewer", "analyst"):
        assert not policy.can(users[who], A.VIEW_REPORT, there)
    assert policy.can(users["coordinator"], A.IMPORT) and not policy.can(users["hub_viewer"], A.IMPORT)


def test_registry_records_are_read_by_every_role_and_edited_by_the_bureau(world):
    funder = factories.FunderFactory()
    for who, user in world["users"].items():
        assert policy.can(user, A.VIEW, funder) == (who != "no_role")
        for action in (A.ADD, A.CHANGE, A.DELETE):
            assert policy.can(user, action, funder if action != A.ADD else Funder) == (who == "bureau")


def test_require_says_who_may(world):
    with pytest.raises(PermissionDenied, match="programme bureau"):
        policy.require(world["users"]["hub_viewer"], A.APPROVE, world["items"]["draft_here"])


def test_the_database_binds_hub_roles_to_exactly_one_hub(world):
    with pytest.raises(IntegrityError):
        User.objects.create(username="viewer-without-hub", role=Role.HUB_VIEWER)


def test_inactive_and_anonymous_users_may_do_nothing(world):
    inactive = world["users"]["bureau"]
    inactive.is_active = False
    for user in (AnonymousUser(), inactive, None):
        assert not policy.can(user, A.VIEW, world["items"]["approved_here"])
        assert policy.visible_to(user, FundingRecord.objects.all()).count() == 0


def test_a_role_set_in_the_admin_brings_its_group(client, world):
    admin = factories.UserFactory(username="root", role="", is_superuser=True, is_staff=True)
    client.force_login(admin)
    analyst = world["users"]["analyst"]
    response = client.get(f"/admin/accounts/user/{analyst.pk}/change/")
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"role": "hub_viewer", "hub": world["here"].pk})
    data.pop("password", None)
    data["groups"] = [g.pk for g in analyst.groups.all()]
    data["user_permissions"] = []
    for name in ("date_joined", "last_login"):  # split date and time inputs in the admin
        value = data.pop(name, None)
        if value:
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
    response = client.post(f"/admin/accounts/user/{analyst.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    analyst.refresh_from_db()
    assert analyst.role == "hub_viewer" and list(analyst.groups.values_list("name", flat=True)) == ["hub_viewer"]
    assert policy.can(analyst, A.VIEW, world["items"]["draft_here"])


def test_measurements_reach_readers_outside_the_hub_once_approved(world):
    """Analysts recompute verdicts from approved figures: a submitted measurement is the hub's and the bureau's."""
    lab = factories.FieldlabFactory(slug="lab-measured", hub=world["here"])
    activity = factories.ActivityTypeFactory(code="awareness-m")
    indicator = Indicator.objects.create(code="events-m", name="Events", unit="events")
    made = {
        status: Measurement.objects.create(
            activity_type=activity, indicator=indicator, year=year, fieldlab=lab, value=1, status=status
        )
        for year, status in ((2017, "draft"), (2018, "submitted"), (2019, "approved"))
    }
    users = world["users"]
    for who, expected in [
        ("bureau", {"draft", "submitted", "approved"}),
        ("coordinator", {"draft", "submitted", "approved"}),
        ("hub_viewer", {"draft", "submitted", "approved"}),
        ("analyst", {"approved"}),
    ]:
        shown = set(policy.visible_to(users[who], Measurement.objects.all()).values_list("status", flat=True))
        assert shown == expected, who
        assert {s for s, m in made.items() if policy.can(users[who], A.VIEW, m)} == expected, who
