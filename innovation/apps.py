from django.utils.translation import gettext_lazy as _

from portal.registry import SectionConfig


class InnovationConfig(SectionConfig):
    """Platforms, partners, enterprises, events, achievements and cooperation."""

    name = "innovation"
    default = True  # apps.py also holds the imported SectionConfig base
    verbose_name = _("创新")
