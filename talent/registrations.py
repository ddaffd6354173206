"""What the talent section offers the portal shell: nav, home block, search, sitemaps, sample data.

Read by TalentConfig.ready(); the portal itself never imports this section.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.registry import DemoData, HomeBlock, NavItem, SearchDocument, SearchSource, SectionNav

from . import demo
from .api import api_resources  # noqa: F401 — read by portal.registry
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
        NavItem(_("人才"), "talent:talent-home", _("园区人才工作：正在接受提名的人才奖项、奖项介绍、历届获奖者与专家服务。")),
        NavItem(
            _("人才奖项"),
            "talent:award-list",
            _("园区设立的人才奖项：奖励对象、类别、奖金、参评条件、提名时间和历届获奖者。"),
            top_order=30,
        ),
        NavItem(_("历届获奖者"), "talent:laureate-list", _("人才奖项历届获奖者：姓名、工作单位、类别与评语。")),
        NavItem(
            _("提名进度查询"),
            "talent:nomination-status",
            _("凭受理编号和提名时填写的邮箱查询提名的审核进展。"),
            quick_order=20,
        ),
        NavItem(
            _("专家服务"),
            "talent:expert-list",
            _("为园区企业提供技术咨询和战略辅导的专家：按领域、职称和单位查找。"),
            top_order=31,
            quick_order=30,
        ),
    ),
)

# The home page's quick entry to nominating: the award list, open calls first in its wording.
quick_links = (
    NavItem(_("人才奖项申报/提名"), "talent:award-list", _("查看正在接受提名的人才奖项，在线提名候选人。"), quick_order=10),
)


OPEN_CALL_COUNT = 8


def open_calls_context(request) -> dict:
    """Cycles open for nominations now, soonest deadline first (the first few; the award list
    filtered by "正在接受提名" has them all)."""
    cycles = AwardCycle.objects.published().open_now().select_related("award").order_by("nomination_closes")
    more_url = reverse("talent:award-list") + "?status=open"
    return {"title": _("正在接受提名"), "cycles": list(cycles[:OPEN_CALL_COUNT]), "more_url": more_url}


home_blocks = [HomeBlock("talent-open-calls", "talent/blocks/_open_calls.html", open_calls_context, order=15)]


def award_document(award) -> SearchDocument:
    body = [award.summary, award.organiser, award.description, award.eligibility]
    for category in award.categories.all():
        body += [category.name, category.eligibility]
    return SearchDocument(award.name, body)


def cycle_document(cycle) -> SearchDocument:
    """A cycle under its award ("创新领军人才奖 第2届（2026年）"), dated by its selection year."""
    return SearchDocument(str(cycle), [cycle.notes], datetime.date(cycle.year, 1, 1), f"{cycle.year}年")


def laureate_document(laureate) -> SearchDocument:
    cycle = laureate.cycle
    body = [laureate.organisation, laureate.category.name, str(cycle), laureate.citation]
    return SearchDocument(laureate.name, body, datetime.date(cycle.year, 1, 1), f"{cycle.year}年")


def expert_document(expert) -> SearchDocument:
    fields = "、".join(field.name for field in expert.fields.all())
    services = "、".join(service.name for service in expert.services.all())
    return SearchDocument(expert.name, [expert.get_title_display(), expert.institution, fields, services, expert.bio])


def programme_document(programme) -> SearchDocument:
    body = [programme.summary, programme.beneficiaries, programme.expert_kinds, programme.motto]
    body += ["、".join(field.name for field in programme.fields.all())]
    body += ["、".join(service.name for service in programme.services.all())]
    for partner in programme.partners.all():
        body += [partner.name, partner.role]
    body += [programme.outcomes]
    return SearchDocument(programme.name, body)


search_sources = [
    SearchSource(Award, _("人才奖项"), award_document, ("categories",), order=30),
    SearchSource(AwardCycle, _("评选周期"), cycle_document, order=31),
    SearchSource(Laureate, _("获奖者"), laureate_document, ("category",), order=32),
    SearchSource(Expert, _("专家"), expert_document, ("fields", "services"), order=33),
    SearchSource(ExpertProgramme, _("专家服务项目"), programme_document, ("fields", "services", "partners"), order=34),
]

# Deletion order for remove_sample_data: children before what they point to.
sample_models = [Nomination, Laureate, AwardCycle, AwardCategory, Award, Expert]
sample_after_load = place_sample_cycles

# Rows for `manage.py generate_demo_data` (talent/demo.py).
demo_data = DemoData(20, demo.generate, demo.generated_rows)

# Models with a detail page of their own, listed in sitemap.xml.
sitemap_models = [Award, Expert]
