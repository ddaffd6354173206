"""Edits are never silently lost: two editors, two sessions, the same row (portal.edit_conflicts)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from reversion.models import Version

from innovation.models import Platform, TechField
from parks.models import Park
from portal.models import Article, ArticleSection, SiteSettings
from talent.models import Award, Expert
from tests.admin_helpers import admin_url
from tests.factories import make_article, make_park
from tests.innovation.factories_innovation import make_platform, make_tech_field
from tests.talent.factories_talent import make_award, make_expert, make_field

pytestmark = pytest.mark.django_db

REFUSED = "没有保存：你打开本页之后"
SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class FormFields(HTMLParser):
    """The (name, value) pairs a browser submits from the admin's change form."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.pairs = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type", "text") not in SKIPPED_INPUTS:
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.pairs.append((attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self.select is not None:
            self.option = attrs
            self.option_text = ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.select is not None and getattr(self, "option", None) is not None:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.pairs.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.select is not None and self.option is not None:
            value = self.option.get("value", self.option_text.strip())
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in self.option:
                self.select["chosen"].append(value)
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.pairs += [(self.select["name"], value) for value in chosen]
            self.select = None


def form_data(response, model, **changes) -> dict[str, list[str]]:
    """What a browser would post back from the change form in `response`, with `changes` typed in."""
    assert response.status_code == 200
    parser = FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    assert "_edit_snapshot" in data, "the change form carries the snapshot of the row"
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def conflict_table_after(content: str) -> str:
    """The conflict table's text as A saved it: removed text (<del>) and markup left out."""
    table = content.split('class="revision-diff edit-conflict"')[1].split("</table>")[0]
    return re.sub(r"<[^>]+>", "", re.sub(r"<del>.*?</del>", "", table))


@pytest.fixture
def editors(django_user_model):
    """Two staff members in two browser sessions: 编辑甲 (A) and 编辑乙 (B)."""
    clients = []
    for username, name in (("editor-a", "编辑甲"), ("editor-b", "编辑乙")):
        user = django_user_model.objects.create_superuser(username, f"{username}@example.com", "a-long-test-password")
        user.first_name = name
        user.save()
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _expert_fields(obj):
    """A adds a field of work (many-to-many) while B edits the institution."""
    extra = make_field(name="人工智能")
    return {"fields": [str(pk) for pk in obj.fields.values_list("pk", flat=True)] + [str(extra.pk)]}


CASES = [
    # (model, factory, field B edits, A's change as form values, A's value as shown in the table)
    (Article, make_article, "title", lambda obj: {"title": "甲改的标题"}, "甲改的标题"),
    (Park, make_park, "name", lambda obj: {"name": "甲改的园区名"}, "甲改的园区名"),
    (Award, make_award, "name", lambda obj: {"name": "甲改的奖项名"}, "甲改的奖项名"),
    (Platform, make_platform, "name", lambda obj: {"name": "甲改的平台名"}, "甲改的平台名"),
    (TechField, make_tech_field, "name", lambda obj: {"name": "甲改的领域"}, "甲改的领域"),
    (SiteSettings, lambda: SiteSettings.load(), "portal_name", lambda obj: {"portal_name": "甲改的门户"}, "甲改的门户"),
    (Expert, lambda: make_expert(fields=[make_field(name="新材料")]), "institution", _expert_fields, "人工智能"),
]


@pytest.mark.parametrize(("model", "factory", "b_field", "a_change", "a_shown"), CASES, ids=[case[0].__name__ for case in CASES])
def test_the_second_save_is_refused_and_can_be_reapplied(editors, model, factory, b_field, a_change, a_shown):
    a, b = editors
    obj = factory()
    url = admin_url(model, "change", obj.pk)
    page_a, page_b = a.get(url), b.get(url)

    a_values = a_change(obj)
    response = a.post(url, form_data(page_a, model, **a_values))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    versions = Version.objects.get_for_object(obj).count()

    b_value = f"乙改的{model._meta.verbose_name}"
    refused = b.post(url, form_data(page_b, model, **{b_field: b_value}))
    assert refused.status_code == 200
    content = refused.content.decode()
    assert REFUSED in content and "编辑甲于" in content
    assert a_shown in conflict_table_after(content)
    assert f'value="{b_value}"' in content, "B's own input is shown again"
    obj.refresh_from_db()
    assert getattr(obj, b_field) != b_value
    assert Version.objects.get_for_object(obj).count() == versions, "B's refused save made no revision"

    again = b.post(url, form_data(refused, model))
    assert again.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, b_field) == b_value
    assert Version.objects.get_for_object(obj).count() == versions + 1


def test_a_text_change_is_shown_as_a_character_diff(editors):
    a, b = editors
    article = make_article(lead="园区今年新增企业一百家。")
    url = admin_url(Article, "change", article.pk)
    page_a, page_b = a.get(url), b.get(url)
    a.post(url, form_data(page_a, Article, lead="园区今年新增企业两百家。"))
    content = b.post(url, form_data(page_b, Article, title="乙改的标题")).content.decode()
    assert "<del>一</del><ins>两</ins>" in content
    article.refresh_from_db()
    assert article.title != "乙改的标题"


def test_a_change_to_an_inline_row_is_a_conflict(editors):
    a, b = editors
    article = make_article(sections=1)
    section = article.sections.get()
    url = admin_url(Article, "change", article.pk)
    page_a, page_b = a.get(url), b.get(url)
    a.post(url, form_data(page_a, Article, **{"sections-0-body": "甲改的正文。"}))
    refused = b.post(url, form_data(page_b, Article, title="乙改的标题"))
    content = refused.content.decode()
    assert refused.status_code == 200 and REFUSED in content
    assert f"文章小节“{section}”：正文" in content and "甲改的正文。" in conflict_table_after(content)
    assert "发布时间" not in conflict_table_after(content), "a save keeping the time to the second is no change"
    section.refresh_from_db()
    assert section.body == "甲改的正文。"
    assert Article.objects.get(pk=article.pk).title != "乙改的标题"


def test_an_inline_row_added_by_someone_else_is_a_conflict(editors):
    a, b = editors
    article = make_article(sections=1)
    url = admin_url(Article, "change", article.pk)
    page_b = b.get(url)
    ArticleSection.objects.create(article=article, heading="甲加的小标题", body="正文。", ordering=5)
    content = b.post(url, form_data(page_b, Article, title="乙改的标题")).content.decode()
    assert REFUSED in content and "新增" in content and "甲加的小标题" in content


def test_a_save_without_anyone_else_is_not_refused(editors):
    a, _ = editors
    park = make_park(name="原来的园区")
    url = admin_url(Park, "change", park.pk)
    page = a.get(url)
    before = Version.objects.get_for_object(park).count()
    assert a.post(url, form_data(page, Park, name="改过的园区")).status_code == 302
    park.refresh_from_db()
    assert park.name == "改过的园区"
    assert Version.objects.get_for_object(park).count() == before + 1
    # Saving twice from the same session, each time from a freshly loaded page, is no conflict.
    assert a.post(url, form_data(a.get(url), Park, name="再改的园区")).status_code == 302


def test_a_tampered_snapshot_is_refused_cleanly(editors):
    a, _ = editors
    term = make_tech_field(name="原来的领域")
    url = admin_url(TechField, "change", term.pk)
    data = form_data(a.get(url), TechField, name="新领域", _edit_snapshot="forged")
    response = a.post(url, data)
    assert response.status_code == 200 and "无法核对" in response.content.decode()
    term.refresh_from_db()
    assert term.name == "原来的领域"
    assert a.post(url, form_data(response, TechField)).status_code == 302
    term.refresh_from_db()
    assert term.name == "新领域"


def test_a_snapshot_of_another_row_is_not_accepted(editors):
    a, _ = editors
    first, second = make_tech_field(name="领域一"), make_tech_field(name="领域二")
    snapshot = form_data(a.get(admin_url(TechField, "change", first.pk)), TechField)["_edit_snapshot"]
    url = admin_url(TechField, "change", second.pk)
    response = a.post(url, form_data(a.get(url), TechField, name="领域二改", _edit_snapshot=snapshot))
    assert response.status_code == 200 and "无法核对" in response.content.decode()
    second.refresh_from_db()
    assert second.name == "领域二"


def _award_with_two_versions(client):
    """An award saved twice through the admin: 初名 and then 二名."""
    award = make_award(name="初名")
    url = admin_url(Award, "change", award.pk)
    client.post(url, form_data(client.get(url), Award, name="初名", eligibility="参评条件：园区企业。"))
    client.post(url, form_data(client.get(url), Award, name="二名", eligibility="参评条件：全市企业。"))
    first = Version.objects.get_for_object(award).last()
    return award, admin_url(Award, "revision", award.pk, first.pk)


def test_reverting_shows_a_diff_and_says_restored(editors):
    a, _ = editors
    award, revision_url = _award_with_two_versions(a)
    form = a.get(revision_url)
    content = form.content.decode()
    assert 'class="revision-diff"' in content
    assert "<del>全市</del><ins>园区</ins>" in content
    done = a.post(revision_url, form_data(form, Award), follow=True)
    award.refresh_from_db()
    assert award.name == "初名"
    assert "已恢复“初名”到 " in done.content.decode() and "恢复的字段：奖项名称、参评条件。" in done.content.decode()


def test_a_revert_after_someone_else_saved_is_refused_then_can_be_confirmed(editors):
    a, b = editors
    award, revision_url = _award_with_two_versions(a)
    revert_form = b.get(revision_url)
    url = admin_url(Award, "change", award.pk)
    a.post(url, form_data(a.get(url), Award, name="三名"))
    refused = b.post(revision_url, form_data(revert_form, Award))
    content = refused.content.decode()
    assert refused.status_code == 200 and REFUSED in content and "三名" in content
    award.refresh_from_db()
    assert award.name == "三名"
    assert b.post(revision_url, form_data(refused, Award)).status_code == 302
    award.refresh_from_db()
    assert award.name == "初名"


def test_the_same_editor_in_two_tabs_is_told_it_was_himself(editors):
    a, _ = editors
    term = make_tech_field(name="原来的领域")
    url = admin_url(TechField, "change", term.pk)
    first_tab, second_tab = a.get(url), a.get(url)
    assert a.post(url, form_data(first_tab, TechField, name="第一个标签页")).status_code == 302
    refused = a.post(url, form_data(second_tab, TechField, name="第二个标签页"))
    assert refused.status_code == 200 and "你（在另一个窗口）于" in refused.content.decode()
    term.refresh_from_db()
    assert term.name == "第一个标签页"


def test_a_deleted_row_can_still_be_recovered(editors):
    a, _ = editors
    term = make_tech_field(name="会被删除的领域")
    url = admin_url(TechField, "change", term.pk)
    a.post(url, form_data(a.get(url), TechField))
    a.post(admin_url(TechField, "delete", term.pk), {"post": "yes"})
    assert not TechField.objects.filter(name="会被删除的领域").exists()
    recover_url = admin_url(TechField, "recover", Version.objects.get_deleted(TechField).get().pk)
    assert a.post(recover_url, form_data(a.get(recover_url), TechField)).status_code == 302
    assert TechField.objects.filter(name="会被删除的领域").exists()
