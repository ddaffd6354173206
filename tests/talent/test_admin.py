import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from talent.models import (
    Award,
    AwardCategory,
    AwardCycle,
    Expert,
    ExpertField,
    ExpertProgramme,
    ExpertService,
    Laureate,
    Nomination,
    NominationStatus,
)
from tests.admin_helpers import admin_url
from tests.factories import make_photo
from tests.talent.factories_talent import (
    make_category,
    make_cycle,
    make_expert,
    make_field,
    make_laureate,
    make_nomination,
    make_programme,
    make_service,
)

pytestmark = pytest.mark.django_db

TALENT_MODELS = [Award, AwardCategory, AwardCycle, Laureate, Nomination, ExpertField, ExpertService, ExpertProgramme, Expert]


@pytest.fixture
def rows():
    photo = make_photo()
    cycle = make_cycle("open")
    category = make_category(award=cycle.award)
    field = make_field()
    service = make_service()
    programme = make_programme()
    return {
        Award: cycle.award,
        AwardCategory: category,
        AwardCycle: cycle,
        Laureate: make_laureate(cycle=cycle, category=category, photo=photo),
        Nomination: make_nomination(cycle=cycle, category=category, nominee_name="示例被提名人"),
        ExpertField: field,
        ExpertService: service,
        ExpertProgramme: programme,
        Expert: make_expert(fields=[field], services=[service], programme=programme, photo=photo),
    }


def test_every_talent_model_is_registered_with_history():
    for model in TALENT_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display and model_admin.search_fields, model
        assert hasattr(model_admin, "history_view"), model


@pytest.mark.parametrize("model", TALENT_MODELS, ids=lambda model: model.__name__)
def test_admin_pages_load(staff_client, rows, model):
    obj = rows[model]
    urls = [
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=示例",
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ]
    if model is not Nomination:  # nominations are neither added nor deleted (so never recovered) by staff
        urls += [admin_url(model, "add"), admin_url(model, "recoverlist")]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_award_has_category_and_cycle_inlines_and_cycle_has_laureates(staff_client, rows):
    content = staff_client.get(admin_url(Award, "change", rows[Award].pk)).content.decode()
    assert 'name="categories-TOTAL_FORMS"' in content and 'name="cycles-TOTAL_FORMS"' in content
    content = staff_client.get(admin_url(AwardCycle, "change", rows[AwardCycle].pk)).content.decode()
    assert 'name="laureates-TOTAL_FORMS"' in content


def test_experts_and_fields_use_autocomplete(staff_client, rows):
    assert {"fields", "services", "programme"} <= set(admin.site._registry[Expert].autocomplete_fields)
    response = staff_client.get(
        reverse("admin:autocomplete"), {"app_label": "talent", "model_name": "expert", "field_name": "fields", "term": ""}
    )
    assert response.status_code == 200
    assert rows[ExpertField].name in [result["text"] for result in response.json()["results"]]


def test_nomination_review_actions_change_status_with_history(staff_client, rows):
    nomination = rows[Nomination]
    before = Version.objects.get_for_object(nomination).count()
    response = staff_client.post(
        admin_url(Nomination, "changelist"),
        {"action": "mark_shortlisted", "_selected_action": [nomination.pk]},
        follow=True,
    )
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.SHORTLISTED
    assert Version.objects.get_for_object(nomination).count() == before + 1
    history = staff_client.get(admin_url(Nomination, "history", nomination.pk)).content.decode()
    assert "审核状态改为：入围" in history


def test_staff_edit_status_and_notes_but_not_what_the_nominator_sent(staff_client, rows):
    nomination = rows[Nomination]
    response = staff_client.post(
        admin_url(Nomination, "change", nomination.pk),
        {"status": "eligible", "reviewer_notes": "材料齐全。", "nominee_name": "改掉的名字"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "eligible" and nomination.reviewer_notes == "材料齐全。"
    assert nomination.nominee_name == "示例被提名人"
    assert Version.objects.get_for_object(nomination).count() == 2


def test_nominations_cannot_be_deleted_or_added_in_the_admin(staff_client, rows):
    nomination = rows[Nomination]
    assert staff_client.get(admin_url(Nomination, "delete", nomination.pk)).status_code == 403
    assert staff_client.get(admin_url(Nomination, "add")).status_code == 403
    content = staff_client.get(admin_url(Nomination, "changelist")).content.decode()
    assert "delete_selected" not in content
    assert Nomination.objects.filter(pk=nomination.pk).exists()


def test_nomination_changelist_filters_by_status(staff_client, rows):
    url = admin_url(Nomination, "changelist")
    assert rows[Nomination].reference in staff_client.get(url, {"status__exact": "received"}).content.decode()
    assert rows[Nomination].reference not in staff_client.get(url, {"status__exact": "awarded"}).content.decode()


def test_csv_export_opens_in_excel_with_chinese_text(staff_client, rows):
    nomination = rows[Nomination]
    nomination.reviewer_notes = "=HYPERLINK(危险)"
    nomination.save()
    response = staff_client.post(
        admin_url(Nomination, "changelist"), {"action": "export_csv", "_selected_action": [nomination.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "受理编号" and "被提名人姓名" in table[0]
    assert table[1][0] == nomination.reference and "示例被提名人" in table[1]
    assert "'=HYPERLINK(危险)" in table[1]  # formula neutralised


def test_staff_download_the_private_document_and_the_public_cannot(client, staff_client, rows):
    nomination = rows[Nomination]
    url = reverse("admin:talent_nomination_document", args=[nomination.pk])
    response = staff_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(url).status_code == 302  # to the admin login
    change = staff_client.get(admin_url(Nomination, "change", nomination.pk)).content.decode()
    assert url in change
    with pytest.raises(ValueError):
        nomination.supporting_document.url  # noqa: B018 - no public URL exists


def test_laureate_inline_offers_only_the_cycle_award_categories(staff_client, rows):
    other = make_category(name="别的奖项的类别")
    content = staff_client.get(admin_url(AwardCycle, "change", rows[AwardCycle].pk)).content.decode()
    assert rows[AwardCategory].name in content and other.name not in content


def test_the_editors_source_note_is_edited_in_the_admin_and_never_shown_publicly(staff_client, client):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/talent.json", verbosity=0)
    award = Award.objects.get(name="创新领军人才奖")
    assert award.source_note.startswith("原文（《提速增效 超常发展》）只载明")
    form = staff_client.get(admin_url(Award, "change", award.pk)).content.decode()
    assert 'name="source_note"' in form and 'name="nominator_eligibility"' in form and "工作人员备注" in form
    public = client.get(award.get_absolute_url()).content.decode()
    assert "原文" not in public
    assert "了解被提名人工作和业绩的单位或个人，均可通过本站在线提名。" in public
    assert "各类别的条件见“奖项类别”" in public
