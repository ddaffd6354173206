import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from talent.models import (
    Award,
    CycleStatus,
    Laureate,
    new_reference,
    normalise_name,
)
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_laureate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("phase", ["upcoming", "open", "review", "announced"])
def test_cycle_phase_is_derived_from_dates_in_python_and_sql(phase):
    cycle = make_cycle(phase)
    assert cycle.phase == phase
    assert Award.objects.with_current_phase().get(pk=cycle.award_id).current_phase == phase


def test_closed_cycle_without_announcement_is_under_review_until_the_announcement_date():
    cycle = make_cycle("review", announcement_date=timezone.localdate() + datetime.timedelta(days=3))
    assert cycle.phase == CycleStatus.REVIEW
    cycle.announcement_date = timezone.localdate()
    cycle.save()
    assert cycle.phase == CycleStatus.ANNOUNCED
    assert Award.objects.with_current_phase().get(pk=cycle.award_id).current_phase == CycleStatus.ANNOUNCED


def test_award_current_phase_is_the_newest_cycle_and_none_without_cycles():
    award = make_award()
    assert Award.objects.with_current_phase().get(pk=award.pk).current_phase is None
    make_cycle("announced", award=award)
    make_cycle("upcoming", award=award)
    assert Award.objects.with_current_phase().get(pk=award.pk).current_phase == CycleStatus.UPCOMING


def test_database_refuses_a_cycle_that_closes_before_it_opens():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cycle(nomination_opens=now, nomination_closes=now - datetime.timedelta(hours=1))


def test_database_refuses_two_laureates_for_one_person_cycle_and_category():
    laureate = make_laureate(name="示例获奖者甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        Laureate.objects.create(cycle=laureate.cycle, category=laureate.category, name="示例获奖者甲", organisation="其他")
    other_category = make_category(award=laureate.cycle.award)
    make_laureate(cycle=laureate.cycle, category=other_category, name="示例获奖者甲")  # another category is fine


def test_laureate_category_must_belong_to_the_cycle_award():
    from django.core.exceptions import ValidationError

    cycle = make_cycle("announced")
    foreign = make_category()
    laureate = Laureate(cycle=cycle, category=foreign, name="示例", organisation="示例单位")
    with pytest.raises(ValidationError):
        laureate.full_clean()


def test_cycle_clean_refuses_close_before_open():
    from django.core.exceptions import ValidationError

    cycle = make_cycle("open")
    cycle.nomination_closes = cycle.nomination_opens
    with pytest.raises(ValidationError):
        cycle.clean()


def test_references_are_unguessable_and_readable():
    references = {new_reference(datetime.date(2026, 5, 1)) for _ in range(200)}
    assert len(references) == 200
    for reference in references:
        assert reference.startswith("NOM-2026-") and len(reference) == 15
        assert not set(reference[9:]) & set("01OI")


def test_names_are_normalised_for_duplicate_detection():
    assert normalise_name(" 张 三 ") == normalise_name("张三") == normalise_name("张　三")
    assert normalise_name("Li Ming") == normalise_name("LI  MING")


def test_award_texts():
    award = make_award(frequency_years=2, selection_procedure="推荐\n\n评审\n公示 ")
    assert award.frequency_display == "每2年一次"
    assert award.procedure_steps() == ["推荐", "评审", "公示"]
    assert make_award(frequency_years=1).frequency_display == "每年一次"
    assert award.get_absolute_url() == f"/talent/awards/{award.slug}/"
    assert award.slug  # pinyin, never empty
