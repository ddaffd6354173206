"""The article's talent facts (load_initial_data) and the sample content (load/remove_sample_data)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.registry import registry
from talent.models import (
    Award,
    AwardCategory,
    AwardCycle,
    CycleStatus,
    Expert,
    ExpertField,
    ExpertProgramme,
    ExpertService,
    Laureate,
    Nomination,
)
from tests.talent.factories_talent import make_nomination

pytestmark = pytest.mark.django_db


def run(command):
    out = io.StringIO()
    call_command(command, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def article():
    run("load_initial_data")


def test_article_talent_facts_are_loaded(article, client):
    award = Award.objects.get(name="创新领军人才奖")
    assert award.frequency_years == 2 and award.prize_amount == Decimal("5") and award.prize_unit == "万元"
    assert [c.name for c in award.categories.all()] == ["专业技术人才", "经营管理人才"]
    assert not award.is_sample and award.is_published
    programme = ExpertProgramme.objects.get()
    assert programme.expert_count == 42 and programme.motto == "政府搭台、专家和企业唱戏"
    assert [p.name for p in programme.partners.all()] == ["人社部留学人员和专家服务中心", "广西壮族自治区人社厅"]
    assert [f.name for f in programme.fields.all()] == ["汽车", "机械", "新材料", "智能制造"]
    assert [s.name for s in programme.services.all()] == ["一对一技术咨询", "战略辅导"]
    assert "合作意向" in programme.outcomes
    # The article names no laureate, cycle or expert.
    assert not AwardCycle.objects.exists() and not Laureate.objects.exists() and not Expert.objects.exists()
    content = client.get(award.get_absolute_url()).content.decode()
    assert "每人 5 万元" in content and "每2年一次" in content and "下一届" not in content
    assert "42" in client.get(reverse("talent:expert-list")).content.decode()


def test_sample_data_loads_relative_to_today_and_is_badged(article, client):
    output = run("load_sample_data")
    assert "Sample data loaded" in output
    cycles = AwardCycle.objects.all()
    assert cycles and all(cycle.is_sample for cycle in cycles)
    phases = sorted(cycle.phase for cycle in cycles)
    assert phases.count(CycleStatus.OPEN) == 1
    assert CycleStatus.ANNOUNCED in phases and CycleStatus.UPCOMING in phases
    announced = [cycle for cycle in cycles if cycle.phase == CycleStatus.ANNOUNCED]
    assert all(cycle.laureates.exists() for cycle in announced)
    assert 35 <= Expert.objects.filter(is_sample=True).count() <= 45
    assert all(expert.name.startswith("示例专家") for expert in Expert.objects.all())
    assert all(
        laureate.name.startswith("示例") and laureate.organisation.startswith("示例") for laureate in Laureate.objects.all()
    )
    # The open cycle belongs to the article's award, so a newcomer can nominate.
    open_cycle = AwardCycle.objects.open_now().get()
    assert open_cycle.award.name == "创新领军人才奖"
    assert client.get(reverse("talent:nomination-create", kwargs={"slug": open_cycle.award.slug})).status_code == 200
    for url in [reverse("talent:expert-list"), reverse("talent:laureate-list"), open_cycle.award.get_absolute_url()]:
        assert 'class="sample-badge"' in client.get(url).content.decode(), url
    # A second run inserts nothing new.
    assert "Rows written: 0 of" in run("load_sample_data")


def test_remove_sample_data_keeps_the_article(article):
    before = {model: model.objects.count() for model in (Award, AwardCategory, ExpertField, ExpertService, ExpertProgramme)}
    run("load_sample_data")
    make_nomination(cycle=AwardCycle.objects.open_now().get(), category=AwardCategory.objects.get(name="专业技术人才"))
    output = run("remove_sample_data")
    assert "Sample data removed" in output
    for model in (AwardCycle, Laureate, Expert, Nomination):
        assert not model.objects.exists(), model
    for model, count in before.items():
        assert model.objects.count() == count, model
    assert Award.objects.filter(name="创新领军人才奖").exists()
    run("load_sample_data")  # and it comes back
    assert AwardCycle.objects.open_now().exists()


def test_sample_models_are_registered_children_first():
    # That the portal imports no section is tests/test_layering.py's concern.
    assert {Nomination, Laureate, AwardCycle, AwardCategory, Award, Expert} <= set(registry.sample_models)
    assert registry.sample_models.index(Laureate) < registry.sample_models.index(AwardCycle)
