from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    """Awards, categories, cycles, laureates, nominations and the experts directory."""

    name = "talent"
    verbose_name = _("人才")

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
        registry.register_sample_models(registrations.sample_models, after_load=registrations.sample_after_load)
