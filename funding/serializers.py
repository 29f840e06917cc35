"""A funding record as the REST API and the spreadsheet import read and write it: one serializer for both.

It sits beside the forms rather than in api/ because two interfaces use it: the API's viewset (funding/api/) and
the importer (funding/importers.py), which checks every row with it so a row gets the same verdict, with the same
words, on both paths. Its writable fields are a record's fields as funding/fields.py lists them.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from core.amounts import parse_amount
from core.api.serializers import ApiModelSerializer

from .choices import RecipientKind
from .fields import RECORD_KEYS, recipient_fields, recipient_lookup
from .models import Funder, FundingRecord


class AmountField(serializers.DecimalField):
    """Euros, read by the one amount parser of the portal form and the import (core.amounts.parse_amount).

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
        # Through the foreign key: funding does not import evaluation (activity types are evaluation's).
        queryset=FundingRecord._meta.get_field("activity_type").related_model.objects.all(),
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
