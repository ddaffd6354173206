"""Dates that know how precise they are (1992年9月, 2005年, 2010年9月1日), and date-times that say
in which time zone they are read (2026年12月1日 17:00（北京时间）)."""

import datetime

from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LOCAL_DATETIME_FORMAT = "Y年n月j日 H:i"

# How readers here name a time zone; any other zone is named by its IANA name.
TIME_ZONE_LABELS = {
    "Asia/Shanghai": _("北京时间"),
    "Asia/Chongqing": _("北京时间"),
    "PRC": _("北京时间"),
    "Asia/Hong_Kong": _("香港时间"),
    "Asia/Macau": _("澳门时间"),
    "UTC": _("UTC"),
    "Etc/UTC": _("UTC"),
}


class DatePrecision(models.TextChoices):
    YEAR = "year", _("年")
    MONTH = "month", _("月")
    DAY = "day", _("日")


def format_precise_date(value: datetime.date | None, precision: str) -> str:
    """Render only what is known: '2005年', '1992年9月' or '2010年9月1日'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}年"
    if precision == DatePrecision.MONTH:
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"


def iso_precise_date(value: datetime.date | None, precision: str) -> str:
    """The ISO 8601 form of what is known, for machines (schema.org dates): '2005', '1992-09'
    or '2010-09-01' — never a day or month that was not known."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def normalise_precise_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store the first day of the known period so sorting and filtering are honest."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


class PreciseDateMixin(models.Model):
    """Abstract: a `date` plus its `date_precision`; `date_display` renders what is known."""

    date = models.DateField(_("日期"), null=True, blank=True, help_text=_("只知道年份时填该年1月1日，并把精度设为“年”。"))
    date_precision = models.CharField(_("日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)

    class Meta:
        abstract = True

    @property
    def date_display(self) -> str:
        return format_precise_date(self.date, self.date_precision)

    @property
    def date_iso(self) -> str:
        """What is known of the date in ISO 8601 (for <time datetime> and schema.org)."""
        return iso_precise_date(self.date, self.date_precision)

    def clean(self):
        super().clean()
        self.date = normalise_precise_date(self.date, self.date_precision)


def time_zone_label(name: str | None = None) -> str:
    """The reader's name for time zone `name` (default: the current one, i.e. settings.TIME_ZONE):
    北京时间 for Asia/Shanghai, UTC for UTC, the IANA name for any zone without a label."""
    name = name or timezone.get_current_timezone_name()
    return str(TIME_ZONE_LABELS.get(name, name))


def format_local_datetime(value: datetime.datetime, *, zone: bool = True) -> str:
    """An aware date-time in the current time zone (settings.TIME_ZONE unless another is
    activated), naming the zone: '2026年12月1日 17:00（北京时间）'; without it if `zone` is False."""
    text = dateformat.format(timezone.localtime(value), LOCAL_DATETIME_FORMAT)
    if not zone:
        return text
    return gettext("%(datetime)s（%(zone)s）") % {"datetime": text, "zone": time_zone_label()}
