"""What the innovation section offers the portal shell: nav, a home block, search, sitemaps.

Read by InnovationConfig.ready(); the portal itself never imports this section.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.registry import HomeBlock, NavItem, SearchSource, SectionNav

from .models import Achievement, Cooperation, Enterprise, Event, InnovationFigure, PartnerInstitution, Platform

# The section's row of links on each of its pages; those with top_order are in the top navigation.
section_nav = SectionNav(
    _("创新栏目"),
    (
        NavItem(_("创新创业"), "innovation:innovation-home", top_order=40),
        NavItem(
            _("创新平台"),
            "innovation:platform-list",
            _("园区与高校、科研院所和企业共建的研究院、研发中心、实验室、孵化器与创新创业园。"),
        ),
        NavItem(
            _("合作机构"), "innovation:partner-list", _("与园区共建平台、开展合作的高校、科研院所、企业、政府机构与协会组织。")
        ),
        NavItem(_("企业"), "innovation:enterprise-list", _("园区企业：资质、资本市场进程与孵化平台。")),
        NavItem(_("双创活动"), "innovation:event-list", _("园区举办的创新创业大赛、创客文化节等双创活动。")),
        NavItem(_("创新成果"), "innovation:achievement-list", _("知识产权许可交易与科技成果转化。")),
        NavItem(_("对外合作"), "innovation:cooperation-list", _("国际与区域合作：合作各方、所在国家、合作内容与进展。")),
    ),
)


def figures_context(request) -> dict:
    """Featured programme figures (双创) of the latest year with any."""
    figures = list(InnovationFigure.objects.published().filter(featured=True).order_by("-year", "group", "ordering", "pk"))
    year = figures[0].year if figures else None
    return {
        "title": _("双创成果"),
        "figures": [figure for figure in figures if figure.year == year],
        "year": year,
        "more_url": reverse("innovation:innovation-home"),
        "platforms_url": reverse("innovation:platform-list"),
    }


home_blocks = [HomeBlock("innovation-figures", "innovation/blocks/_figures.html", figures_context, order=30)]


search_sources = [
    SearchSource(_("创新平台"), lambda: Platform.objects.published(), ("name", "summary", "body", "partners__name"), order=40),
    SearchSource(_("合作机构"), lambda: PartnerInstitution.objects.published(), ("name", "short_name", "description"), order=41),
    SearchSource(_("企业"), lambda: Enterprise.objects.published(), ("name", "short_name", "sector", "description"), order=42),
    SearchSource(_("双创活动"), lambda: Event.objects.published(), ("name", "organisers", "description"), order=43),
    SearchSource(_("创新成果"), lambda: Achievement.objects.published(), ("title", "parties", "venue", "description"), order=44),
    SearchSource(
        _("对外合作"), lambda: Cooperation.objects.published(), ("title", "agreement", "description", "partners__name"), order=45
    ),
]

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Platform, PartnerInstitution, Enterprise]
