from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Photo


class StaticSitemap(Sitemap):
    def items(self):
        return ["portal:home", "portal:article-list", "portal:photo-list"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.published()

    def lastmod(self, item):
        return item.updated_at


class PhotoSitemap(Sitemap):
    def items(self):
        return Photo.objects.published()


sitemaps = {"portal": StaticSitemap, "articles": ArticleSitemap, "photos": PhotoSitemap}
