from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from . import home
        from .models import Article, Photo
        from .registry import NavItem, SearchSource, registry

        registry.register_nav(NavItem(_("首页"), "portal:home", top_order=0))
        registry.register_nav(NavItem(_("文章"), "portal:article-list", top_order=80))
        registry.register_nav(NavItem(_("图片"), "portal:photo-list", top_order=90))
        registry.register_home_block(home.featured_photos)
        registry.register_home_block(home.latest_articles)
        article_fields = ("title", "subtitle", "summary", "lead", "sections__heading", "sections__body")
        registry.register_search(SearchSource(_("文章"), lambda: Article.objects.published(), article_fields, order=10))
        photo_fields = ("caption", "credit", "alt_text")
        registry.register_search(SearchSource(_("图片"), lambda: Photo.objects.published(), photo_fields, order=90))
        registry.register_sitemap_models([Article, Photo])
