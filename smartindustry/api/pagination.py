from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` up to 1000 (larger values are capped, never refused)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = _("Page number (1-based).")
    page_size_query_description = _("Rows per page, 1–1000 (default 50; larger values are capped at 1000).")
