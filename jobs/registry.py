"""Which work runs each kind of job: the apps that do the work register it here, in their AppConfig.ready().

The jobs app sits below the apps whose work it runs (funding's imports and exports, evaluation's runs), so it cannot
name that work itself. Each app registers a function under its kind's key; the one job task (jobs.tasks) and the
sweeper find the work by the job's kind. NetBox's JobRunner is the model: one runner, many kinds of work.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from .choices import JobKind

if TYPE_CHECKING:
    from .models import Job
    from .services import JobOutput

__all__ = ["JobKindUnknown", "Progress", "Work", "job_kind_register", "job_kind_work", "job_kinds_registered"]

# progress(done, total): progress and a heartbeat on the job's row (jobs.services.job_progress).
Progress = Callable[[int, int], None]
# work(job, progress) -> the job's result (a dict), or a JobOutput with a file to offer for download.
Work = Callable[["Job", Progress], "dict | JobOutput"]

_WORK: dict[str, Work] = {}


class JobKindUnknown(LookupError):
    """No app registered work for this kind (its app is not installed, or its ready() did not register it)."""


def job_kind_register(kind: str, *, work: Work) -> None:
    """Register the work that runs jobs of ``kind``. Once per kind: a second, different registration is a mistake
    (two apps claiming a kind), not an override."""
    if kind not in JobKind.values:
        raise ValueError(f"{kind!r} is not a job kind (jobs.choices.JobKind)")
    registered = _WORK.get(kind)
    if registered is not None and registered is not work:
        raise ValueError(f"Job kind {kind!r} already runs {registered.__module__}.{registered.__qualname__}")
    _WORK[kind] = work


def job_kind_work(kind: str) -> Work:
    try:
        return _WORK[kind]
    except KeyError:
        raise JobKindUnknown(kind) from None


def job_kinds_registered() -> frozenset[str]:
    return frozenset(_WORK)
