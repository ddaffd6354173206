"""Factories for the talent models: make_<model>(**overrides) with sensible defaults."""

import datetime
import io
import itertools
import secrets

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from portal.publishing import Status

_counter = itertools.count(1)


def pdf_bytes(writer=None) -> bytes:
    """A PDF written by pypdf: one blank page, or what `writer` holds (scripts, encryption…)."""
    if writer is None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def make_pdf(name="材料.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_award(**kwargs):
    from talent.models import Award

    n = next(_counter)
    kwargs.setdefault("name", f"示例奖项 {n}")
    kwargs.setdefault("organiser", "示例主办单位")
    kwargs.setdefault("frequency_years", 2)
    kwargs.setdefault("prize_amount", "5")
    kwargs.setdefault("status", Status.PUBLISHED)
    return Award.objects.create(**kwargs)


def make_category(**kwargs):
    from talent.models import AwardCategory

    if "award" not in kwargs:
        kwargs["award"] = make_award()
    kwargs.setdefault("name", f"示例类别 {next(_counter)}")
    return AwardCategory.objects.create(**kwargs)


def make_cycle(phase="open", **kwargs):
    """A cycle in the given phase relative to now: upcoming, open, review or announced."""
    from talent.models import AwardCycle

    now = timezone.now()
    day = datetime.timedelta(days=1)
    windows = {
        "upcoming": (now + 10 * day, now + 40 * day, None),
        "open": (now - 10 * day, now + 20 * day, None),
        "review": (now - 40 * day, now - 10 * day, None),
        "announced": (now - 400 * day, now - 370 * day, (now - 300 * day).date()),
    }
    opens, closes, announced = windows[phase]
    if "award" not in kwargs:
        kwargs["award"] = make_award()
    kwargs.setdefault("edition", next(_counter))
    kwargs.setdefault("year", timezone.localtime(opens).year)
    kwargs.setdefault("nomination_opens", opens)
    kwargs.setdefault("nomination_closes", closes)
    kwargs.setdefault("announcement_date", announced)
    kwargs.setdefault("status", Status.PUBLISHED)
    return AwardCycle.objects.create(**kwargs)


def make_laureate(**kwargs):
    from talent.models import Laureate

    if "cycle" not in kwargs:
        kwargs["cycle"] = make_cycle("announced")
    if "category" not in kwargs:
        kwargs["category"] = make_category(award=kwargs["cycle"].award)
    kwargs.setdefault("name", f"示例获奖者 {next(_counter)}")
    kwargs.setdefault("organisation", "示例单位")
    kwargs.setdefault("status", Status.PUBLISHED)
    return Laureate.objects.create(**kwargs)


def make_field(**kwargs):
    from talent.models import ExpertField

    kwargs.setdefault("name", f"示例领域 {next(_counter)}")
    return ExpertField.objects.create(**kwargs)


def make_service(**kwargs):
    from talent.models import ExpertService

    kwargs.setdefault("name", f"示例服务 {next(_counter)}")
    return ExpertService.objects.create(**kwargs)


def make_programme(**kwargs):
    from talent.models import ExpertProgramme

    kwargs.setdefault("name", f"示例专家服务项目 {next(_counter)}")
    kwargs.setdefault("status", Status.PUBLISHED)
    return ExpertProgramme.objects.create(**kwargs)


def make_expert(fields=(), services=(), **kwargs):
    from talent.models import Expert

    kwargs.setdefault("name", f"示例专家 {next(_counter)}")
    kwargs.setdefault("institution", "示例大学")
    kwargs.setdefault("status", Status.PUBLISHED)
    expert = Expert.objects.create(**kwargs)
    if fields:
        expert.fields.set(fields)
    if services:
        expert.services.set(services)
    return expert


def make_nomination(**kwargs):
    """A nomination written through the service, as the public form does (the new row, or the
    earlier one a repeat matches)."""
    from talent.services import submit_nomination

    if "cycle" not in kwargs:
        kwargs["cycle"] = make_cycle("open")
    if "category" not in kwargs:
        kwargs["category"] = make_category(award=kwargs["cycle"].award)
    kwargs.setdefault("nominee_name", f"被提名人 {next(_counter)}")
    kwargs.setdefault("nominee_organisation", "示例单位")
    kwargs.setdefault("statement", "推荐理由：在示例领域取得了突出的示例成果。" * 2)
    kwargs.setdefault("document", make_pdf())
    kwargs.setdefault("nominator_name", "示例提名人")
    kwargs.setdefault("nominator_email", "nominator@example.com")
    kwargs.setdefault("form_token", secrets.token_urlsafe(16))  # the nonce a valid form yields
    kwargs.setdefault("status_url", "http://testserver/talent/nominations/status/")
    return submit_nomination(**kwargs).nomination
