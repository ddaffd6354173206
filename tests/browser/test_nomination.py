"""A nominator's journey in a real browser: from the home page to the open award, its
categories, prize, eligibility and deadline, a submitted nomination and its status; then a
staff user finds the nomination in the admin."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.talent.factories_talent import PDF_BYTES, make_award, make_category, make_cycle

from .conftest import save_screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


@pytest.fixture
def open_award(transactional_db, settings, tmp_path):
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    cache.clear()
    award = make_award(
        name="示例创新人才奖",
        prize_amount="5",
        prize_unit="万元",
        eligibility="在园区从事创新工作的各类人才。",
        selection_procedure="单位推荐\n专家评审",
    )
    make_category(award=award, name="专业技术人才", eligibility="从事专业技术工作。")
    make_category(award=award, name="经营管理人才")
    make_cycle("open", award=award, edition=3)
    yield award
    cache.clear()


def test_a_nominator_submits_and_staff_see_it_in_the_admin(live_server, open_award, django_user_model, open_page):
    page, problems = open_page("desktop")
    page.goto(live_server.url + reverse("portal:home"))

    # Home: the open call, with its deadline, leads to the award.
    calls = page.locator(".home-block--open-calls")
    assert calls.get_by_text("提名截止").first.is_visible()
    calls.get_by_role("link", name="示例创新人才奖").click()
    page.wait_for_url(live_server.url + open_award.get_absolute_url())

    main = page.locator("main")
    for text in (
        "第3届正在接受提名",
        "（北京时间）",
        "每人 5 万元",
        "专业技术人才",
        "经营管理人才",
        "在园区从事创新工作的各类人才。",
        "专家评审",
    ):
        assert main.get_by_text(text).first.is_visible(), text
    assert not serious_accessibility_violations(page)

    page.get_by_role("link", name="在线提名").click()
    page.wait_for_selector("form.nomination-form")
    page.select_option("#id_category", label="经营管理人才")
    page.fill("#id_nominee_name", "示例被提名人")
    page.fill("#id_nominee_organisation", "示例单位")
    page.fill("#id_statement", "推荐理由：带领团队完成示例攻关，取得示例成果，经营业绩突出。")
    page.set_input_files(
        "#id_supporting_document", files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.fill("#id_nominator_name", "示例提名人")
    page.fill("#id_nominator_email", "nominator@example.com")
    page.check("#id_confirm_eligibility")
    page.check("#id_consent")
    assert not serious_accessibility_violations(page)
    save_screenshot(page, "nomination-form-desktop")
    page.get_by_role("button", name="提交提名").click()

    page.wait_for_url(live_server.url + reverse("talent:nomination-submitted"))
    # The reference goes by mail only, so the page never tells whether this address nominated before.
    assert page.get_by_text("您的提名已收到").is_visible()
    [message] = mail.outbox
    [reference] = re.findall(r"NOM-[0-9A-Z-]+", message.body)

    # Later: the status, by reference and e-mail.
    page.goto(live_server.url + reverse("talent:nomination-status"))
    page.fill("#id_reference", reference.lower())
    page.fill("#id_email", "nominator@example.com")
    page.get_by_role("button", name="查询").click()
    assert page.locator(".nomination-status").inner_text() == "已收到"
    assert not problems.report(page)

    # Staff review it in the admin.
    django_user_model.objects.create_superuser("reviewer", "reviewer@example.com", PASSWORD)
    staff, staff_problems = open_page("desktop")
    staff.goto(live_server.url + reverse("admin:login"))
    staff.fill("input[name=username]", "reviewer")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("[type=submit]")
    staff.wait_for_url(live_server.url + reverse("admin:index"))
    staff.goto(live_server.url + reverse("admin:talent_nomination_changelist"))
    row = staff.locator("#result_list tr", has_text=reference)
    assert row.get_by_text("示例被提名人").is_visible()
    assert row.get_by_text("已收到").is_visible()
    row.get_by_role("link", name=reference).click()
    staff.wait_for_selector("#id_reviewer_notes")
    assert staff.get_by_role("link", name="下载 PDF").is_visible()
    assert not staff_problems.report(staff)
