"""RSS of the latest published articles (never sample rows: a feed reader shows no badge)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .models import Article, SiteSettings, without_samples


class LatestArticlesFeed(Feed):
    link = reverse_lazy("portal:article-list")
    description = _("最新发布的文章")

    def title(self):
        return _("%(portal)s · 文章") % {"portal": SiteSettings.load().portal_name}

    def items(self):
        return without_samples(Article.objects.published())[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.subtitle

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author
