"""Sample award cycles placed relative to today, after `load_sample_data` inserted them.

Fixtures are static, but "one cycle open now, one announced, one upcoming" depends on the day
the sample is loaded. The recipe below (by fixture primary key) moves each sample cycle's
window and announcement date around today; every run of load_sample_data places them again.
Only rows still flagged `is_sample` are touched.
"""

import datetime

from django.utils import timezone

from .models import AwardCycle

# pk: (days from today the window opens, days it stays open, days after closing it is announced)
SAMPLE_CYCLE_RECIPE = {
    9001: (-760, 60, 90),  # 创新领军人才奖, an earlier edition: announced
    9002: (-30, 60, 90),  # 创新领军人才奖, this edition: open now, closes in 30 days
    9003: (-400, 45, 60),  # 示例青年英才奖, last year: announced
    9004: (40, 45, 60),  # 示例青年英才奖, next: upcoming, opens in 40 days
}


def place_sample_cycles(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    for pk, (opens_in, open_days, announced_after) in SAMPLE_CYCLE_RECIPE.items():
        cycle = AwardCycle.objects.filter(pk=pk, is_sample=True).first()
        if cycle is None:
            continue
        opens_day = today + datetime.timedelta(days=opens_in)
        closes_day = opens_day + datetime.timedelta(days=open_days)
        cycle.nomination_opens = timezone.make_aware(datetime.datetime.combine(opens_day, datetime.time(9, 0)))
        cycle.nomination_closes = timezone.make_aware(datetime.datetime.combine(closes_day, datetime.time(17, 0)))
        cycle.announcement_date = closes_day + datetime.timedelta(days=announced_after)
        cycle.year = opens_day.year
        cycle.save(update_fields=["nomination_opens", "nomination_closes", "announcement_date", "year", "updated_at"])
