"""What the park section offers the portal shell: nav, home blocks, search, sitemaps, sample data.

Read by ParksConfig.ready(); the portal itself never imports this section.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import metadata
from portal.dates import iso_precise_date
from portal.registry import DemoData, HomeBlock, NavItem, SearchDocument, SearchSource, SectionNav

from . import demo
from .api import api_resources  # noqa: F401 — read by portal.registry
from .models import Area, Honour, Indicator, Industry, Milestone, Park

HOME_MILESTONE_COUNT = 4

# The section's row of links on each of its pages; the top navigation stays short (top_order):
# the park profile links to every other park page.
section_nav = SectionNav(
    _("园区栏目"),
    (
        NavItem(
            _("园区概况"),
            "parks:park-home",
            _("园区概况：批准成立与升级、规划面积、使命定位、管理模式与主要指标。"),
            top_order=10,
        ),
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
    # Walked newest first along the timeline's order index; only the columns the block shows.
    milestones = Milestone.objects.published().latest_first().only("title", "date", "date_precision")[:HOME_MILESTONE_COUNT]
    return {"title": _("发展历程"), "milestones": list(milestones), "more_url": reverse("parks:milestone-list")}


home_blocks = [
    HomeBlock("park-key-figures", "parks/blocks/_key_figures.html", key_figures_context, order=20),
    HomeBlock("park-milestones", "parks/blocks/_latest_milestones.html", latest_milestones_context, order=40),
]


def park_document(park) -> SearchDocument:
    body = [park.short_name, park.get_level_display(), park.summary, park.approval_body, park.upgrade_body]
    for section in park.profile_sections():
        body += [section["label"], *(f"{item.text} {item.description}" for item in section["items"])]
    return SearchDocument(park.name, body, park.approved_on, park.approved_on_display)


def area_document(area) -> SearchDocument:
    return SearchDocument(area.name, [area.role, area.description, area.park.name], area.date, area.date_display)


def milestone_document(milestone) -> SearchDocument:
    return SearchDocument(milestone.title, [milestone.body], milestone.date, milestone.date_display)


def industry_document(industry) -> SearchDocument:
    return SearchDocument(industry.name, [industry.get_role_display(), industry.description])


def indicator_document(indicator) -> SearchDocument:
    """An indicator's year, titled by its metric: "工业总产值 2017年"; dated by its period."""
    metric = indicator.metric
    value = f"{indicator.value.normalize():f}{metric.unit}"
    body = [metric.get_category_display(), value, indicator.scope_note, indicator.note, metric.description]
    period = indicator.as_of or datetime.date(indicator.year, 1, 1)
    return SearchDocument(str(indicator), body, period, indicator.period_display)


def honour_document(honour) -> SearchDocument:
    body = [honour.get_level_display(), honour.awarded_by, honour.stage, honour.holder, honour.distinction, honour.description]
    return SearchDocument(honour.name, body, honour.date, honour.date_display)


search_sources = [
    SearchSource(Park, _("园区"), park_document, ("profile_items",), order=20),
    SearchSource(Area, _("园区片区"), area_document, order=21),
    SearchSource(Milestone, _("发展历程"), milestone_document, order=22),
    SearchSource(Industry, _("产业"), industry_document, order=23),
    SearchSource(Indicator, _("经济指标"), indicator_document, ("metric",), order=24),
    SearchSource(Honour, _("荣誉"), honour_document, order=25),
]

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Park]

# Flagged rows remove_sample_data deletes (generated parks; their areas, milestones, industries
# and honours go with them).
sample_models = [Park]

# Rows for `manage.py generate_demo_data` (parks/demo.py).
demo_data = DemoData(10, demo.generate, demo.generated_rows)


def park_organization(request, park: Park, *, is_zone: bool = True) -> dict:
    """A park as schema.org GovernmentOrganization. The zone's own park (the first published) is
    the zone, named as the site settings name it, with the park's names as alternates; founded
    when it was approved, only as precisely as that is known ("1992-09")."""
    if is_zone:
        node = metadata.zone_organization(request)
        names = [park.name, park.short_name]
    else:
        node = {"@type": "GovernmentOrganization", "name": park.name, "url": metadata.absolute(request, park.get_absolute_url())}
        names = [park.short_name]
    alternates = [name for name in dict.fromkeys(names) if name and name != node["name"]]
    node["alternateName"] = alternates[0] if len(alternates) == 1 else alternates
    node["foundingDate"] = iso_precise_date(park.approved_on, park.approved_on_precision)
    return metadata.compact(node)


def zone_structured_data(request) -> list[dict]:
    """The home page's description of the zone: its first published park, else the site settings."""
    park = Park.objects.published().first()
    return [park_organization(request, park) if park else metadata.zone_organization(request)]


home_structured_data = [zone_structured_data]
