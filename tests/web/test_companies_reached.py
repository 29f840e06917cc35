"""Companies reached has one definition (registry.selectors.companies_reached): unique companies that took part at a
fieldlab or at a hub in the window, each counted once. The dashboard, the hub page, the evaluation page and the API
must all show the same number."""

import pytest
from django.test import Client

from tests import factories

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reach_world():
    """All in one hub, so the hub page's figure (the hub and its fieldlabs) is the whole network's too.

    A: one participation, at fieldlab F1. B: at the hub only (a voucher; no fieldlab). C: at F1 (2017 and 2018) and
    at F2. E: at F1 and at F2. D: at F1 in 2021, outside the 2015–2019 window every page uses.
    Companies reached 2015–2019: A, B, C, E = 4. The wrong definitions all differ: fieldlabs only 3 (A, C, E);
    company×fieldlab pairs 5; participations 7; without the window 5.
    """
    hub = factories.HubFactory(slug="reach-hub", name="Reach Hub")
    f1 = factories.FieldlabFactory(slug="reach-f1", hub=hub)
    f2 = factories.FieldlabFactory(slug="reach-f2", hub=hub)
    a, b, c, d, e = (factories.CompanyFactory() for _ in range(5))
    factories.ParticipationFactory(company=a, fieldlab=f1, year=2016)
    factories.ParticipationFactory(company=b, fieldlab=None, hub=hub, year=2017, support_type="voucher")
    factories.ParticipationFactory(company=c, fieldlab=f1, year=2017)
    factories.ParticipationFactory(company=c, fieldlab=f1, year=2018)
    factories.ParticipationFactory(company=c, fieldlab=f2, year=2018)
    factories.ParticipationFactory(company=e, fieldlab=f1, year=2019)
    factories.ParticipationFactory(company=e, fieldlab=f2, year=2019)
    factories.ParticipationFactory(company=d, fieldlab=f1, year=2021)
    client = Client()
    client.force_login(factories.UserFactory(username="reach-analyst"))
    return client


def test_dashboard_hub_page_evaluation_and_api_show_the_same_companies_reached(reach_world):
    client = reach_world
    shown = {
        "dashboard": text(client.get("/"), "companies-reached"),
        "hub page": text(client.get("/hubs/reach-hub/"), "companies-reached"),
        "evaluation page": text(client.get("/evaluation/"), "companies-reached"),
        "API": str(client.get("/api/v1/evaluation/companies-reached/").json()[-1]["unique_companies"]),
    }
    assert shown == dict.fromkeys(shown, "4")
