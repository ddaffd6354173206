"""sitemap.xml: every page of the registered navigation, and every published detail page
(never a 示例 row: rows with `is_sample` set are left out, for any model that has the flag)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import without_samples
from .registry import registry


class NavPagesSitemap(Sitemap):
    """The pages the navigation links to: the top navigation and each section's own row."""

    def items(self):
        names = [item.url_name for item in registry.nav]
        names += [item.url_name for nav in registry.section_navs.values() for item in nav.items]
        return list(dict.fromkeys(names))

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    """The detail pages of a model's published rows that are not samples, with the time each
    last changed."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return without_samples(self.model.objects.published())

    def lastmod(self, item):
        return item.updated_at


def sitemaps() -> dict:
    return {
        "pages": NavPagesSitemap(),
        **{model._meta.label_lower: PublishedSitemap(model) for model in registry.sitemap_models},
    }
