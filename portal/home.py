"""The portal's own blocks on the home page."""

from django.utils.translation import gettext_lazy as _

from .models import Article, Photo, SiteSettings
from .registry import HomeBlock, registry

HOME_PHOTO_COUNT = 6
HOME_ARTICLE_COUNT = 4
HOME_NOTICE_COUNT = 5


def featured_photo_rows(request) -> list:
    """Photos the editors marked 首页推荐, in their order (the first leads the home page), read once
    per request for the lead and the photo block."""
    if not hasattr(request, "_featured_photos"):
        request._featured_photos = list(Photo.objects.published().filter(featured=True)[: HOME_PHOTO_COUNT + 1])
    return request._featured_photos


def lead_context(request):
    """The home page's lead: the zone's name and tagline beside the first featured photo (if any)."""
    photos = featured_photo_rows(request)
    return {"photo": photos[0] if photos else None}


def quick_links_context(request):
    """The services people come for, as the sections registered them (NavItem.quick_order)."""
    return {"title": _("办事入口"), "links": registry.quick_links}


def news_context(request):
    """要闻 (the latest articles) beside 通知公告 (articles in the column the site settings name)."""
    notice_column = SiteSettings.for_request(request).notice_column
    articles = Article.objects.published()
    news = articles.exclude(column=notice_column) if notice_column else articles
    notices = articles.filter(column=notice_column)[:HOME_NOTICE_COUNT] if notice_column else []
    return {
        "title": _("要闻"),
        "articles": news[:HOME_ARTICLE_COUNT],  # the cards show no photos
        "notices_title": _("通知公告"),
        "notices": notices,
        "notice_column": notice_column,
    }


def featured_photo_context(request):
    photos = featured_photo_rows(request)[1:]  # the first one leads the page
    return {"title": _("图片"), "photos": photos}


lead = HomeBlock("lead", "portal/blocks/_lead.html", lead_context, order=0)
quick_links = HomeBlock("quick-links", "portal/blocks/_quick_links.html", quick_links_context, order=5)
news = HomeBlock("news", "portal/blocks/_latest_articles.html", news_context, order=10)
featured_photos = HomeBlock("featured-photos", "portal/blocks/_featured_photos.html", featured_photo_context, order=60)
