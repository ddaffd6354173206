"""Issue 10 on the nomination form: what a hostile visitor could do with it. The PDF check
(header at offset 0, opened by pypdf, no encryption, scripts or launch actions, bounded walk),
the mail to an unconfirmed address (nothing the visitor typed, a daily limit per address), a
repeat that reads like a new nomination, private file modes, and the admin login's fallback."""

import os
import re
import stat

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from talent import validators
from talent.models import Nomination
from talent.validators import validate_pdf
from tests.talent.factories_talent import PDF_BYTES, make_category, make_cycle, make_nomination, make_pdf, pdf_bytes
from tests.talent.test_nominations import form_data, form_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cycle():
    cycle = make_cycle("open")
    make_category(award=cycle.award, name="专业技术人才")
    return cycle


@pytest.fixture(autouse=True)
def many_posts_per_client(settings):
    """These tests post more than a visitor may in an hour; the per-IP limit has its own test."""
    settings.RATELIMIT_NOMINATION_RATE = "100/h"


# --- the PDF check ----------------------------------------------------------------------------


def blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({name("/S"): name(kind), **{name(f"/{key}"): TextStringObject(v) for key, v in entries.items()}})


def link_with(writer: PdfWriter, target: DictionaryObject) -> PdfWriter:
    """A link annotation on the first page whose /A action is `target`."""
    rect = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)])
    annotation = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name("/Link"), name("/Rect"): rect})
    annotation[name("/A")] = target
    writer.add_annotation(0, annotation)
    return writer


def with_root(writer: PdfWriter, key: str, value) -> PdfWriter:
    writer.root_object[name(key)] = value
    return writer


def document_script() -> PdfWriter:
    writer = blank_writer()
    writer.add_open_action(JavaScript("app.alert('x');"))  # the /Names /JavaScript tree
    return writer


def page_script() -> PdfWriter:
    writer = blank_writer()
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): writer._add_object(action("/JavaScript", JS="x"))})
    return writer


def encrypted(user_password: str) -> PdfWriter:
    writer = blank_writer()
    writer.encrypt(user_password, "owner")
    return writer


def refusal(content: bytes) -> str | None:
    """The validator's error code for a file of `content`, or None when it is accepted."""
    try:
        validate_pdf(make_pdf(content=content))
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    "content,code",
    [
        (b"<html><!-- %PDF-1.4 --><script>alert(1)</script></html>", "not_a_pdf"),
        (b"junk before the header\n" + PDF_BYTES, "not_a_pdf"),
        (b"%PDF-1.7\nthis is no PDF at all\n%%EOF\n", "corrupt"),
        (PDF_BYTES[: len(PDF_BYTES) // 2], "corrupt"),
        (pdf_bytes(PdfWriter()), "no_pages"),
        (pdf_bytes(encrypted("secret")), "encrypted"),
        (pdf_bytes(encrypted("")), "encrypted"),  # opens without a password, still encrypted
        (pdf_bytes(document_script()), "javascript"),
        (pdf_bytes(with_root(blank_writer(), "/OpenAction", action("/JavaScript", JS="app.alert(1)"))), "javascript"),
        (
            pdf_bytes(with_root(blank_writer(), "/AA", DictionaryObject({name("/WC"): action("/JavaScript", JS="x")}))),
            "javascript",
        ),
        (pdf_bytes(page_script()), "javascript"),
        (pdf_bytes(link_with(blank_writer(), action("/JavaScript", JS="app.launchURL('x')"))), "javascript"),
        (pdf_bytes(link_with(blank_writer(), action("/Launch", F="calc.exe"))), "launch"),
        (pdf_bytes(with_root(blank_writer(), "/OpenAction", action("/Launch", F="cmd.exe"))), "launch"),
        (PDF_BYTES, None),
        (pdf_bytes(link_with(blank_writer(), action("/URI", URI="https://example.org/"))), None),
    ],
    ids=[
        "html-with-pdf-comment",
        "header-not-at-offset-0",
        "header-then-garbage",
        "truncated",
        "no-pages",
        "encrypted",
        "encrypted-empty-password",
        "names-javascript",
        "open-action-javascript",
        "catalog-aa-javascript",
        "page-aa-javascript",
        "annotation-javascript",
        "annotation-launch",
        "open-action-launch",
        "plain-page",
        "plain-link",
    ],
)
def test_the_pdf_check(content, code):
    assert refusal(content) == code


def test_a_large_upload_read_from_a_temporary_file_is_checked_and_kept(client, open_cycle, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # Django spools the upload to disk past this
    response = client.post(form_url(open_cycle), form_data(client, open_cycle))
    assert response.status_code == 302
    assert Nomination.objects.get().supporting_document.read() == PDF_BYTES


def test_each_refusal_has_its_own_message():
    messages = list(validators.MESSAGES.values())
    assert len(set(messages)) == len(messages)


def test_a_script_in_the_pdf_is_refused_on_the_form_with_its_message(client, open_cycle, private_root):
    document = make_pdf(content=pdf_bytes(document_script()))
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, supporting_document=document))
    assert response.status_code == 200
    assert response.context["form"].errors["supporting_document"] == [str(validators.MESSAGES["javascript"])]
    assert not Nomination.objects.exists()
    assert not any(path.is_file() for path in private_root.rglob("*"))


def test_an_html_file_with_a_pdf_comment_is_refused_on_the_form(client, open_cycle):
    document = make_pdf(content=b"<!DOCTYPE html><!-- %PDF-1.4 --><a href='https://evil.example/'>x</a>")
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, supporting_document=document))
    assert response.context["form"].has_error("supporting_document", "not_a_pdf")
    assert not Nomination.objects.exists()


def test_a_pdf_with_more_objects_than_the_walk_allows_is_refused(monkeypatch):
    monkeypatch.setattr(validators, "MAX_PDF_OBJECTS", 3)
    assert refusal(PDF_BYTES) == "too_complex"


def test_a_pdf_that_takes_longer_than_the_walk_allows_is_refused(monkeypatch):
    monkeypatch.setattr(validators, "MAX_PDF_SECONDS", -1)
    assert refusal(PDF_BYTES) == "too_complex"


def test_a_walk_past_the_bound_stops_early_on_a_wide_document(monkeypatch):
    """A document of many objects is refused at the bound, not walked to its end."""
    writer = blank_writer()
    items = [writer._add_object(DictionaryObject({name("/N"): NumberObject(index)})) for index in range(2000)]
    with_root(writer, "/Junk", ArrayObject(items))
    monkeypatch.setattr(validators, "MAX_PDF_OBJECTS", 500)
    resolved = []
    original = validators.IndirectObject.get_object
    monkeypatch.setattr(validators.IndirectObject, "get_object", lambda self: resolved.append(1) or original(self))
    assert refusal(pdf_bytes(writer)) == "too_complex"
    assert len(resolved) < 600


@pytest.mark.parametrize("error", [RecursionError, KeyError, MemoryError, ValueError])
def test_any_error_while_reading_the_pdf_means_corrupt(monkeypatch, error):
    def broken(*args, **kwargs):
        raise error("crafted")

    monkeypatch.setattr(validators, "PdfReader", broken)
    assert refusal(PDF_BYTES) == "corrupt"


# --- the mail to an address nobody has confirmed ----------------------------------------------

PHISHING = "请立即登录 https://evil.example/verify 领取奖金"


def test_the_mail_carries_nothing_the_visitor_typed(client, open_cycle, django_capture_on_commit_callbacks):
    typed = {
        "nominee_name": "张三 https://evil.example/a",
        "nominee_organisation": f"单位 {PHISHING}",
        "statement": f"推荐理由：{PHISHING}，这是一段足够长的推荐理由文字。",
        "nominator_name": "官方通知 https://evil.example/b",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(open_cycle), form_data(client, open_cycle, **typed))
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    [message] = mail.outbox
    assert "evil.example" not in message.subject + message.body
    for value in typed.values():
        assert value not in message.body
    assert "张三" not in message.body and "官方通知" not in message.body
    assert f"受理编号：{nomination.reference}" in message.body
    assert str(open_cycle) in message.body and "http://testserver/talent/nominations/status/" in message.body
    assert message.content_subtype == "plain" and not message.alternatives


def test_a_sample_cycle_still_says_so_in_the_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_nomination(cycle=make_cycle("open", is_sample=True))
    [message] = mail.outbox
    assert message.subject.startswith("【示例】") and "【示例】这是对示例评选周期的提名" in message.body


def test_mails_to_one_address_are_limited_per_day_and_the_nomination_still_saved(
    client, open_cycle, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_MAILS_PER_ADDRESS_PER_DAY = 2
    addresses = ["victim@example.com", "Victim@Example.com ", "victim+spam@example.com"]
    for index, address in enumerate(addresses):
        with django_capture_on_commit_callbacks(execute=True):
            data = form_data(client, open_cycle, nominee_name=f"被提名人{index}", nominator_email=address)
            response = client.post(form_url(open_cycle), data)
        assert response.status_code == 302
    assert Nomination.objects.count() == 3
    assert len(mail.outbox) == 2
    page = client.get(reverse("talent:nomination-submitted")).content.decode()
    assert "没有再发送确认邮件" in page and "受理编号已通过确认邮件发送" not in page

    # Another address has its own count.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(open_cycle), form_data(client, open_cycle, nominator_email="other@example.com"))
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == ["other@example.com"]
    assert "受理编号已通过确认邮件发送" in client.get(reverse("talent:nomination-submitted")).content.decode()


# --- a repeat reads like a new nomination -----------------------------------------------------


def confirmation_of(client, cycle, **typed) -> str:
    """What a visitor sees after submitting `typed`: the confirmation page's main content."""
    response = client.post(form_url(cycle), form_data(client, cycle, **typed), follow=True)
    assert response.status_code == 200
    assert [url for url, _status in response.redirect_chain] == [reverse("talent:nomination-submitted")]
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def test_a_repeat_reads_exactly_like_a_new_nomination_and_only_the_mailbox_learns_more(
    open_cycle, django_capture_on_commit_callbacks
):
    typed = {"nominee_name": "李四", "nominator_email": "owner@example.com"}
    with django_capture_on_commit_callbacks(execute=True):
        first = confirmation_of(Client(), open_cycle, **typed)
    earlier = Nomination.objects.get()
    # Someone else, who guesses that owner@example.com nominated 李四.
    with django_capture_on_commit_callbacks(execute=True):
        probe = confirmation_of(Client(), open_cycle, **typed)
    assert probe == first
    assert earlier.reference not in probe
    for wording in ("已经提交过", "无需重复", "已提名", "重复"):
        assert wording not in probe
    assert Nomination.objects.count() == 1

    # The address's owner gets a reminder with the reference they already have.
    new, reminder = mail.outbox
    assert reminder.to == new.to == ["owner@example.com"]
    assert earlier.reference in reminder.body and "无需重复提交" in reminder.body
    assert "李四" not in reminder.body


def test_a_repeat_never_shows_the_earlier_nominations_details(open_cycle):
    make_nomination(
        cycle=open_cycle,
        category=open_cycle.award.categories.get(),
        nominee_name="王五",
        nominee_organisation="原来的单位",
        nominator_email="owner@example.com",
    )
    probe = confirmation_of(
        Client(), open_cycle, nominee_name="王五", nominee_organisation="随便填的", nominator_email="owner@example.com"
    )
    assert "原来的单位" not in probe and "随便填的" in probe
    assert Nomination.objects.get().reference not in probe


# --- files on disk ------------------------------------------------------------------------------


def test_an_uploaded_document_and_its_directories_are_private_whatever_the_umask(client, open_cycle, private_root):
    previous = os.umask(0)  # the most permissive process umask: the modes must come from the storage
    try:
        response = client.post(form_url(open_cycle), form_data(client, open_cycle))
    finally:
        os.umask(previous)
    assert response.status_code == 302
    path = Nomination.objects.get().supporting_document.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    directory = os.path.dirname(path)
    while True:
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700, directory
        if os.path.samefile(directory, private_root):
            break
        directory = os.path.dirname(directory)


# --- admin login --------------------------------------------------------------------------------


def test_an_off_site_next_on_the_admin_login_lands_on_the_admin(client, django_user_model):
    django_user_model.objects.create_superuser("reviewer", "reviewer@example.com", "a-long-password-1")
    login = reverse("admin:login")
    response = client.post(f"{login}?next=https://evil.example/", {"username": "reviewer", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert not re.match(r"https?://", response["Location"]) and "/accounts/profile/" not in response["Location"]
    assert client.get(response["Location"]).status_code == 200
