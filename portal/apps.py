from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the portal's deploy checks
            content_api,
            home,
            page_cache,
            roles,
            search,
        )
        from .models import Article, Photo
        from .registry import NavItem, SearchSource, registry

        registry.register_nav(NavItem(_("首页"), "portal:home", top_order=0))
        registry.register_nav(NavItem(_("文章"), "portal:article-list", _("园区专题报道与动态文章。"), top_order=80))
        photos_description = _("园区图片：按栏目和标签浏览，附图片说明与摄影者。")
        registry.register_nav(NavItem(_("图片"), "portal:photo-list", photos_description, top_order=90))
        for block in (home.lead, home.quick_links, home.news, home.featured_photos):
            registry.register_home_block(block)
        registry.register_search(SearchSource(Article, _("文章"), search.article_document, ("sections",), order=10))
        registry.register_search(SearchSource(Photo, _("图片"), search.photo_document, ("tags",), order=90))
        # The index follows every save, delete and link of what it reads (see portal.search).
        search.connect_signals()
        # Every change of a content row makes the cached pages out of date (see portal.page_cache).
        page_cache.connect_signals()
        registry.register_sitemap_models([Article, Photo])
        registry.register_api_resources(content_api.api_resources)
        # 示例 rows (generate_demo_data flags its own) that remove_sample_data deletes; photos last:
        # every section's rows may show one (see portal.demo.removable).
        registry.register_sample_models([Article])
        registry.register_sample_models([Photo], removed_last=True)
        # The admin's groups follow portal.roles on every migrate.
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="portal.roles.sync_roles")
