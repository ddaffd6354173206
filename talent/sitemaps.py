from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Award, Expert

LIST_PAGES = ["talent:award-list", "talent:laureate-list", "talent:expert-list", "talent:nomination-status"]


class TalentPagesSitemap(Sitemap):
    def items(self):
        return LIST_PAGES

    def location(self, item):
        return reverse(item)


class AwardSitemap(Sitemap):
    def items(self):
        return Award.objects.published()

    def lastmod(self, item):
        return item.updated_at


class ExpertSitemap(Sitemap):
    def items(self):
        return Expert.objects.published()

    def lastmod(self, item):
        return item.updated_at


sitemaps = {"talent-pages": TalentPagesSitemap, "awards": AwardSitemap, "experts": ExpertSitemap}
