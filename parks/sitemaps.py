from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Park

LIST_PAGES = [
    "parks:park-home",
    "parks:area-list",
    "parks:milestone-list",
    "parks:industry-list",
    "parks:indicator-list",
    "parks:honour-list",
]


class ParkPagesSitemap(Sitemap):
    """The section's pages; areas, milestones and honours are anchors on them."""

    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class ParkSitemap(Sitemap):
    def items(self):
        return Park.objects.published()

    def lastmod(self, item):
        return item.updated_at


sitemaps = {"park-pages": ParkPagesSitemap, "parks": ParkSitemap}
