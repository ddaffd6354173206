from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    """Platforms, partners, enterprises, events and achievements (built in its own issue)."""

    name = "innovation"
    verbose_name = _("创新")
