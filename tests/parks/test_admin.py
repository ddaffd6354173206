from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from parks.models import Area, Honour, Indicator, Industry, Metric, Milestone, Park, ProfileItem
from portal.publishing import Status
from tests.admin_helpers import admin_url, assert_publish_action_records_a_version
from tests.factories import make_honour, make_indicator, make_metric, make_milestone, make_park, make_photo
from tests.parks.factories_parks import make_area, make_industry, make_profile_item

pytestmark = pytest.mark.django_db

PARK_MODELS = [Park, ProfileItem, Area, Milestone, Industry, Metric, Indicator, Honour]


@pytest.fixture
def rows():
    """One row of every park model, linked to a photo where the model has one."""
    photo = make_photo()
    park = make_park(photo=photo)
    return {
        Park: park,
        ProfileItem: make_profile_item(park=park),
        Area: make_area(park=park, photo=photo),
        Milestone: make_milestone(park=park, photo=photo),
        Industry: make_industry(park=park),
        Metric: make_metric(),
        Indicator: make_indicator(park=park),
        Honour: make_honour(park=park),
    }


def test_every_park_model_is_registered_with_history():
    for model in PARK_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display and model_admin.search_fields, model
        assert hasattr(model_admin, "history_view"), model


@pytest.mark.parametrize("model", PARK_MODELS, ids=lambda model: model.__name__)
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
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_changelists_show_photo_thumbnails(staff_client, rows):
    for model in (Park, Area, Milestone):
        content = staff_client.get(admin_url(model, "changelist")).content.decode()
        assert 'class="admin-thumb"' in content, model


def test_park_change_form_has_inlines_for_profile_areas_and_milestones(staff_client, rows):
    content = staff_client.get(admin_url(Park, "change", rows[Park].pk)).content.decode()
    for prefix in ("profile_items", "areas", "milestones"):
        assert f'name="{prefix}-TOTAL_FORMS"' in content, prefix


def test_indicator_changelist_shows_value_unit_and_yoy(staff_client):
    make_indicator(metric=make_metric(name="外资到位", unit="万美元"), value="9651", yoy_change="13.02")
    content = staff_client.get(admin_url(Indicator, "changelist")).content.decode()
    assert "外资到位" in content and "9651" in content and "万美元" in content and "+13.02%" in content
    filtered = staff_client.get(admin_url(Indicator, "changelist"), {"metric__category__exact": "ranking"})
    assert filtered.status_code == 200 and "9651" not in filtered.content.decode()


@pytest.mark.parametrize("model", [Park, Area, Milestone, Industry, Indicator, Honour], ids=lambda model: model.__name__)
def test_publish_action_publishes_and_records_a_version(staff_client, rows, model):
    assert_publish_action_records_a_version(staff_client, rows[model])


def test_unpublish_action_hides_a_row_from_the_public(staff_client, client):
    honour = make_honour(name="撤回的荣誉")
    staff_client.post(admin_url(Honour, "changelist"), {"action": "unpublish", "_selected_action": [honour.pk]})
    assert "撤回的荣誉" not in client.get(reverse("parks:honour-list")).content.decode()


def test_editing_an_indicator_in_the_admin_shows_on_the_public_page(staff_client, client):
    indicator = make_indicator(metric=make_metric(name="工业增加值"), year=2017, value="400", yoy_change="1")
    data = {
        "park": indicator.park.pk,
        "metric": indicator.metric.pk,
        "year": 2017,
        "as_of": "",
        "as_of_precision": "month",
        "value": "444.62",
        "yoy_change": "4.86",
        "scope_note": "一区多园口径",
        "note": "",
        "featured": "on",
        "status": Status.PUBLISHED,
        "published_at_0": "2018-01-01",
        "published_at_1": "00:00:00",
    }
    response = staff_client.post(admin_url(Indicator, "change", indicator.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    content = client.get(reverse("parks:indicator-list")).content.decode()
    assert "444.62" in content and "+4.86%" in content and "一区多园口径" in content
    assert Version.objects.get_for_object(indicator).count() == 1


def test_an_indicator_has_a_public_note_and_a_staff_only_source_note(staff_client, client):
    indicator = make_indicator(metric=make_metric(name="国家级知识产权示范企业", unit="家"), year=2017, value="3")
    data = {
        "park": indicator.park.pk,
        "metric": indicator.metric.pk,
        "year": 2017,
        "as_of": "",
        "as_of_precision": "month",
        "value": "3",
        "note": "截至报道时的累计数，未注明具体统计日期。",
        "source_note": "原文为“截至目前”，未注明具体日期。",
        "status": Status.PUBLISHED,
        "published_at_0": "2018-01-01",
        "published_at_1": "00:00:00",
    }
    form = staff_client.get(admin_url(Indicator, "change", indicator.pk)).content.decode()
    assert "来源说明（仅工作人员可见）" in form
    response = staff_client.post(admin_url(Indicator, "change", indicator.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator.refresh_from_db()
    assert indicator.source_note == "原文为“截至目前”，未注明具体日期。"
    content = client.get(reverse("parks:indicator-list"), {"metric": indicator.metric.slug}).content.decode()
    assert "截至报道时的累计数，未注明具体统计日期。" in content
    assert "原文" not in content


def test_an_area_date_says_what_it_marks(staff_client, client):
    park = make_park()
    make_area(park=park, name="原核心区", date=date(1992, 9, 1), date_precision="month", date_label="设立")
    assert 'name="areas-0-date_label"' in staff_client.get(admin_url(Park, "change", park.pk)).content.decode()
    assert "1992年9月</time>设立" in client.get(reverse("parks:area-list")).content.decode()


def test_admin_rejects_an_as_of_date_outside_the_year(staff_client):
    indicator = make_indicator(year=2017)
    data = {
        "park": indicator.park.pk,
        "metric": indicator.metric.pk,
        "year": 2017,
        "as_of": "2016-11-01",
        "as_of_precision": "month",
        "value": "1610",
        "status": Status.PUBLISHED,
        "published_at_0": "2018-01-01",
        "published_at_1": "00:00:00",
    }
    response = staff_client.post(admin_url(Indicator, "change", indicator.pk), data)
    assert response.status_code == 200 and "截至日期应在所填年份之内" in response.content.decode()


def test_a_changed_milestone_can_be_restored_from_its_history(staff_client):
    milestone = make_milestone(title="原标题", date=date(2005, 1, 1))
    change_url = admin_url(Milestone, "change", milestone.pk)
    form = {
        "park": milestone.park.pk,
        "date": "2005-01-01",
        "date_precision": "year",
        "sequence": 0,
        "title": "原标题",
        "body": "",
        "photo": "",
        "status": Status.PUBLISHED,
        "published_at_0": "2018-01-01",
        "published_at_1": "00:00:00",
    }
    assert staff_client.post(change_url, form).status_code == 302
    assert staff_client.post(change_url, {**form, "title": "改错的标题"}).status_code == 302
    first = Version.objects.get_for_object(milestone).order_by("pk").first()
    revision_url = reverse("admin:parks_milestone_revision", args=[milestone.pk, first.pk])
    assert staff_client.get(revision_url).status_code == 200
    assert staff_client.post(revision_url, form).status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "原标题"


def test_change_forms_preview_the_chosen_photo(staff_client):
    milestone = make_milestone(photo=make_photo(caption="预览图"))
    content = staff_client.get(admin_url(Milestone, "change", milestone.pk)).content.decode()
    assert 'class="admin-thumb"' in content
    park_page = staff_client.get(admin_url(Park, "change", milestone.park.pk))
    assert park_page.status_code == 200
