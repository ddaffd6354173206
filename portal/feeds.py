"""RSS of the latest published articles (never sample rows: a feed reader shows no badge)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import DatePrecision
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
        """The article's own date, only when it is known to the day (RSS has no month-only date);
        `published_at` is when this portal put it online, not when it appeared, so never that."""
        if item.date is None or item.date_precision != DatePrecision.DAY:
            return None
        return datetime.datetime.combine(item.date, datetime.time(), tzinfo=timezone.get_current_timezone())

    def item_author_name(self, item):
        return item.author
