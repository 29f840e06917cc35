# The reporting period moves from the funding app to the reporting app. The tables stay where they are in this
# step (state only), so existing periods and their history survive; 0002 renames them to this app's names.

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("funding", "0001_initial"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="HistoricalReportingPeriod",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("updated_at", models.DateTimeField(blank=True, editable=False, verbose_name="updated at")),
                ("year", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2010), django.core.validators.MaxValueValidator(2040)], verbose_name="year")),
                ("status", models.CharField(choices=[("open", "Open"), ("closed", "Closed")], default="open", max_length=16, verbose_name="status")),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline")),
                ("closed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="closed at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                ("closed_by", models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("hub", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="registry.hub", verbose_name="hub")),
            ],
            options={
                "verbose_name": "historical reporting period",
                "verbose_name_plural": "historical reporting periods",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
                "db_table": "funding_historicalreportingperiod",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReportingPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("year", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2010), django.core.validators.MaxValueValidator(2040)], verbose_name="year")),
                ("status", models.CharField(choices=[("open", "Open"), ("closed", "Closed")], default="open", max_length=16, verbose_name="status")),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline")),
                ("closed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="closed at")),
                ("closed_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("hub", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reporting_periods", to="registry.hub", verbose_name="hub")),
            ],
            options={
                "verbose_name": "reporting period",
                "verbose_name_plural": "reporting periods",
                "ordering": ["-year", "hub__name"],
                "db_table": "funding_reportingperiod",
                "constraints": [
                    models.UniqueConstraint(fields=("hub", "year"), name="funding_reportingperiod_unique_hub_year"),
                    models.CheckConstraint(condition=models.Q(("year__gte", 2010), ("year__lte", 2040)), name="funding_reportingperiod_year_range"),
                    models.CheckConstraint(condition=models.Q(("status__in", ["open", "closed"])), name="funding_reportingperiod_status_valid"),
                ],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
