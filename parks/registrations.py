"""What the park section offers the portal shell: nav, home blocks, search, sitemaps.

Read by ParksConfig.ready(); the portal itself never imports this section.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.registry import HomeBlock, NavItem, SearchSource, SectionNav

from .models import Area, Honour, Indicator, Industry, Metric, Milestone, Park

HOME_MILESTONE_COUNT = 4

# The section's row of links on each of its pages; the top navigation stays short (top_order):
# the park profile links to every other park page.
section_nav = SectionNav(
    _("园区栏目"),
    (
        NavItem(_("园区概况"), "parks:park-home", top_order=10),
        NavItem(_("一区多园"), "parks:area-list", _("园区“一区多园”的各个片区：原核心区、进驻片区与合并新区。")),
        NavItem(_("发展历程"), "parks:milestone-list", _("园区发展历程：从批准成立到升级为国家高新区的大事记。"), top_order=11),
        NavItem(_("产业布局"), "parks:industry-list", _("园区产业布局：支柱（基石）产业与战略性新兴产业。")),
        NavItem(
            _("经济指标"), "parks:indicator-list", _("园区主要经济指标：逐年数值、同比增长与统计口径，附图表。"), top_order=12
        ),
        NavItem(_("园区荣誉"), "parks:honour-list", _("园区获得的称号、试点与示范资格、国际会员资格。")),
    ),
)


def key_figures_context(request) -> dict:
    """Featured indicators of the latest year with data: value, unit, year-on-year change."""
    indicators = list(Indicator.objects.published().filter(featured=True).latest_year().select_related("metric"))
    return {
        "title": _("主要经济指标"),
        "indicators": indicators,
        "year": indicators[0].year if indicators else None,
        "more_url": reverse("parks:indicator-list"),
    }


def latest_milestones_context(request) -> dict:
    milestones = Milestone.objects.published().latest_first()[:HOME_MILESTONE_COUNT]
    return {"title": _("发展历程"), "milestones": list(milestones), "more_url": reverse("parks:milestone-list")}


home_blocks = [
    HomeBlock("park-key-figures", "parks/blocks/_key_figures.html", key_figures_context, order=20),
    HomeBlock("park-milestones", "parks/blocks/_latest_milestones.html", latest_milestones_context, order=40),
]


search_sources = [
    SearchSource(_("园区"), lambda: Park.objects.published(), ("name", "short_name", "summary", "profile_items__text"), order=20),
    SearchSource(_("园区片区"), lambda: Area.objects.published(), ("name", "role", "description"), order=21),
    SearchSource(_("发展历程"), lambda: Milestone.objects.published(), ("title", "body"), order=22),
    SearchSource(_("产业"), lambda: Industry.objects.published(), ("name", "description"), order=23),
    SearchSource(_("经济指标"), lambda: Metric.objects.with_published_indicators(), ("name", "description"), order=24),
    SearchSource(_("荣誉"), lambda: Honour.objects.published(), ("name", "awarded_by", "holder", "description"), order=25),
]

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Park]
