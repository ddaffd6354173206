from django.utils.translation import gettext_lazy as _

from portal.registry import SectionConfig


class ParksConfig(SectionConfig):
    name = "parks"
    default = True  # apps.py also holds the imported SectionConfig base
    verbose_name = _("园区")
