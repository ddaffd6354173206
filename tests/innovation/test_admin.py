import pytest
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from innovation.models import (
    Achievement,
    Cooperation,
    Enterprise,
    Event,
    InnovationFigure,
    PartnerInstitution,
    Platform,
    Policy,
    Qualification,
    TechField,
)
from portal.publishing import Status
from tests.admin_helpers import admin_url, assert_publish_action_records_a_version
from tests.factories import make_photo
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_event,
    make_figure,
    make_partner,
    make_platform,
    make_policy,
    make_qualification,
    make_tech_field,
)

pytestmark = pytest.mark.django_db

MODELS = [
    TechField,
    Qualification,
    PartnerInstitution,
    Platform,
    Enterprise,
    Event,
    Achievement,
    Cooperation,
    InnovationFigure,
    Policy,
]
PUBLISHABLE = [PartnerInstitution, Platform, Enterprise, Event, Achievement, Cooperation, InnovationFigure, Policy]


@pytest.fixture
def rows():
    photo = make_photo()
    field = make_tech_field()
    flag = make_qualification()
    partner = make_partner()
    platform = make_platform(partners=[partner], tech_fields=[field], photos=[photo])
    enterprise = make_enterprise(qualifications=[flag], incubated_at=[platform])
    return {
        TechField: field,
        Qualification: flag,
        PartnerInstitution: partner,
        Platform: platform,
        Enterprise: enterprise,
        Event: make_event(photos=[photo]),
        Achievement: make_achievement(enterprise=enterprise, amount="4000"),
        Cooperation: make_cooperation(partners=[partner], tech_fields=[field]),
        InnovationFigure: make_figure(),
        Policy: make_policy(),
    }


def test_every_innovation_model_is_registered_with_history_and_search():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display and model_admin.search_fields, model
        assert hasattr(model_admin, "history_view"), model


@pytest.mark.parametrize("model", [InnovationFigure, Cooperation], ids=lambda model: model.__name__)
def test_staff_edit_the_source_note_in_the_admin(staff_client, rows, model):
    obj = rows[model]
    model.objects.filter(pk=obj.pk).update(source_note="原文为“目前完成”，未注明具体日期。")
    content = staff_client.get(admin_url(model, "change", obj.pk)).content.decode()
    assert "来源说明（仅工作人员可见）" in content and "原文为“目前完成”，未注明具体日期。" in content


def test_partner_admin_marks_international_organisations(staff_client, rows):
    content = staff_client.get(admin_url(PartnerInstitution, "change", rows[PartnerInstitution].pk)).content.decode()
    assert 'name="is_international"' in content and 'name="headquarters"' in content and 'name="distinction"' in content


def test_partners_and_enterprises_are_chosen_by_autocomplete():
    assert {"partners", "tech_fields", "photos"} <= set(admin.site._registry[Platform].autocomplete_fields)
    assert {"partners"} <= set(admin.site._registry[Cooperation].autocomplete_fields)
    assert {"enterprise"} <= set(admin.site._registry[Achievement].autocomplete_fields)
    assert {"incubated_at", "qualifications"} <= set(admin.site._registry[Enterprise].autocomplete_fields)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_pages_load(staff_client, rows, model):
    obj = rows[model]
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "changelist") + "?q=示例",
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
        admin_url(model, "recoverlist"),
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_autocomplete_answers_for_partners_and_enterprises(staff_client, rows):
    for model, field in [(Platform, "partners"), (Achievement, "enterprise")]:
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "innovation", "model_name": model._meta.model_name, "field_name": field, "term": "示例"},
        )
        assert response.status_code == 200 and response.json()["results"], model


def test_changelists_show_thumbnails_and_amounts(staff_client, rows):
    assert 'class="admin-thumb"' in staff_client.get(admin_url(Platform, "changelist")).content.decode()
    assert "4000 万元" in staff_client.get(admin_url(Achievement, "changelist")).content.decode()


def test_platform_form_edits_incubated_enterprises_inline(staff_client, rows):
    content = staff_client.get(admin_url(Platform, "change", rows[Platform].pk)).content.decode()
    assert 'name="Enterprise_incubated_at-TOTAL_FORMS"' in content


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda model: model.__name__)
def test_publish_action_publishes_and_records_a_version(staff_client, rows, model):
    assert_publish_action_records_a_version(staff_client, rows[model])


def test_unpublish_hides_a_platform_from_the_public(staff_client, client):
    platform = make_platform(name="撤回的平台")
    staff_client.post(admin_url(Platform, "changelist"), {"action": "unpublish", "_selected_action": [platform.pk]})
    assert "撤回的平台" not in client.get(reverse("innovation:platform-list")).content.decode()
    assert client.get(platform.get_absolute_url()).status_code == 404


def platform_form(platform, **changes):
    data = {
        "name": platform.name,
        "kind": platform.kind,
        "partners": [partner.pk for partner in platform.partners.all()],
        "tech_fields": [],
        "photos": [],
        "summary": "",
        "body": "",
        "website": "",
        "state": platform.state,
        "state_note": "",
        "date": "",
        "date_precision": "day",
        "status": Status.PUBLISHED,
        "published_at_0": "2018-01-01",
        "published_at_1": "00:00:00",
        "slug": platform.slug,
        "ordering": 0,
        "Enterprise_incubated_at-TOTAL_FORMS": "0",
        "Enterprise_incubated_at-INITIAL_FORMS": "0",
        "Enterprise_incubated_at-MIN_NUM_FORMS": "0",
        "Enterprise_incubated_at-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_changed_platform_can_be_restored_from_its_history(staff_client, client):
    partner = make_partner(name="华中科技大学")
    platform = make_platform(name="研究中心", partners=[partner], state="under_construction")
    change_url = admin_url(Platform, "change", platform.pk)
    assert staff_client.post(change_url, platform_form(platform, state_note="加速推进")).status_code == 302
    assert staff_client.post(change_url, platform_form(platform, state_note="改错的进展", partners=[])).status_code == 302
    assert "加速推进" not in client.get(platform.get_absolute_url()).content.decode()
    first = Version.objects.get_for_object(platform).order_by("pk").first()
    revision_url = reverse("admin:innovation_platform_revision", args=[platform.pk, first.pk])
    assert staff_client.get(revision_url).status_code == 200
    assert (
        staff_client.post(revision_url, platform_form(platform, state_note="加速推进", partners=[partner.pk])).status_code == 302
    )
    platform.refresh_from_db()
    assert platform.state_note == "加速推进" and list(platform.partners.all()) == [partner]
    assert "加速推进" in client.get(platform.get_absolute_url()).content.decode()
