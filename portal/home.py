"""The portal's own blocks on the home page."""

from django.utils.translation import gettext_lazy as _

from .models import Article, Photo
from .registry import HomeBlock

HOME_PHOTO_COUNT = 6
HOME_ARTICLE_COUNT = 4


def featured_photo_context(request):
    photos = Photo.objects.published().filter(featured=True)[:HOME_PHOTO_COUNT]
    return {"title": _("图片"), "photos": photos}


def latest_article_context(request):
    articles = Article.objects.published()[:HOME_ARTICLE_COUNT]  # the cards show no photos
    return {"title": _("最新文章"), "articles": articles}


featured_photos = HomeBlock("featured-photos", "portal/blocks/_featured_photos.html", featured_photo_context, order=60)
latest_articles = HomeBlock("latest-articles", "portal/blocks/_latest_articles.html", latest_article_context, order=70)
