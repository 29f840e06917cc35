"""Reference data of the evaluation module (activity types, intervention logic, measurements).

Called by `manage.py load_reference_data` after the registry and funding reference data; must be idempotent.
"""

ACTIVITY_TYPES = [
    # code, name, lead level, order
    ("fieldlab-experimentation", "Fieldlab experimentation and demonstration", "fieldlab", 1),
    ("regional-activation", "Regional activation by the hubs", "hub", 2),
    ("skills-development", "Skills development", "fieldlab", 3),
    ("awareness-agenda-setting", "Awareness and agenda-setting", "bureau", 4),
    ("ict-preconditions", "ICT preconditions (data sharing, cybersecurity, standards)", "bureau", 5),
    ("programme-coordination", "Programme coordination", "bureau", 6),
]


def evaluation_reference_load(*, actor=None) -> dict[str, int]:
    """Load the evaluation reference data; return counts of rows created per model."""
    from smartindustry.services import audited_save

    from .models import ActivityType

    created = 0
    for code, name, lead_level, order in ACTIVITY_TYPES:
        if ActivityType.objects.filter(code=code).exists():
            continue
        audited_save(
            ActivityType(
                code=code,
                name=name,
                lead_level=lead_level,
                sort_order=order,
                provenance="illustrative",
                provenance_source="Activity types named after the Dialogic evaluation (2021); grouping illustrative.",
            ),
            actor=actor,
            reason="reference data",
        )
        created += 1
    return {"ActivityType": created}
