"""What a nominator reads along the way: the award panel, the form's markers and messages,
and what happens next (on the confirmation page and in the mail)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import SiteSettings
from talent.models import Nomination
from tests.talent.factories_talent import make_category, make_cycle, make_expert, make_pdf, make_programme
from tests.talent.test_nominations import form_data, form_url

pytestmark = pytest.mark.django_db

REQUIRED = ["category", "nominee_name", "nominee_organisation", "statement", "supporting_document"]
REQUIRED += ["nominator_name", "nominator_email", "confirm_eligibility", "consent"]


@pytest.fixture
def open_cycle():
    cycle = make_cycle("open")
    cycle.award.eligibility = "在园区从事创新工作的人才。"
    cycle.award.nominator_eligibility = "了解被提名人的单位或个人。\n须征得被提名人同意。"
    cycle.award.source_note = "原文未载明提名人范围（编辑备注）。"
    cycle.award.save()
    make_category(award=cycle.award, name="专业技术人才", eligibility="从事专业技术工作的人才。")
    make_category(award=cycle.award, name="经营管理人才")
    return cycle


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces squeezed."""
    content = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", content).split())


def errors_of(response) -> list[str]:
    return [str(error) for errors in response.context["form"].errors.values() for error in errors]


def test_the_award_panel_says_when_what_who_and_whom_to_ask(client, open_cycle):
    award = open_cycle.award
    response = client.get(award.get_absolute_url())
    content, text = response.content.decode(), text_of(response)
    assert "提名开始：" in text and "提名截止：" in text
    assert "每人 5 万元" in text
    assert "在园区从事创新工作的人才。" in text and "从事专业技术工作的人才。" in text
    assert "谁可以被提名（参评条件）" in text
    assert '<ul class="prose nominator-rules"><li>了解被提名人的单位或个人。</li><li>须征得被提名人同意。</li></ul>' in content
    assert "有关提名的问题，请联系主办单位示例主办单位。" in text
    assert "原文未载明" not in content  # the editors' note stays in the admin

    site = SiteSettings.load()
    site.host_organisation, site.phone, site.email = "示例管委会", "0772-1234567", "talent@example.org"
    site.save()
    content = client.get(award.get_absolute_url()).content.decode()
    contact = content[content.index('class="award-contact"') :][:1500]
    assert "<dd>示例管委会</dd>" in contact
    assert 'href="mailto:talent@example.org"' in contact and 'href="tel:0772-1234567"' in contact
    assert "请联系主办单位示例主办单位" not in contact


def test_required_fields_are_marked_and_explained_and_no_category_is_preselected(client, open_cycle):
    response = client.get(form_url(open_cycle))
    content = response.content.decode()
    assert "带 * 的为必填项。" in text_of(response)
    for name in REQUIRED:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', content).group(0)
        assert re.search(r"\srequired[\s>]", tag), name
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>.*?</label>', content, re.S).group(0)
        assert '<span class="required-mark" aria-hidden="true">*</span>' in label, name
    phone_label = re.search(r'<label[^>]*for="id_nominator_phone"[^>]*>.*?</label>', content, re.S).group(0)
    assert "required-mark" not in phone_label
    options = re.findall(r"<option[^>]*>[^<]*</option>", content[content.index('name="category"') :])
    assert options[0] == '<option value="" selected>请选择</option>'
    assert not any("selected" in option for option in options[1:])
    assert "谁可以提名" in text_of(response)


def test_after_an_error_everything_typed_is_kept_and_the_pdf_must_be_chosen_again(client, open_cycle):
    category = open_cycle.award.categories.last()
    data = form_data(client, open_cycle, category=category.pk, statement="太短", nominator_phone="0772-7654321")
    response = client.post(form_url(open_cycle), data)
    content = response.content.decode()
    for value in ("示例被提名人", "示例单位", "Nominator@Example.com", "0772-7654321"):
        assert f'value="{value}"' in content, value
    assert re.search(r'<textarea name="statement"[^>]*>\s*太短</textarea>', content)
    assert f'<option value="{category.pk}" selected>' in content
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', content)
    assert "您填写的内容都已保留，但浏览器不能保留已选的文件：请重新选择证明材料（PDF）后再提交。" in text_of(response)
    assert "form-note--file" not in client.get(form_url(open_cycle)).content.decode()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"nominee_name": "长" * 51}, "被提名人姓名最多 50 个字，现在是 51 个字，请删减。"),
        ({"statement": "长" * 5001}, "推荐理由最多 5000 个字，现在是 5001 个字，请删减。"),
        ({"statement": "十九个字" * 4 + "差三字"}, "推荐理由至少要写 20 个字，现在只有 19 个字。"),
        ({"nominator_email": "a@b"}, "电子邮箱地址的格式不对"),
        ({"supporting_document": make_pdf(content=b"")}, "所选文件是空的，请重新选择。"),
        ({"supporting_document": make_pdf(content=b"GIF89a not a pdf")}, "文件不是 PDF"),
    ],
)
def test_every_error_is_worded_in_plain_chinese(client, open_cycle, overrides, message):
    if "supporting_document" in overrides:
        overrides = {"supporting_document": make_pdf(content=overrides["supporting_document"].read())}
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, **overrides))
    errors = " ".join(errors_of(response))
    assert message in errors
    assert message in response.content.decode()
    assert "确保" not in errors and "Ensure" not in errors
    assert not Nomination.objects.exists()


def test_a_file_too_large_says_its_size_and_the_limit(client, open_cycle, settings):
    settings.NOMINATION_MAX_UPLOAD_BYTES = 1024
    big = make_pdf(content=b"%PDF-1.4\n" + b"0" * 4096)
    response = client.post(form_url(open_cycle), form_data(client, open_cycle, supporting_document=big))
    errors = " ".join(errors_of(response))
    assert re.search(r"文件过大（4\.0.KB），上限为 1\.0.KB。", errors), errors


@pytest.mark.parametrize("announced", [datetime.date(2099, 6, 1), None])
def test_confirmation_says_what_happens_next_and_the_mail_where_to_follow_it(
    client, open_cycle, announced, private_root, django_capture_on_commit_callbacks
):
    open_cycle.announcement_date = announced
    open_cycle.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(open_cycle), form_data(client, open_cycle))
    page = client.get(response["Location"]).content.decode()
    steps = page[page.index('class="next-steps"') : page.index("</section>", page.index('class="next-steps"'))]
    texts = [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", steps, re.S)]
    assert [text.split("：")[0] for text in texts] == ["资格审核", "评审", "结果公布"]
    if announced:
        assert texts[2] == "结果公布：计划于 2099年6月1日 在奖项页公布获奖者。"
    else:
        assert texts[2] == "结果公布：公布日期尚未确定，确定后会在奖项页公布。"
    # The mail goes to an address nobody has confirmed: the reference, the cycle, the status page.
    body = mail.outbox[0].body
    nomination = Nomination.objects.get()
    assert f"受理编号：{nomination.reference}" in body
    assert str(open_cycle) in body and "http://testserver/talent/nominations/status/" in body


def test_the_expert_page_says_what_each_number_counts(client):
    make_programme(expert_count=42, expert_kinds="院士、博导、教授、专家")
    make_expert(is_sample=True)
    make_expert(is_sample=True)
    make_expert(name="真实专家")
    text = text_of(client.get(reverse("talent:expert-list")))
    assert "项目公布的专家人数 42 名院士、博导、教授、专家" in text and "人数可能少于此数" in text
    assert "名录中共 3 位专家，其中 2 位是标注“示例”的虚构专家，仅用于演示。" in text
