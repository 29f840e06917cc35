"""Reporting periods: the bureau closes a hub's year (every change and step for it is refused) and reopens it."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import policy
from core.services import audited_save
from registry.models import Hub

from .choices import PeriodStatus
from .models import ReportingPeriod

__all__ = ["reporting_period_close", "reporting_period_reopen"]


def _period_set(*, hub: Hub, year: int, actor: User, status: str) -> ReportingPeriod:
    policy.require(actor, policy.Action.MANAGE_PERIODS)
    period = ReportingPeriod.objects.select_for_update().filter(hub=hub, year=year).first()
    if period is None:
        period = ReportingPeriod(hub=hub, year=year)
    period.status = status
    if status == PeriodStatus.CLOSED:
        period.closed_at, period.closed_by = timezone.now(), actor
    else:
        period.closed_at, period.closed_by = None, None
    # full_clean inside audited_save refuses a year outside the registry's bounds with a clear message.
    return audited_save(period, actor=actor, reason="closed" if status == PeriodStatus.CLOSED else "reopened")


@transaction.atomic
def reporting_period_close(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    return _period_set(hub=hub, year=year, actor=actor, status=PeriodStatus.CLOSED)


@transaction.atomic
def reporting_period_reopen(*, hub: Hub, year: int, actor: User) -> ReportingPeriod:
    return _period_set(hub=hub, year=year, actor=actor, status=PeriodStatus.OPEN)
