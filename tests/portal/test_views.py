import pytest
from django.urls import reverse

from portal.models import PhotoTag
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def test_home_shows_featured_photos_and_latest_articles(client):
    make_photo(caption="严把质量关", credit="罗秋宁", featured=True)
    make_photo(caption="不推荐的图片", featured=False)
    make_article(title="提速增效 超常发展")
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "严把质量关" in content and "罗秋宁/摄" in content
    assert "不推荐的图片" not in content
    assert "提速增效 超常发展" in content


def test_every_photo_renders_as_a_figure_with_alt_caption_credit_and_srcset(client):
    make_photo(caption="生产协奏曲", credit="韦明凤", alt_text="工人在生产线上装配")
    content = client.get(reverse("portal:photo-list")).content.decode()
    assert "<figure" in content and "<figcaption>" in content
    assert 'alt="工人在生产线上装配"' in content
    assert "生产协奏曲" in content and "韦明凤/摄" in content
    assert "srcset=" in content and 'loading="lazy"' in content
    assert 'width="640"' in content


def test_gallery_filters_by_section_and_tag(client):
    tag = PhotoTag.objects.create(name="汽车")
    make_photo(caption="汽车图片", section="industry", tags=[tag])
    make_photo(caption="生活图片", section="life")
    by_section = client.get(reverse("portal:photo-list"), {"section": "life"}).content.decode()
    assert "生活图片" in by_section and "汽车图片" not in by_section
    by_tag = client.get(reverse("portal:photo-list"), {"tag": tag.slug}).content.decode()
    assert "汽车图片" in by_tag and "生活图片" not in by_tag


@pytest.mark.parametrize(
    "query", ["section=nonsense", "tag=missing", "page=abc", "page=99999", "page=-1", "q=" + "长" * 500, "section=%00"]
)
def test_bad_query_strings_never_fail(client, query):
    make_photo()
    response = client.get(reverse("portal:photo-list") + "?" + query)
    assert response.status_code == 200


def test_bad_filter_value_explains_itself(client):
    response = client.get(reverse("portal:photo-list"), {"section": "nonsense"})
    assert "筛选条件有误" in response.content.decode()


def test_empty_result_says_so(client):
    make_photo(caption="有的图片", section="park")
    content = client.get(reverse("portal:photo-list"), {"section": "talent"}).content.decode()
    assert "没有符合筛选条件的内容" in content


def test_pagination_keeps_the_filters(client):
    for index in range(30):
        make_photo(caption=f"园区图片 {index}", section="park")
    content = client.get(reverse("portal:photo-list"), {"section": "park"}).content.decode()
    assert "?section=park&amp;page=2" in content


def test_drafts_are_hidden_from_the_public_and_previewable_by_staff(client, staff_client):
    draft = make_article(title="草稿文章", status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "草稿文章" not in client.get(reverse("portal:article-list")).content.decode()
    preview = staff_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "草稿预览" in preview.content.decode()


def test_draft_photo_is_not_shown_in_gallery_or_article(client):
    hidden = make_photo(caption="未发布图片", status="draft")
    article = make_article()
    article.photos.add(hidden)
    assert "未发布图片" not in client.get(reverse("portal:photo-list")).content.decode()
    assert "未发布图片" not in client.get(article.get_absolute_url()).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_article_page_shows_structure_and_photos(client):
    article = make_article(title="提速增效 超常发展", subtitle="排头兵", author="廖婧", sections=3)
    article.photos.add(make_photo(caption="柳州摩天轮"))
    content = client.get(article.get_absolute_url()).content.decode()
    for text in ("提速增效 超常发展", "排头兵", "廖婧", "小标题 1", "小标题 3", "导语第二段", "柳州摩天轮"):
        assert text in content


def test_article_list_filters_by_column(client):
    make_article(title="巡礼文章", column="园区巡礼")
    make_article(title="动态文章", column="园区动态")
    content = client.get(reverse("portal:article-list"), {"column": "园区动态"}).content.decode()
    assert "动态文章" in content and "巡礼文章" not in content


def test_feed_sitemap_and_robots(client):
    make_article(title="订阅文章")
    make_article(title="草稿不订阅", status="draft")
    feed = client.get(reverse("portal:article-feed")).content.decode()
    assert "订阅文章" in feed and "草稿不订阅" not in feed
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and b"<sitemapindex" in sitemap.content  # tests/portal/test_sitemaps.py
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def _page_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", ["portal:home", "portal:photo-list", "portal:article-list"])
def test_public_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, url_name):
    def add_rows(count):
        tag = PhotoTag.objects.create(name=f"标签{PhotoTag.objects.count()}")
        for _ in range(count):
            article = make_article(sections=2)
            photo = make_photo(featured=True, tags=[tag])
            article.photos.add(photo)

    budget = 12
    add_rows(2)
    _page_queries(client, reverse(url_name), django_assert_max_num_queries, budget)
    add_rows(20)
    _page_queries(client, reverse(url_name), django_assert_max_num_queries, budget)


def test_article_page_has_a_fixed_query_count(client, django_assert_max_num_queries):
    article = make_article(sections=2)
    for _ in range(3):
        article.photos.add(make_photo())
    with django_assert_max_num_queries(10):
        client.get(article.get_absolute_url())
    for _ in range(15):
        article.photos.add(make_photo())
    make_article(sections=10)
    with django_assert_max_num_queries(10):
        client.get(article.get_absolute_url())


def test_favicon_and_health_check(client):
    assert client.get("/favicon.ico").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_staff_see_a_link_to_edit_the_page_they_read(client, staff_client):
    article = make_article()
    edit_url = reverse("admin:portal_article_change", args=[article.pk])
    assert edit_url in staff_client.get(article.get_absolute_url()).content.decode()
    assert edit_url not in client.get(article.get_absolute_url()).content.decode()
    assert reverse("admin:portal_photo_changelist") in staff_client.get(reverse("portal:photo-list")).content.decode()


@pytest.mark.parametrize("value", ["\x00", "长" * 300, "<b>nonsense</b>"])
def test_a_refused_choice_is_explained_without_repeating_it(client, value):
    """A choice the list does not have is refused with the message a missing row gets: the value
    as sent (a NUL byte, a 300-character string) never lands in the page."""
    make_photo()
    content = client.get(reverse("portal:photo-list"), {"section": value}).content.decode()
    assert "筛选条件有误" in content and "该选择不在可用的选项中" in content
    assert "\x00" not in content and "长" * 50 not in content and "nonsense</b> 不在" not in content


def test_a_page_number_with_control_characters_is_not_repeated(client):
    make_photo()
    content = client.get(reverse("portal:photo-list"), {"page": "\x00\x01x"}).content.decode()
    assert "没有第 x 页，已显示第 1 页。" in content and "\x00" not in content
