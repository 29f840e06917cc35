from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from core.api.serializers import ApiModelSerializer
from registry.models import Province

from ..models import Funder

# A funding record's serializer is funding/serializers.py: the spreadsheet import shares it with the API.


class FunderSerializer(ApiModelSerializer):
    province = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Province.objects.all(),
        allow_null=True,
        required=False,
        help_text=_lazy("Province (slug) of a provincial funder."),
    )

    class Meta:
        model = Funder
        fields = ["id", "slug", "name", "source", "kind", "province", "provenance", "provenance_source"]
        brief_fields = ["id", "slug", "name", "source"]


class WorkflowCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=_lazy("Review comment (required when returning).")
    )


# --- 360Giving -----------------------------------------------------------------------------------------------


class _OrgSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_lazy("Organisation identifier (360G-smartindustry-… for our own ids)."))
    name = serializers.CharField(help_text=_lazy("Organisation name."))


class _PeriodSerializer(serializers.Serializer):
    startDate = serializers.DateField(help_text=_lazy("First day of the funded year."))  # noqa: N815
    endDate = serializers.DateField(help_text=_lazy("Last day of the funded year."))  # noqa: N815


class _ProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_lazy("Activity type code, or smart-industry when none is recorded."))
    title = serializers.CharField(help_text=_lazy("Programme title."))


class ThreeSixtyGivingGrantSerializer(serializers.Serializer):
    """One grant in the 360Giving JSON schema's shape (https://standard.threesixtygiving.org/)."""

    id = serializers.CharField(help_text=_lazy("Grant identifier: 360G-smartindustry-fr-<record id>."))
    title = serializers.CharField(help_text=_lazy("Short title: funding to the recipient in the year."))
    description = serializers.CharField(help_text=_lazy("Source, kind, realisation and provenance of the amount."))
    currency = serializers.CharField(help_text=_lazy("Always EUR."))
    amountAwarded = serializers.DecimalField(  # noqa: N815
        max_digits=14, decimal_places=2, coerce_to_string=False, help_text=_lazy("Amount in EUR.")
    )
    awardDate = serializers.DateField(help_text=_lazy("1 January of the funded year (the registry records years)."))  # noqa: N815
    plannedDates = _PeriodSerializer(many=True, help_text=_lazy("The funded year."))  # noqa: N815
    recipientOrganization = _OrgSerializer(many=True, help_text=_lazy("The fieldlab, hub or bureau."))  # noqa: N815
    fundingOrganization = _OrgSerializer(many=True, help_text=_lazy("The funder, or the source category."))  # noqa: N815
    grantProgramme = _ProgrammeSerializer(many=True, help_text=_lazy("Smart Industry programme line."))  # noqa: N815
    dateModified = serializers.DateTimeField(help_text=_lazy("When the record last changed."))  # noqa: N815


class ThreeSixtyGivingPackageSerializer(serializers.Serializer):
    grants = ThreeSixtyGivingGrantSerializer(many=True, help_text=_lazy("The approved funding records as grants."))
