from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from core.paginator import EstimatingPaginator

# Set on a page whose `count` is PostgreSQL's estimate (more than COUNT_EXACT_UP_TO matching rows; docs/api.md).
COUNT_ESTIMATED_HEADER = "X-Count-Estimated"


class StandardPagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` up to 1000 (larger values are capped, never refused).

    ``count`` is exact up to 10,000 matching rows and the planner's estimate above (then the answer carries
    ``X-Count-Estimated: true``); ``next`` is always right, so walking the pages reaches every row.
    """

    django_paginator_class = EstimatingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = _("Page number (1-based).")
    page_size_query_description = _("Rows per page, 1–1000 (default 50; larger values are capped at 1000).")

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.page.paginator.count_is_estimate:
            response[COUNT_ESTIMATED_HEADER] = "true"
        return response
