import pytest
from django.urls import reverse
from reversion.models import Version

from portal.models import Article, Photo, PhotoTag, SearchEntry, SiteSettings
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

EMPTY_SECTIONS = {
    "sections-TOTAL_FORMS": "0",
    "sections-INITIAL_FORMS": "0",
    "sections-MIN_NUM_FORMS": "0",
    "sections-MAX_NUM_FORMS": "1000",
}


def test_every_portal_admin_page_loads(staff_client):
    photo = make_photo()
    article = make_article()
    tag = PhotoTag.objects.create(name="汽车")
    settings_row = SiteSettings.load()
    for model, obj in ((Photo, photo), (Article, article), (PhotoTag, tag), (SiteSettings, settings_row)):
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        assert staff_client.get(reverse(f"{base}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
        assert staff_client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200
        if model is not SiteSettings:  # a singleton: it can be neither added nor deleted
            assert staff_client.get(reverse(f"{base}_recoverlist")).status_code == 200
    assert staff_client.get(reverse("admin:portal_photo_add")).status_code == 200
    assert staff_client.get(reverse("admin:portal_article_add")).status_code == 200
    assert staff_client.get(reverse("admin:portal_user_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:index")).status_code == 200


def test_admin_is_in_chinese(staff_client):
    content = staff_client.get(reverse("admin:index")).content.decode()
    assert "内容管理" in content and "图片" in content and "站点设置" in content


def test_photo_changelist_shows_thumbnails(staff_client):
    make_photo(caption="缩略图测试")
    content = staff_client.get(reverse("admin:portal_photo_changelist")).content.decode()
    assert 'class="admin-thumb"' in content


def test_editing_a_caption_in_the_admin_shows_on_the_public_page(client, staff_client):
    photo = make_photo(caption="旧说明")
    url = reverse("admin:portal_photo_change", args=[photo.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data.update(caption="新说明：严把质量关", published_at_0="2018-01-01", published_at_1="08:00:00", image="")
    data.pop("published_at", None)
    data.pop("taken_on", None)
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    content = client.get(reverse("portal:photo-list")).content.decode()
    assert "新说明：严把质量关" in content and "旧说明" not in content


def test_editing_records_a_revision_that_can_be_restored(staff_client):
    article = make_article(title="原标题")
    url = reverse("admin:portal_article_change", args=[article.pk])
    data = {
        "column": "园区巡礼",
        "title": "改后的标题",
        "subtitle": "",
        "author": "",
        "summary": "",
        "lead": "导语",
        "date_precision": "day",
        "status": "published",
        "published_at_0": "2018-01-01",
        "published_at_1": "08:00:00",
        "slug": article.slug,
        **EMPTY_SECTIONS,
    }
    assert staff_client.post(url, data).status_code == 302
    data["title"] = "第二次修改"
    assert staff_client.post(url, data).status_code == 302
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    first = versions.last()
    revision_url = reverse("admin:portal_article_revision", args=[article.pk, first.pk])
    form_page = staff_client.get(revision_url)
    assert form_page.status_code == 200
    assert staff_client.post(revision_url, data | {"title": "改后的标题"}).status_code == 302
    article.refresh_from_db()
    assert article.title == "改后的标题"


def test_publish_and_unpublish_actions_record_history(staff_client):
    photos = [make_photo(status="draft") for _ in range(3)]
    changelist = reverse("admin:portal_photo_changelist")
    response = staff_client.post(
        changelist, {"action": "publish", "_selected_action": [photo.pk for photo in photos]}, follow=True
    )
    assert response.status_code == 200
    assert Photo.objects.published().count() == 3
    for photo in photos:
        assert Version.objects.get_for_object(photo).count() == 1
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [photos[0].pk]})
    assert Photo.objects.published().count() == 2
    assert Version.objects.get_for_object(photos[0]).count() == 2


def test_deleted_rows_can_be_recovered(staff_client):
    article = make_article(title="会被删除的文章")
    url = reverse("admin:portal_article_change", args=[article.pk])
    staff_client.post(
        url,
        {
            "column": "园区巡礼",
            "title": "会被删除的文章",
            "lead": "导语",
            "date_precision": "day",
            "status": "published",
            "published_at_0": "2018-01-01",
            "published_at_1": "08:00:00",
            "slug": article.slug,
            **EMPTY_SECTIONS,
        },
    )
    staff_client.post(reverse("admin:portal_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.exists()
    recover_list = staff_client.get(reverse("admin:portal_article_recoverlist")).content.decode()
    assert "会被删除的文章" in recover_list
    version = Version.objects.get_deleted(Article).first()
    recover_url = reverse("admin:portal_article_recover", args=[version.pk])
    assert staff_client.get(recover_url).status_code == 200


def test_the_search_index_can_be_looked_at_but_not_edited(staff_client):
    make_article(title="索引里的文章")
    entry = SearchEntry.objects.get(title="索引里的文章")
    changelist = staff_client.get(reverse("admin:portal_searchentry_changelist"), {"q": "索引里"})
    assert "索引里的文章" in changelist.content.decode()
    assert staff_client.get(reverse("admin:portal_searchentry_change", args=[entry.pk])).status_code == 200
    assert staff_client.get(reverse("admin:portal_searchentry_add")).status_code == 403
    assert staff_client.post(reverse("admin:portal_searchentry_delete", args=[entry.pk])).status_code == 403
