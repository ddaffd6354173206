from .models import SiteSettings
from .registry import registry


def site(request):
    """Site settings and the navigation every page's shell needs."""
    return {"site": SiteSettings.load(), "nav_items": registry.nav}
