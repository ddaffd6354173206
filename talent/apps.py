from django.utils.translation import gettext_lazy as _

from portal.registry import SectionConfig


class TalentConfig(SectionConfig):
    """Awards, categories, cycles, laureates, nominations and the experts directory."""

    name = "talent"
    default = True  # apps.py also holds the imported SectionConfig base
    verbose_name = _("人才")
