from . import care_mode as care_mode_preference
from .models import SiteSettings
from .registry import registry


def site(request):
    """Site settings, the navigation and the registered page being shown (its name and
    description, for the <meta> description) that every page's shell needs."""
    match = getattr(request, "resolver_match", None)
    return {
        "site": SiteSettings.for_request(request),
        "nav_items": registry.nav,
        "current_page": registry.page(match.view_name) if match is not None else None,
    }


def care_mode(request):
    """Whether the reader chose 关怀版 (portal.care_mode): base.html marks <html> and the switch."""
    return {"care_mode": care_mode_preference.is_on(request)}
