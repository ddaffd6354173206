from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    """Platforms, partners, enterprises, events, achievements and cooperation."""

    name = "innovation"
    verbose_name = _("创新")

    def ready(self):
        from portal.registry import registry

        from . import registrations

        for item in registrations.nav_items:
            registry.register_nav(item)
        for block in registrations.home_blocks:
            registry.register_home_block(block)
        for source in registrations.search_sources:
            registry.register_search(source)
        registry.register_sitemaps(registrations.sitemaps)
