"""The load test's core, CI-sized: a few seconds of coordinators and bureau users against pytest's live server, then
the same check as the full run (scripts/load_test.py; figures in docs/reliability.md): nothing lost, nothing
duplicated, no 5xx. Keeps the script working as the portal changes; it measures nothing (no timing is asserted).
"""

import asyncio
import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests import factories

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "load_test.py"
YEARS = (2021, 2022)

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent requests need PostgreSQL (the live server shares one SQLite connection between threads)",
)


def load_script():
    spec = importlib.util.spec_from_file_location("load_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hubs(transactional_db):
    for slug in ("noord", "oost"):
        hub = factories.HubFactory(name=f"Hub {slug}", slug=slug)
        for n in range(3):
            factories.FieldlabFactory(name=f"Lab {slug} {n}", slug=f"lab-{slug}-{n}", hub=hub, start_year=2016)
    return ["noord", "oost"]


@ON_POSTGRESQL
def test_a_short_load_loses_nothing_duplicates_nothing_and_never_answers_5xx(live_server, hubs):
    load = load_script()
    coordinators, bureau_users = load.prepare_users(coordinators=6, bureau_users=2, password="load-test-password-1")
    assert {hub for _name, hub in coordinators} == set(hubs)
    before = load.cell_snapshot(YEARS, hubs)
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one, and
    # asyncio.run refuses to start inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        tally, seconds = pool.submit(
            asyncio.run,
            load.run_load(
                live_server.url,
                coordinators=coordinators,
                bureau_users=bureau_users,
                password="load-test-password-1",
                years=YEARS,
                duration=8,
                think=(0.0, 0.05),
            ),
        ).result()
    verdict = load.verify(before, load.cell_snapshot(YEARS, hubs), tally)
    summary = load.report(tally, seconds, verdict, users=8)
    assert tally.server_errors == 0 and not tally.transport_errors, summary
    assert verdict.ok, summary
    # It really ran: everyone signed in, cells were saved and acknowledged, reports were submitted and reviewed.
    assert tally.statuses["login"][302] == 8, summary
    assert verdict.saves_acknowledged > 0 and verdict.records_found >= verdict.cells_acknowledged, summary
    assert tally.statuses["submit"][302] > 0, summary
    assert tally.statuses["review queue"][200] > 0, summary
    assert verdict.sum_found == verdict.sum_expected


def test_the_check_catches_a_lost_a_duplicated_and_an_unacknowledged_record():
    """verify() is what makes the load test honest: it must fail on each kind of damage."""
    load = load_script()
    tally = load.Tally()
    tally.acks[(1, "eu", 2021)].append(load.Ack(version=2, amount=Decimal(5)))
    tally.acks[(1, "eu", 2021)].append(load.Ack(version=3, amount=Decimal(7)))
    tally.acks[(2, "eu", 2021)].append(load.Ack(version=1, amount=Decimal(9)))
    good = {(1, "eu", 2021): [(10, Decimal(7))], (2, "eu", 2021): [(11, Decimal(9))]}
    assert load.verify({}, good, tally).ok
    lost = {(1, "eu", 2021): [(10, Decimal(7))]}
    assert load.verify({}, lost, tally).lost == [(2, "eu", 2021)]
    stale = {(1, "eu", 2021): [(10, Decimal(5))], (2, "eu", 2021): [(11, Decimal(9))]}
    assert load.verify({}, stale, tally).wrong_amount == [((1, "eu", 2021), Decimal(7), Decimal(5))]
    double = {**good, (2, "eu", 2021): [(11, Decimal(9)), (12, Decimal(9))]}
    assert load.verify({}, double, tally).duplicated == [(2, "eu", 2021)]
    extra = {**good, (3, "eu", 2021): [(13, Decimal(1))]}
    assert load.verify({}, extra, tally).unexpected == [(3, "eu", 2021)]
    # A record from before the run that nobody touched must still be there, unchanged.
    before = {(4, "eu", 2021): [(14, Decimal(3))]}
    assert load.verify(before, good, tally).lost == [(4, "eu", 2021)]
