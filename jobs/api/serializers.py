from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(
        source="owner.username",
        read_only=True,
        allow_null=True,
        help_text=_("Who started the job; null for one the system started (the bureau's alone)."),
    )
    download_url = serializers.SerializerMethodField(
        help_text=_("Where to download the file an export job wrote; null until it is done, and for other kinds.")
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "owner",
            "done",
            "total",
            "result",
            "error",
            "filename",
            "download_url",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.kind != "export" or not job.finished or not job.file:
            return None
        request = self.context.get("request")
        # The API's download (token or session), owner and bureau only; the job page links the portal's.
        url = reverse("api:job-download", args=[job.pk])
        return request.build_absolute_uri(url) if request else url
