# The reporting period now belongs to the reporting app (reporting/0001 takes over the same tables).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalReportingPeriod"),
                migrations.DeleteModel(name="ReportingPeriod"),
            ]
        )
    ]
