"""Content negotiation: ``?format=`` wins over ``Accept``; an unknown format is a clear 406, not a 404."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class FormatContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            known = ", ".join(sorted({r.format for r in renderers}))
            raise exceptions.NotAcceptable(
                _("Unknown format %(format)r; choose one of %(known)s.") % {"format": format, "known": known}
            ) from None
