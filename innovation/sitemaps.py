from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Enterprise, PartnerInstitution, Platform

LIST_PAGES = [
    "innovation:innovation-home",
    "innovation:platform-list",
    "innovation:partner-list",
    "innovation:enterprise-list",
    "innovation:event-list",
    "innovation:achievement-list",
    "innovation:cooperation-list",
]


class InnovationPagesSitemap(Sitemap):
    """The section's pages; events, achievements and cooperation are anchors on them."""

    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.published()

    def lastmod(self, item):
        return item.updated_at


class PlatformSitemap(PublishedSitemap):
    model = Platform


class PartnerSitemap(PublishedSitemap):
    model = PartnerInstitution


class EnterpriseSitemap(PublishedSitemap):
    model = Enterprise


sitemaps = {
    "innovation-pages": InnovationPagesSitemap,
    "innovation-platforms": PlatformSitemap,
    "innovation-partners": PartnerSitemap,
    "innovation-enterprises": EnterpriseSitemap,
}
