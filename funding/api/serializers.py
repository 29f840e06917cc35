from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from evaluation.models import ActivityType
from registry.models import Hub, Province
from smartindustry.api.serializers import ApiModelSerializer

from ..choices import RecipientKind
from ..fields import RECORD_KEYS, recipient_fields, recipient_lookup
from ..forms import parse_amount
from ..models import Funder, FundingRecord, ReportingPeriod


class AmountField(serializers.DecimalField):
    """Euros, read by the one amount parser of the portal form and the import (funding.forms.parse_amount).

    A JSON number is taken as it is. A string is read as people type amounts in the request's language: a string
    with a decimal point and two decimals ("12500.00", what this API writes) always means the same, and "12.500,00"
    or "12,500.00" are accepted as in the portal. Never negative, at most two decimals; written as a string.
    """

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        try:
            amount = parse_amount(data if isinstance(data, int | float | Decimal) else str(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        if amount is None:
            self.fail("required")
        return super().to_internal_value(amount)  # the precision check (max_digits) and the quantising


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


class FundingRecordSerializer(ApiModelSerializer):
    """A funding record; the recipient is named by its kind and slug, on read and on write."""

    recipient_kind = serializers.ChoiceField(
        choices=RecipientKind.choices, help_text=_lazy("Kind of recipient: fieldlab, hub or bureau.")
    )
    recipient = serializers.SlugField(
        source="recipient.slug", max_length=100, help_text=_lazy("Recipient's slug (a fieldlab, hub or the bureau).")
    )
    recipient_hub = serializers.SerializerMethodField(
        help_text=_lazy(
            "Slug of the hub that reports this record (the fieldlab's hub, or the hub itself); null otherwise."
        )
    )
    funder = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Funder.objects.all(),
        allow_null=True,
        required=False,
        help_text=_lazy("Funder (slug), when known."),
    )
    amount = AmountField()
    activity_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ActivityType.objects.all(),
        allow_null=True,
        required=False,
        help_text=_lazy("Activity type (code)."),
    )
    status = serializers.ChoiceField(
        choices=FundingRecord._meta.get_field("status").choices,
        required=False,
        help_text=_lazy(
            "Workflow status. Set on create by the bureau only (coordinators always create drafts); afterwards it "
            "changes only through the submit, approve and return actions."
        ),
    )

    class Meta:
        model = FundingRecord
        # A record's fields as funding/fields.py lists them (the portal's export and import columns, in that order),
        # then what only the API shows.
        fields = [
            *RECORD_KEYS,
            "recipient_hub",
            "review_comment",
            "submitted_at",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["review_comment", "submitted_at", "reviewed_at", "created_at", "updated_at"]
        brief_fields = ["id", "recipient_kind", "recipient", "year", "source", "amount", "status"]

    def get_recipient_hub(self, obj) -> str | None:
        if obj.hub_id:
            return obj.hub.slug
        if obj.fieldlab_id and obj.fieldlab.hub_id:
            return obj.fieldlab.hub.slug
        return None

    def validate(self, attrs):
        kind = attrs.pop("recipient_kind", None)
        slug = attrs.pop("recipient", {}).get("slug")
        if self.instance is None:
            missing = {
                name: [_("This field is required.")]
                for name, v in (("recipient_kind", kind), ("recipient", slug))
                if not v
            }
            if missing:
                raise serializers.ValidationError(missing)
        if kind or slug:
            kind = kind or self.instance.recipient_kind
            slug = slug or self.instance.recipient.slug
            # A Django ValidationError naming the field; DRF turns it into the same 400 as its own errors.
            recipient = recipient_lookup(kind=kind, slug=slug)
            attrs.update(recipient_fields(kind=kind, recipient=recipient))
        if self.instance is not None and "status" in attrs and attrs.pop("status") != self.instance.status:
            raise serializers.ValidationError(
                {"status": [_("Change the status with the submit, approve and return actions.")]}
            )
        return attrs


class WorkflowCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=_lazy("Review comment (required when returning).")
    )


class ReportingPeriodSerializer(ApiModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_lazy("Hub (slug)."))

    class Meta:
        model = ReportingPeriod
        fields = ["id", "hub", "year", "status", "deadline", "closed_at", "created_at", "updated_at"]
        brief_fields = ["id", "hub", "year", "status"]


class ReportingPeriodActionSerializer(serializers.Serializer):
    hub = serializers.SlugRelatedField(slug_field="slug", queryset=Hub.objects.all(), help_text=_lazy("Hub (slug)."))
    year = serializers.IntegerField(min_value=2010, max_value=2040, help_text=_lazy("Reporting year."))


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
