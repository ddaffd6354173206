"""The page cache (portal.page_cache), in process with the per-process cache: a repeat is served
without a query, and every edit, publish, unpublish, site-settings change and scheduled time
passing shows on the very next request; variants, staff, CSRF pages and conditional GET."""

import datetime

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from portal import care_mode, page_cache
from portal.models import SiteSettings
from portal.publishing import Status
from tests.factories import make_article, make_park
from tests.innovation.factories_innovation import make_platform
from tests.talent.factories_talent import make_award, make_cycle, make_expert

pytestmark = pytest.mark.django_db

# The articles' page of sitemap.xml (the index at /sitemap.xml lists it, see portal.sitemaps).
ARTICLE_SITEMAP = "/sitemap-portal-article.xml"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE = True
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as its own committed transaction (the suite's tests never commit)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def warm(client, url):
    """Two requests: the first renders and stores, the second comes from the cache."""
    get(client, url)
    response = get(client, url)
    assert response[page_cache.HEADER] == "hit", url
    return response


def text(response) -> str:
    return response.content.decode()


def save(row, **changes):
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()


# --- served from the cache -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/articles/", "article", "/articles/feed/", "/sitemap.xml", ARTICLE_SITEMAP, "/parks/", "/talent/experts/"]
)
def test_a_repeat_is_served_from_the_cache_without_a_query(client, url, django_assert_num_queries):
    article = make_article(title="缓存文章")
    make_park(name="缓存园区")
    make_expert(name="缓存专家")
    url = article.get_absolute_url() if url == "article" else url
    first = get(client, url)
    assert first[page_cache.HEADER] == "miss"
    with django_assert_num_queries(0):
        second = get(client, url)
    assert second[page_cache.HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "public" in second["Cache-Control"] and "max-age=0" in second["Cache-Control"]
    assert "must-revalidate" in second["Cache-Control"]
    assert second["ETag"] == first["ETag"]


def test_a_hit_keeps_the_headers_of_every_middleware(client):
    first = get(client, "/articles/")
    second = get(client, "/articles/")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary", "X-Content-Type-Options"):
        assert second[header] == first[header], header
    assert {"Cookie", "Accept-Language"} <= {part.strip() for part in second["Vary"].split(",")}


def test_the_query_is_part_of_the_key_in_any_parameter_order(client):
    get(client, "/articles/?page=1&q=a")
    assert get(client, "/articles/?q=a&page=1")[page_cache.HEADER] == "hit"
    assert get(client, "/articles/?q=b&page=1")[page_cache.HEADER] == "miss"
    # Repeated values keep their order: the view reads the last one.
    get(client, "/articles/?page=1&page=2")
    assert get(client, "/articles/?page=2&page=1")[page_cache.HEADER] == "miss"


# --- every change on the very next request ---------------------------------------------------


def article_pages(article):
    return ["/", "/articles/", article.get_absolute_url(), "/articles/feed/"]


def test_an_edit_shows_on_the_next_request_to_every_page(client, commit):
    article = make_article(title="旧的标题")
    pages = article_pages(article)
    for url in pages:
        assert "旧的标题" in text(warm(client, url))
    commit(save, article, title="新的标题")
    for url in pages:
        page = text(get(client, url))
        assert "新的标题" in page and "旧的标题" not in page, url


@pytest.mark.parametrize("url", ["/", "/articles/", "/articles/feed/", ARTICLE_SITEMAP, "/sitemap/"])
def test_unpublish_and_publish_show_on_the_next_request(client, commit, url):
    article = make_article(title="可见与否", slug="visible-or-not")
    marker = "visible-or-not" if url == ARTICLE_SITEMAP else "可见与否"
    assert marker in text(warm(client, url))
    commit(save, article, status=Status.DRAFT)
    assert marker not in text(get(client, url))
    assert marker not in text(warm(client, url))
    commit(save, article, status=Status.PUBLISHED)
    assert marker in text(get(client, url))


def test_an_unpublished_detail_page_is_gone_on_the_next_request(client, commit):
    article = make_article()
    warm(client, article.get_absolute_url())
    commit(save, article, status=Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_deleted_row_is_gone_on_the_next_request(client, commit):
    article = make_article(title="将被删除")
    warm(client, "/articles/")
    commit(article.delete)
    assert "将被删除" not in text(get(client, "/articles/"))


@pytest.mark.parametrize(
    ("make", "pages", "field"),
    [
        (lambda: make_park(name="旧园区名"), lambda row: ["/parks/", row.get_absolute_url()], "name"),
        (lambda: make_expert(name="旧专家名"), lambda row: ["/talent/experts/", row.get_absolute_url()], "name"),
        (lambda: make_award(name="旧奖项名"), lambda row: ["/talent/awards/", row.get_absolute_url()], "name"),
        (lambda: make_platform(name="旧平台名"), lambda row: ["/innovation/platforms/", row.get_absolute_url()], "name"),
    ],
    ids=["parks", "talent-experts", "talent-awards", "innovation"],
)
def test_a_section_edit_shows_on_the_next_request(client, commit, make, pages, field):
    row = make()
    old = getattr(row, field)
    for url in pages(row):
        assert old in text(warm(client, url)), url
    commit(save, row, **{field: "改过的名字"})
    for url in pages(row):
        page = text(get(client, url))
        assert "改过的名字" in page and old not in page, url


def test_a_link_change_shows_on_the_next_request(client, commit):
    """m2m_changed: an expert's field added shows on the expert's page."""
    from tests.talent.factories_talent import make_field

    expert = make_expert()
    field = make_field(name="新加的领域")
    warm(client, expert.get_absolute_url())
    commit(expert.fields.add, field)
    assert "新加的领域" in text(get(client, expert.get_absolute_url()))


def test_a_site_settings_change_shows_on_every_page(client, commit):
    article = make_article()
    pages = [*article_pages(article), "/parks/", "/talent/"]
    for url in pages:
        warm(client, url)
    site = SiteSettings.load()
    commit(save, site, portal_name="改名后的门户")
    for url in pages:
        assert "改名后的门户" in text(get(client, url)), url


def test_a_friendly_link_shows_on_every_page(client, commit):
    from portal.models import FriendlyLink

    warm(client, "/")
    warm(client, "/articles/")
    commit(lambda: FriendlyLink.objects.create(site=SiteSettings.load(), name="新的友情链接", url="https://example.org/"))
    for url in ("/", "/articles/"):
        assert "新的友情链接" in text(get(client, url)), url


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() under the test's control, starting a minute ahead of the real clock (rows
    made with the field default, the real timezone.now, are in its past)."""
    now = [timezone.now() + datetime.timedelta(minutes=1)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


@pytest.mark.parametrize("url", ["/", "/articles/", "/articles/feed/", ARTICLE_SITEMAP])
def test_a_scheduled_article_shows_on_the_first_request_after_its_time(client, commit, clock, url):
    """No save when the time passes: the schedule stored with the generation says when."""
    make_article(title="已有文章")
    commit(make_article, title="定时文章", slug="scheduled", published_at=clock[0] + datetime.timedelta(seconds=1))
    marker = "scheduled" if url == ARTICLE_SITEMAP else "定时文章"
    assert marker not in text(warm(client, url))
    clock[0] += datetime.timedelta(milliseconds=999)
    response = get(client, url)
    assert response[page_cache.HEADER] == "hit" and marker not in text(response)
    clock[0] += datetime.timedelta(milliseconds=1)
    assert marker in text(get(client, url))
    assert get(client, url)[page_cache.HEADER] == "hit"


def test_a_parent_scheduled_later_holds_its_children_back_until_then(client, commit, clock):
    park = make_park(name="定时园区", published_at=clock[0] + datetime.timedelta(hours=2))
    commit(park.save)
    assert "定时园区" not in text(warm(client, "/parks/"))
    clock[0] += datetime.timedelta(hours=2)
    assert "定时园区" in text(get(client, "/parks/"))


def test_a_nomination_window_closing_shows_on_the_next_request(client, commit, clock):
    """Not only published_at: every date-time an editor sets is on the schedule."""
    cycle = make_cycle("open", nomination_closes=clock[0] + datetime.timedelta(minutes=5))
    commit(cycle.save)
    url = cycle.award.get_absolute_url()
    assert "正在接受提名" in text(warm(client, url))
    clock[0] += datetime.timedelta(minutes=5)
    assert "正在接受提名" not in text(get(client, url))


def test_the_next_local_midnight_starts_a_new_generation(client, clock):
    warm(client, "/")
    local = timezone.localtime(clock[0])
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=local.tzinfo)
    clock[0] = midnight - datetime.timedelta(microseconds=1)
    assert get(client, "/")[page_cache.HEADER] == "hit"
    clock[0] = midnight
    assert get(client, "/")[page_cache.HEADER] == "miss"


def test_a_rolled_back_change_does_not_bump(client, commit):
    from django.db import transaction

    article = make_article(title="回滚前")
    warm(client, "/articles/")

    def change_then_fail():
        try:
            with transaction.atomic():
                save(article, title="回滚后")
                raise RuntimeError
        except RuntimeError:
            pass

    generation = caches["default"].get(page_cache.GENERATION_KEY)
    commit(change_then_fail)
    assert caches["default"].get(page_cache.GENERATION_KEY) == generation


def test_many_changes_in_one_transaction_bump_once(commit):
    from django.db import transaction

    cache = caches["default"]
    cache.set(page_cache.GENERATION_KEY, 10, timeout=None)

    def many():
        with transaction.atomic():
            for index in range(3):
                make_article(title=f"批量 {index}", sections=2)

    commit(many)
    assert cache.get(page_cache.GENERATION_KEY) == 11


def test_a_starting_process_bumps():
    """A new release may render pages differently: what the old one stored is not served."""
    cache = caches["default"]
    cache.set(page_cache.GENERATION_KEY, 10, timeout=None)
    page_cache.PageCacheMiddleware(lambda request: None)
    assert cache.get(page_cache.GENERATION_KEY) == 11


def test_users_sessions_and_the_search_index_do_not_bump(commit, django_user_model):
    from portal.models import SearchEntry  # noqa: F401 - rows written by the article's own save

    cache = caches["default"]
    cache.set(page_cache.GENERATION_KEY, 10, timeout=None)
    commit(lambda: django_user_model.objects.create_user("reader", password="a-long-test-password"))
    assert cache.get(page_cache.GENERATION_KEY) == 10


# --- variants --------------------------------------------------------------------------------


def test_the_care_mode_cookie_has_its_own_copy(client):
    standard = warm(client, "/articles/")
    client.cookies[care_mode.COOKIE_NAME] = care_mode.COOKIE_VALUE
    first = get(client, "/articles/")
    assert first[page_cache.HEADER] == "miss"
    assert 'class="care-mode"' in text(first) and 'class="care-mode"' not in text(standard)
    assert 'class="care-mode"' in text(get(client, "/articles/"))
    del client.cookies[care_mode.COOKIE_NAME]
    assert 'class="care-mode"' not in text(get(client, "/articles/"))


def test_the_language_is_part_of_the_key(rf):
    from django.utils import translation

    request = rf.get("/articles/")
    with translation.override("zh-hans"):
        chinese = page_cache.page_key(request, 1)
    with translation.override("en"):
        english = page_cache.page_key(request, 1)
    assert chinese != english
    assert page_cache.page_key(rf.get("/articles/", HTTP_HOST="localhost"), 1) != page_cache.page_key(request, 1)


def test_staff_are_never_served_from_the_cache_and_see_the_preview(client, staff_client):
    article = make_article(title="草稿预览", status=Status.DRAFT)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    published = make_article(title="公开文章")
    anonymous = warm(client, published.get_absolute_url())
    staff = staff_client.get(url)
    assert staff.status_code == 200 and "草稿预览" in text(staff)
    assert page_cache.HEADER not in staff
    staff_view = staff_client.get(published.get_absolute_url())
    assert page_cache.HEADER not in staff_view
    assert staff_view.content != anonymous.content  # the staff edit link
    # and nothing a staff member saw was stored for anyone else
    assert client.get(url).status_code == 404


def test_a_visitor_with_a_session_is_served_by_the_view(client):
    warm(client, "/articles/")
    session = client.session
    session["something"] = 1
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert page_cache.HEADER not in get(client, "/articles/")


def test_a_visitor_with_a_pending_message_sees_it(client):
    """A message waiting in its cookie is shown by the view, never hidden by a cached page."""
    warm(client, "/articles/")
    response = get(client, "/articles/?page=99")
    assert "没有第 99 页" in text(response)
    client.cookies["messages"] = "anything"
    assert page_cache.HEADER not in get(client, "/articles/")


@pytest.mark.parametrize("name", ["nomination-create", "nomination-status"])
def test_pages_with_a_csrf_token_are_not_stored(client, name):
    if name == "nomination-create":
        url = reverse("talent:nomination-create", args=[make_cycle("open").award.slug])
    else:
        url = reverse("talent:nomination-status")
    first = get(client, url)
    assert "csrfmiddlewaretoken" in text(first)
    second = get(client, url)
    assert second.get(page_cache.HEADER) != "hit"
    assert "csrftoken" in second.cookies


def test_not_found_and_redirects_are_not_stored(client):
    assert client.get("/articles/no-such-article/").status_code == 404
    assert client.get("/articles/no-such-article/").get(page_cache.HEADER) is None
    assert client.get("/parks/parks/").status_code == 302
    assert page_cache.HEADER not in client.get("/healthz")  # text/plain: never stored


# --- conditional GET -------------------------------------------------------------------------


def test_a_repeat_with_the_etag_is_answered_304(client):
    first = get(client, "/articles/")
    not_modified = client.get("/articles/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    assert client.get("/articles/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_changed_page_is_not_answered_304(client, commit):
    article = make_article(title="第一版")
    first = warm(client, "/articles/")
    commit(save, article, title="第二版")
    response = client.get("/articles/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200 and "第二版" in text(response)


def test_last_modified_and_if_modified_since(client, clock):
    get(client, "/articles/")
    clock[0] += datetime.timedelta(seconds=2)  # the generation's second is over
    response = get(client, "/articles/")
    assert response.has_header("Last-Modified")
    not_modified = client.get("/articles/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert not_modified.status_code == 304


def test_last_modified_waits_until_its_second_is_over(client, clock):
    """Within the second the generation began, a second change would carry the same date."""
    clock[0] = clock[0].replace(microsecond=100)
    response = get(client, "/articles/")
    assert not response.has_header("Last-Modified")
    assert response.has_header("ETag")


def test_head_is_served_from_the_cache(client):
    get(client, "/articles/")
    response = client.head("/articles/")
    assert response.status_code == 200 and response[page_cache.HEADER] == "hit"
    assert response.content == b""


def test_pages_are_still_answered_304_with_the_cache_off(client, settings):
    settings.PORTAL_PAGE_CACHE = False
    first = get(client, "/articles/")
    assert page_cache.HEADER not in first
    assert client.get("/articles/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- failures --------------------------------------------------------------------------------


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_a_broken_cache_serves_pages_uncached(client, commit, monkeypatch, caplog):
    article = make_article(title="缓存坏了也能看")
    monkeypatch.setattr(page_cache, "_cache", lambda: BrokenCache())
    for _ in range(2):
        response = get(client, "/articles/")
        assert "缓存坏了也能看" in text(response) and page_cache.HEADER not in response
    commit(save, article, title="改了")  # the bump fails, logged, the save stands
    assert "改了" in text(get(client, "/articles/"))
    assert "Page cache" in caplog.text


def test_the_switch_off_stores_nothing(client, settings):
    settings.PORTAL_PAGE_CACHE = False
    get(client, "/articles/")
    assert page_cache.HEADER not in get(client, "/articles/")
