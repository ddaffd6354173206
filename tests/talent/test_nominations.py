"""The nomination flow end to end: open and closed windows, the PDF check, duplicates, the
rate limit, the confirmation mail and the status lookup."""

import io
import re

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from talent.forms import NominationForm
from talent.models import Nomination, NominationStatus
from talent.validators import validate_pdf
from tests.sitemap_helpers import sitemap_pages
from tests.talent.factories_talent import PDF_BYTES, make_category, make_cycle, make_nomination, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cycle():
    cycle = make_cycle("open")
    make_category(award=cycle.award, name="专业技术人才")
    make_category(award=cycle.award, name="经营管理人才")
    return cycle


def form_url(cycle):
    return reverse("talent:nomination-create", kwargs={"slug": cycle.award.slug})


def form_data(client, cycle, **overrides):
    """What a nominator types, with the one-time token of a freshly loaded form."""
    page = client.get(form_url(cycle)).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {
        "category": cycle.award.categories.first().pk,
        "nominee_name": "示例被提名人",
        "nominee_organisation": "示例单位",
        "statement": "推荐理由：在示例领域取得了突出成果，带领团队完成多项示例攻关。",
        "supporting_document": make_pdf(),
        "nominator_name": "示例提名人",
        "nominator_email": "Nominator@Example.com",
        "nominator_phone": "0772-0000000",
        "confirm_eligibility": "on",
        "consent": "on",
        "form_token": token,
    }
    data.update(overrides)
    return data


def png_named_pdf():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (200, 0, 0)).save(buffer, format="PNG")
    return make_pdf(name="证明材料.pdf", content=buffer.getvalue())


def test_open_cycle_shows_the_form_with_categories_deadline_and_eligibility(client, open_cycle):
    response = client.get(form_url(open_cycle))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in content and "csrfmiddlewaretoken" in content
    assert "专业技术人才" in content and "经营管理人才" in content
    assert "提名截止" in content and "（北京时间）" in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_submission_saves_the_nomination_mails_the_nominator_and_confirms(
    client, open_cycle, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(open_cycle), form_data(client, open_cycle))
    assert response.status_code == 302 and response["Location"] == reverse("talent:nomination-submitted")
    nomination = Nomination.objects.get()
    assert re.fullmatch(r"NOM-\d{4}-[2-9A-HJ-NP-Z]{6}", nomination.reference)
    assert nomination.nominator_email == "nominator@example.com"
    assert nomination.status == NominationStatus.RECEIVED
    assert nomination.supporting_document.read() == PDF_BYTES
    # Stored privately, outside MEDIA_ROOT, under a name of ours.
    assert str(private_root) in nomination.supporting_document.path
    assert "证明材料" not in nomination.supporting_document.name
    assert Version.objects.get_for_object(nomination).count() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nominator@example.com"] and nomination.reference in message.subject
    assert nomination.reference in message.body and "/talent/nominations/status/" in message.body

    # The page shows what was typed; the reference goes to the address only.
    confirmation = client.get(response["Location"]).content.decode()
    assert "示例被提名人" in confirmation and "nominator@example.com" in confirmation
    assert nomination.reference not in confirmation


def test_confirmation_page_is_only_for_the_submitting_browser(client):
    assert client.get(reverse("talent:nomination-submitted")).status_code == 404


def test_closed_window_shows_a_clear_message_and_refuses_a_post(client):
    for phase in ("upcoming", "review", "announced"):
        cycle = make_cycle(phase)
        category = make_category(award=cycle.award)
        response = client.get(form_url(cycle))
        assert response.status_code == 200
        content = response.content.decode()
        assert "提名通道已关闭" in content and "<form" not in content.split("</header>")[1].split("<footer")[0]
        response = client.post(form_url(cycle), {"category": category.pk, "nominee_name": "x"})
        assert response.status_code == 403
        assert "提名通道已关闭" in response.content.decode()
    assert not Nomination.objects.exists()


def test_unknown_or_draft_award_is_404(client):
    assert client.get(reverse("talent:nomination-create", kwargs={"slug": "no-such-award"})).status_code == 404
    cycle = make_cycle("open")
    cycle.award.status = "draft"
    cycle.award.save()
    assert client.get(form_url(cycle)).status_code == 404


def test_a_png_renamed_pdf_is_refused_with_a_clear_error(client, open_cycle):
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, supporting_document=png_named_pdf()))
    assert response.status_code == 200
    assert "文件不是 PDF" in response.content.decode()
    assert not Nomination.objects.exists()


def test_an_oversized_file_is_refused(client, open_cycle, settings):
    settings.NOMINATION_MAX_UPLOAD_BYTES = 1024
    big = make_pdf(content=PDF_BYTES + b"0" * 2048)
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, supporting_document=big))
    assert "文件过大" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_document_of_ten_megabytes_is_accepted_and_one_byte_more_refused():
    limit = 10 * 1024 * 1024
    validate_pdf(make_pdf(content=PDF_BYTES.ljust(limit, b" ")))
    with pytest.raises(ValidationError) as error:
        validate_pdf(make_pdf(content=PDF_BYTES.ljust(limit + 1, b" ")))
    assert error.value.code == "file_too_large"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("confirm_eligibility", "", "请阅读参评条件后勾选这一项：确认被提名人符合所选类别的条件。"),
        ("consent", "", "请勾选这一项：同意主办单位处理以上信息，并已征得被提名人同意。"),
        ("nominator_email", "not-an-email", "电子邮箱地址的格式不对，请检查，例如：name@example.com。"),
        ("nominator_email", "", "请填写提名人电子邮箱。"),
        ("statement", "太短", "推荐理由至少要写 20 个字，现在只有 2 个字。"),
        ("statement", "", "请填写推荐理由。"),
        ("nominee_name", "", "请填写被提名人姓名。"),
        ("nominee_organisation", "", "请填写被提名人工作单位。"),
        ("nominator_name", "", "请填写提名人姓名。"),
        ("category", "", "请选择提名类别。"),
        ("category", "999999", "所选类别不属于本奖项，请重新选择。"),
        ("supporting_document", "", "请选择证明材料（PDF 文件）。"),
        ("form_token", "forged", "表单已过期"),
    ],
)
def test_server_side_validation(client, open_cycle, field, value, message):
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nomination.objects.exists()


def test_category_of_another_award_is_refused(client, open_cycle):
    other = make_category()
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, category=other.pk))
    assert "所选类别不属于本奖项，请重新选择。" in response.content.decode()


def test_the_same_form_sent_twice_is_accepted_once(client, open_cycle):
    data = form_data(client, open_cycle)
    first = client.post(form_url(open_cycle), data)
    data["supporting_document"] = make_pdf()
    second = client.post(form_url(open_cycle), data, follow=True)
    assert Nomination.objects.count() == 1
    assert first.status_code == 302
    content = second.content.decode()
    assert "已经提交过" in content and "示例被提名人" in content


def test_a_second_nomination_of_the_same_person_by_the_same_nominator_is_not_stored_twice(client, open_cycle):
    client.post(form_url(open_cycle), form_data(client, open_cycle))
    response = client.post(
        form_url(open_cycle),
        form_data(client, open_cycle, nominee_name=" 示例被提名人 ", nominator_email="NOMINATOR@example.com"),
    )
    assert response.status_code == 302  # as for a new one: see test_nomination_security
    assert Nomination.objects.count() == 1
    # Another category, or another nominator, is a different nomination.
    other_category = open_cycle.award.categories.last()
    client.post(form_url(open_cycle), form_data(client, open_cycle, category=other_category.pk))
    client.post(form_url(open_cycle), form_data(client, open_cycle, nominator_email="another@example.com"))
    assert Nomination.objects.count() == 3


def test_posting_is_rate_limited_per_client_with_a_friendly_429(client, open_cycle, settings):
    settings.RATELIMIT_NOMINATION_RATE = "2/h"
    for index in range(2):
        response = client.post(form_url(open_cycle), form_data(client, open_cycle, nominee_name=f"示例被提名人{index}"))
        assert response.status_code == 302
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, nominee_name="第三位"))
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Nomination.objects.count() == 2
    # Another client is not affected; reading the form is never limited.
    assert client.get(form_url(open_cycle)).status_code == 200
    other = client.post(form_url(open_cycle), form_data(client, open_cycle, nominee_name="第四位"), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_csrf_is_enforced(open_cycle):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(form_url(open_cycle), {"nominee_name": "x"})
    assert response.status_code == 403
    assert not Nomination.objects.exists()


# --- status lookup ------------------------------------------------------------------------


def lookup(client, reference, email, **extra):
    return client.post(reverse("talent:nomination-status"), {"reference": reference, "email": email}, **extra)


def test_status_lookup_needs_reference_and_email(client):
    nomination = make_nomination(nominator_email="me@example.com", nominee_name="示例甲")
    nomination.status = NominationStatus.SHORTLISTED
    nomination.save()
    content = lookup(client, nomination.reference.lower(), " ME@example.com ").content.decode()
    assert "入围" in content and nomination.reference in content and "示例甲" in content

    wrong_email = lookup(client, nomination.reference, "someone@example.com").content.decode()
    wrong_reference = lookup(client, "NOM-2026-AAAAAA", "me@example.com").content.decode()
    for content in (wrong_email, wrong_reference):
        assert "没有找到与该受理编号和邮箱对应的提名" in content
        assert "示例甲" not in content and "入围" not in content


def test_status_lookup_page_loads_and_is_rate_limited(client, settings):
    assert client.get(reverse("talent:nomination-status")).status_code == 200
    settings.RATELIMIT_LOOKUP_RATE = "3/h"
    for _ in range(3):
        assert lookup(client, "NOM-2026-AAAAAA", "me@example.com").status_code == 200
    response = lookup(client, "NOM-2026-AAAAAA", "me@example.com")
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


def test_nominations_never_appear_on_public_pages(client):
    nomination = make_nomination(nominee_name="保密的被提名人")
    for url in [
        reverse("talent:award-list"),
        nomination.cycle.award.get_absolute_url(),
        reverse("talent:laureate-list"),
        "/sitemap.xml",
        *sitemap_pages(client),
    ]:
        assert "保密的被提名人" not in client.get(url).content.decode(), url
    search = client.get(reverse("portal:search"), {"q": "保密的被提名人"}).content.decode()
    assert "没有找到与“保密的被提名人”相关的内容" in search


def test_service_refuses_a_closed_cycle_and_a_foreign_category():
    from talent.services import NominationClosed

    cycle = make_cycle("review")
    with pytest.raises(NominationClosed):
        make_nomination(cycle=cycle)
    with pytest.raises(ValueError):
        make_nomination(cycle=make_cycle("open"), category=make_category())


def test_mail_failure_never_loses_the_nomination(client, open_cycle, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.talent.test_nominations.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(open_cycle), form_data(client, open_cycle))
    assert response.status_code == 302
    assert Nomination.objects.count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


# --- the model's limits, on every database -----------------------------------------------


def public_text_fields():
    """The text fields a nominator types into (the hidden form token is checked by its signature)."""
    return [
        name
        for name, field in NominationForm.base_fields.items()
        if isinstance(field, forms.CharField) and not field.widget.is_hidden
    ]


def email_of_length(length):
    """A valid address of exactly `length` characters (labels of at most 63, local part at most 64)."""
    labels = max(0, (length - 13) // 51)
    domain = "d" * 50 + "."
    domain = domain * labels + "example.com"
    return "n" * (length - 1 - len(domain)) + "@" + domain


def value_of_length(name, length):
    return email_of_length(length) if name == "nominator_email" else "长" * length


def test_the_form_and_the_model_agree_on_every_text_field():
    for name in public_text_fields():
        model_field, form_field = Nomination._meta.get_field(name), NominationForm.base_fields[name]
        assert form_field.max_length == model_field.max_length is not None, name
        assert form_field.required is not model_field.blank, name


@pytest.mark.parametrize("name", public_text_fields())
def test_a_value_past_the_models_limit_is_a_form_error_on_its_field(client, open_cycle, name):
    limit = Nomination._meta.get_field(name).max_length
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, **{name: value_of_length(name, limit + 1)}))
    assert response.status_code == 200
    assert response.context["form"].has_error(name, "max_length")
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("name", public_text_fields())
def test_a_value_exactly_at_the_models_limit_is_saved(client, open_cycle, name):
    limit = Nomination._meta.get_field(name).max_length
    value = value_of_length(name, limit)
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, **{name: value}))
    assert response.status_code == 302
    assert getattr(Nomination.objects.get(), name) == value


def test_a_name_that_width_folding_lengthens_past_the_column_is_a_form_error(client, open_cycle):
    name = "㍿" * Nomination._meta.get_field("nominee_name").max_length  # each folds to 株式会社
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, nominee_name=name))
    assert response.status_code == 200
    assert response.context["form"].errors["nominee_name"] == ["被提名人姓名过长。"]
    assert not Nomination.objects.exists()


def test_the_service_validates_the_model_before_writing_anything(private_root):
    limit = Nomination._meta.get_field("nominator_phone").max_length
    with pytest.raises(ValidationError) as raised:
        make_nomination(nominator_phone="8" * (limit + 1))
    assert list(raised.value.error_dict) == ["nominator_phone"]
    assert not Nomination.objects.exists()
    assert not any(path.is_file() for path in private_root.rglob("*"))
