"""What the innovation section offers the portal shell: nav, a home block, search, sitemaps, sample data.

Read by InnovationConfig.ready(); the portal itself never imports this section.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.registry import DemoData, HomeBlock, NavItem, SearchDocument, SearchSource, SectionNav

from . import demo
from .api import api_resources  # noqa: F401 — read by portal.registry
from .models import (
    Achievement,
    Cooperation,
    Enterprise,
    Event,
    InnovationFigure,
    PartnerInstitution,
    Platform,
    Policy,
)

# The section's row of links on each of its pages; those with top_order are in the top navigation.
section_nav = SectionNav(
    _("创新栏目"),
    (
        NavItem(
            _("创新创业"),
            "innovation:innovation-home",
            _("园区与高校、科研院所和企业共建的创新平台，双创数据、资本市场、双创活动、创新成果与对外合作。"),
            top_order=40,
        ),
        NavItem(
            _("创新平台"),
            "innovation:platform-list",
            _("园区与高校、科研院所和企业共建的研究院、研发中心、实验室、孵化器与创新创业园。"),
            quick_order=40,
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


def names(rows) -> str:
    return "、".join(row.name for row in rows)


def platform_document(platform) -> SearchDocument:
    body = [platform.get_kind_display(), platform.get_state_display(), platform.state_note, platform.summary]
    body += [names(platform.partners.all()), names(platform.tech_fields.all()), platform.body]
    return SearchDocument(platform.name, body, platform.date, platform.date_display)


def partner_document(partner) -> SearchDocument:
    body = [partner.short_name, partner.get_kind_display(), partner.location, partner.description]
    return SearchDocument(partner.name, body)


def enterprise_document(enterprise) -> SearchDocument:
    body = [enterprise.short_name, enterprise.sector, names(enterprise.qualifications.all())]
    body += [enterprise.get_capital_stage_display(), names(enterprise.incubated_at.all()), enterprise.description]
    return SearchDocument(enterprise.name, body)


def figure_document(figure) -> SearchDocument:
    value = f"{figure.value.normalize():f}{figure.unit}"
    body = [figure.get_group_display(), value, str(_("目标值")) if figure.is_target else "", figure.note]
    return SearchDocument(figure.label, body, datetime.date(figure.year, 1, 1), f"{figure.year}年")


def event_document(event) -> SearchDocument:
    if event.date:
        date, date_display = event.date, event.date_display
    else:
        date, date_display = datetime.date(event.year, 1, 1), f"{event.year}年"
    return SearchDocument(event.name, [event.get_kind_display(), event.organisers, event.description], date, date_display)


def achievement_document(achievement) -> SearchDocument:
    enterprise = achievement.enterprise.name if achievement.enterprise else ""
    body = [achievement.get_kind_display(), enterprise, achievement.parties, achievement.venue, achievement.distinction]
    body += [achievement.description]
    return SearchDocument(achievement.title, body, achievement.date, achievement.date_display)


def cooperation_document(cooperation) -> SearchDocument:
    body = [cooperation.get_scope_display(), names(cooperation.partners.all()), "、".join(cooperation.countries())]
    body += [cooperation.partner_note, names(cooperation.tech_fields.all()), cooperation.agreement]
    body += [cooperation.get_state_display(), cooperation.distinction, cooperation.description]
    return SearchDocument(cooperation.title, body, cooperation.date, cooperation.date_display)


def policy_document(policy) -> SearchDocument:
    body = [policy.issued_by, policy.notice_title, policy.get_topic_display(), policy.summary]
    return SearchDocument(policy.title, body, policy.date, policy.date_display)


search_sources = [
    SearchSource(Platform, _("创新平台"), platform_document, ("partners", "tech_fields"), order=40),
    SearchSource(PartnerInstitution, _("合作机构"), partner_document, order=41),
    SearchSource(Enterprise, _("企业"), enterprise_document, ("qualifications", "incubated_at"), order=42),
    SearchSource(InnovationFigure, _("双创数据"), figure_document, order=43),
    SearchSource(Event, _("双创活动"), event_document, order=44),
    SearchSource(Achievement, _("创新成果"), achievement_document, order=45),
    SearchSource(Cooperation, _("对外合作"), cooperation_document, ("partners", "tech_fields"), order=46),
    SearchSource(Policy, _("扶持政策"), policy_document, order=47),
]

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Platform, PartnerInstitution, Enterprise]

# Models with 示例 rows (is_sample), in deletion order for remove_sample_data: children before
# what they point to (an achievement PROTECTs its enterprise).
sample_models = [Achievement, Enterprise, Platform, PartnerInstitution]

# Rows for `manage.py generate_demo_data` (innovation/demo.py).
demo_data = DemoData(30, demo.generate, demo.generated_rows)
