"""What the talent section offers the portal shell: nav, home block, search, sitemaps, sample data.

Read by TalentConfig.ready(); the portal itself never imports this section.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.registry import HomeBlock, NavItem, SearchSource, SectionNav

from .models import (
    Award,
    AwardCategory,
    AwardCycle,
    Expert,
    ExpertProgramme,
    Laureate,
    Nomination,
)
from .sample import place_sample_cycles

# The section's row of links on each of its pages; those with top_order are in the top navigation.
section_nav = SectionNav(
    _("人才栏目"),
    (
        NavItem(_("人才"), "talent:talent-home"),
        NavItem(
            _("人才奖项"),
            "talent:award-list",
            _("园区设立的人才奖项：奖励对象、类别、奖金、参评条件、提名时间和历届获奖者。"),
            top_order=30,
        ),
        NavItem(_("历届获奖者"), "talent:laureate-list", _("人才奖项历届获奖者：姓名、工作单位、类别与评语。")),
        NavItem(_("提名进度查询"), "talent:nomination-status"),
        NavItem(
            _("专家服务"),
            "talent:expert-list",
            _("为园区企业提供技术咨询和战略辅导的专家：按领域、职称和单位查找。"),
            top_order=31,
        ),
    ),
)


OPEN_CALL_COUNT = 8


def open_calls_context(request) -> dict:
    """Cycles open for nominations now, soonest deadline first (the first few; the award list
    filtered by "正在接受提名" has them all)."""
    cycles = AwardCycle.objects.published().open_now().select_related("award").order_by("nomination_closes")
    more_url = reverse("talent:award-list") + "?status=open"
    return {"title": _("正在接受提名"), "cycles": list(cycles[:OPEN_CALL_COUNT]), "more_url": more_url}


home_blocks = [HomeBlock("talent-open-calls", "talent/blocks/_open_calls.html", open_calls_context, order=15)]

search_sources = [
    SearchSource(_("人才奖项"), lambda: Award.objects.published(), ("name", "summary", "description", "organiser"), order=30),
    SearchSource(
        _("获奖者"),
        lambda: Laureate.objects.published(),
        ("name", "organisation", "citation"),
        order=31,
    ),
    SearchSource(_("专家"), lambda: Expert.objects.published(), ("name", "institution", "bio", "fields__name"), order=32),
    SearchSource(_("专家服务项目"), lambda: ExpertProgramme.objects.published(), ("name", "summary", "outcomes"), order=33),
]

# Deletion order for remove_sample_data: children before what they point to.
sample_models = [Nomination, Laureate, AwardCycle, AwardCategory, Award, Expert]
sample_after_load = place_sample_cycles

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Award, Expert]
