"""What the park section offers the portal shell: nav, home blocks, search, sitemaps."""

from django.utils.translation import gettext_lazy as _

from portal.registry import NavItem

nav_items = [NavItem(_("园区概况"), "parks:park-home", order=10)]
home_blocks = []
search_sources = []
sitemaps = {}
