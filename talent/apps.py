from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    """Awards, laureates, nominations and experts (built in its own issue)."""

    name = "talent"
    verbose_name = _("人才")
