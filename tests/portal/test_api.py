"""The open-data API (/api/v1/, portal.api): every registered resource shows exactly the rows its
page would (published, under published parents, samples only when asked), in a stable order, with
a query count that does not grow with the rows; plus the API's own rules: one representation per
URL, CSV with a BOM, conditional GET, throttling, CORS, the schema and its documentation page."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.publishing import Status
from portal.registry import registry
from tests.factories import make_article, make_honour, make_indicator, make_milestone, make_park, make_photo
from tests.innovation.factories_innovation import (
    make_cooperation,
    make_enterprise,
    make_enterprise_achievement,
    make_event,
    make_figure,
    make_partner,
    make_platform,
)
from tests.parks.factories_parks import make_area, make_industry
from tests.talent.factories_talent import make_award, make_expert, make_laureate

pytestmark = pytest.mark.django_db

# A factory per resource prefix: called with keyword arguments, it makes one published row.
FACTORIES = {
    "articles": make_article,
    "photos": make_photo,
    "parks/parks": make_park,
    "parks/areas": make_area,
    "parks/milestones": make_milestone,
    "parks/industries": make_industry,
    "parks/indicators": make_indicator,
    "parks/honours": make_honour,
    "talent/awards": make_award,
    "talent/laureates": make_laureate,
    "talent/experts": make_expert,
    "innovation/platforms": make_platform,
    "innovation/partners": make_partner,
    "innovation/enterprises": make_enterprise,
    "innovation/figures": make_figure,
    "innovation/events": make_event,
    "innovation/achievements": make_enterprise_achievement,
    "innovation/cooperation": make_cooperation,
}
RESOURCES = dict(registry.api_resources)
WITH_SAMPLES = sorted(
    prefix
    for prefix, viewset in RESOURCES.items()
    if any(field.name == "is_sample" for field in viewset.serializer_class.Meta.model._meta.get_fields())
)


def list_url(prefix: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/{prefix}/" + (f"?{query}" if query else "")


def lookup_key(prefix: str) -> str:
    field = RESOURCES[prefix].lookup_field
    return "id" if field == "pk" else field


def lookup_value(prefix: str, row) -> str:
    return str(getattr(row, RESOURCES[prefix].lookup_field))


def listed(client, prefix: str, **params) -> list[str]:
    """The lookup values of every row the resource lists, page after page."""
    values, url = [], list_url(prefix, page_size=2, **params)
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        values += [str(item[lookup_key(prefix)]) for item in body["results"]]
        url = body["next"]
    return values


def test_every_resource_is_tested_here():
    assert set(RESOURCES) == set(FACTORIES), "add the new resource's factory to FACTORIES"


def test_the_root_lists_every_resource(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) == set(RESOURCES)


@pytest.mark.parametrize("prefix", sorted(FACTORIES))
def test_only_published_rows_are_listed_and_shown(client, prefix):
    model = RESOURCES[prefix].serializer_class.Meta.model
    public = FACTORIES[prefix]()
    draft = FACTORIES[prefix](status=Status.DRAFT)
    scheduled = FACTORIES[prefix](published_at=timezone.now() + datetime.timedelta(days=1))
    hidden = [draft, scheduled]
    if getattr(model, "published_parents", ()):
        parent_name = model.published_parents[0]
        parent = getattr(FACTORIES[prefix](), parent_name)
        type(parent).objects.filter(pk=parent.pk).update(status=Status.DRAFT)
        hidden.append(model.objects.get(**{parent_name: parent}))
    assert listed(client, prefix) == [lookup_value(prefix, public)]
    detail = f"/api/v1/{prefix}/{lookup_value(prefix, public)}/"
    assert str(client.get(detail).json()[lookup_key(prefix)]) == lookup_value(prefix, public)
    for row in hidden:
        assert client.get(f"/api/v1/{prefix}/{lookup_value(prefix, row)}/").status_code == 404


@pytest.mark.parametrize("prefix", WITH_SAMPLES)
def test_sample_rows_only_when_asked_for(client, prefix):
    fact, sample = FACTORIES[prefix](), FACTORIES[prefix](is_sample=True)
    assert listed(client, prefix) == [lookup_value(prefix, fact)]
    assert sorted(listed(client, prefix, include_samples=1)) == sorted([lookup_value(prefix, fact), lookup_value(prefix, sample)])
    assert client.get(f"/api/v1/{prefix}/{lookup_value(prefix, sample)}/").status_code == 404
    response = client.get(f"/api/v1/{prefix}/{lookup_value(prefix, sample)}/?include_samples=1")
    assert response.status_code == 200 and response.json()["is_sample"] is True


@pytest.mark.parametrize("prefix", sorted(FACTORIES))
def test_pages_are_stable_and_queries_do_not_grow_with_the_rows(client, prefix, django_assert_max_num_queries):
    rows = [FACTORIES[prefix]() for _ in range(2)]
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url(prefix)).status_code == 200
    rows += [FACTORIES[prefix]() for _ in range(5)]
    with django_assert_max_num_queries(len(few)):
        response = client.get(list_url(prefix))
    assert response.json()["count"] == len(rows)
    # Pages of two, walked to the end: every row once, none twice.
    assert sorted(listed(client, prefix)) == sorted(lookup_value(prefix, row) for row in rows)


@pytest.mark.parametrize("prefix", sorted(prefix for prefix, viewset in RESOURCES.items() if viewset.tabular))
def test_tables_download_as_csv_with_a_bom(client, prefix):
    row = FACTORIES[prefix]()
    response = client.get(list_url(prefix, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == list(client.get(list_url(prefix)).json()["results"][0])
    assert len(lines) == 2 and lookup_value(prefix, row) in lines[1]


def test_filters_are_the_pages_filters(client):
    park = make_park()
    make_indicator(park=park, year=2016)
    wanted = make_indicator(park=park, year=2017)
    body = client.get(list_url("parks/indicators", year=2017)).json()
    assert [item["id"] for item in body["results"]] == [wanted.pk]
    page = client.get(reverse("parks:indicator-list") + "?year=2017")
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/articles/?format=xml", 404),
        ("/api/v1/articles/?page=999", 404),
        ("/api/v1/articles/?page=abc", 404),
        ("/api/v1/articles/?page_size=abc", 400),
        ("/api/v1/articles/no-such-article/", 404),
        ("/api/v1/parks/indicators/?year=abc", 400),
        ("/api/v1/parks/milestones/?decade=%00", 400),
        ("/api/v1/parks/indicators/?format=csv&year=abc", 400),
    ],
)
def test_bad_input_is_answered_in_chinese_never_500(client, path, status):
    make_article()
    response = client.get(path)
    assert response.status_code == status
    if status != 200:
        text = response.content.decode("utf-8-sig")
        assert re.search(r"[\u4e00-\u9fff]", text), text


def test_the_representation_depends_on_the_url_only(client):
    make_article()
    as_json = client.get("/api/v1/articles/", HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"] == "application/json"
    assert "accept" not in [part.strip().lower() for part in as_json.get("Vary", "").split(",")]
    assert client.get("/api/v1/articles/", HTTP_ACCEPT="text/html")["Content-Type"] == "application/json"


def test_writes_are_refused(client):
    article = make_article()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/articles/{article.slug}/", data="{}", content_type="application/json")
        assert response.status_code in (403, 405)
    assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 200


def test_no_session_and_no_cookie_is_involved(client):
    make_article()
    response = client.get("/api/v1/articles/")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_conditional_get_answers_304(client):
    make_article()
    first = client.get("/api/v1/articles/")
    assert first.has_header("ETag")
    again = client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_staff_notes_are_not_published(client):
    make_indicator(source_note="内部核对记录：不要公开")
    assert "内部核对记录" not in client.get(list_url("parks/indicators")).content.decode()
    assert "内部核对记录" not in client.get(list_url("parks/indicators", format="csv")).content.decode("utf-8-sig")


def test_dates_say_only_what_is_known(client):
    make_milestone(date=datetime.date(2005, 1, 1), date_precision="year")
    make_milestone(date=datetime.date(1992, 9, 1), date_precision="month")
    dates = sorted(item["date"] for item in client.get(list_url("parks/milestones")).json()["results"])
    assert dates == ["1992-09", "2005"]


class TestThrottle:
    @pytest.fixture(autouse=True)
    def low_rate(self, settings):
        settings.PORTAL_API_RATE = "3/min"
        cache.clear()
        yield
        cache.clear()

    def test_a_client_over_the_rate_is_told_to_wait_in_chinese(self, client):
        statuses = [client.get("/api/v1/articles/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/api/v1/articles/")
        assert response.has_header("Retry-After")
        assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"])

    def test_the_count_is_per_client_address(self, client, settings):
        settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
        for _ in range(3):
            client.get("/api/v1/articles/", HTTP_X_REAL_IP="10.0.0.1")
        assert client.get("/api/v1/articles/", HTTP_X_REAL_IP="10.0.0.1").status_code == 429
        assert client.get("/api/v1/articles/", HTTP_X_REAL_IP="10.0.0.2").status_code == 200

    def test_a_failing_cache_lets_requests_through(self, client, monkeypatch, caplog):
        from rest_framework.throttling import SimpleRateThrottle

        def broken(self, *args, **kwargs):
            raise ConnectionError("redis down")

        monkeypatch.setattr(SimpleRateThrottle, "allow_request", broken)
        assert [client.get("/api/v1/articles/").status_code for _ in range(5)] == [200] * 5
        assert "the cache failed" in caplog.text


class TestCors:
    def test_an_allowed_origin_may_read(self, client, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://data.example.org"]
        response = client.get("/api/v1/articles/", HTTP_ORIGIN="https://data.example.org")
        assert response["Access-Control-Allow-Origin"] == "https://data.example.org"
        assert "Access-Control-Allow-Credentials" not in response

    def test_other_origins_and_pages_get_no_cors_headers(self, client, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://data.example.org"]
        assert "Access-Control-Allow-Origin" not in client.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example")
        page = client.get(reverse("portal:article-list"), HTTP_ORIGIN="https://data.example.org")
        assert "Access-Control-Allow-Origin" not in page

    def test_a_preflight_allows_reading_only(self, client, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://data.example.org"]
        response = client.options(
            "/api/v1/articles/", HTTP_ORIGIN="https://data.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


class TestSchema:
    def test_the_schema_is_valid_and_describes_every_resource(self, tmp_path):
        target = tmp_path / "schema.json"
        call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))
        schema = json.loads(target.read_text())
        for prefix in RESOURCES:
            assert f"/api/v1/{prefix}/" in schema["paths"]
            assert any(re.fullmatch(rf"/api/v1/{prefix}/\{{\w+\}}/", path) for path in schema["paths"])
            content = schema["paths"][f"/api/v1/{prefix}/"]["get"]["responses"]["200"]["content"]["application/json"]
            assert content.get("examples"), f"{prefix}: give its serializer an OpenApiExample"

    def test_the_documentation_is_served_from_this_site(self, client):
        page = client.get("/api/v1/docs/")
        assert page.status_code == 200
        html = page.content.decode()
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith("/"), f"{url} is not served by the portal"
        script = client.get("/api/v1/docs/?script=")
        assert script.status_code == 200
        assert "https://" not in script.content.decode().replace("https://swagger.io", "")


class TestPageCache:
    """With the page cache on, API answers are stored like pages: never stale after an edit."""

    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PORTAL_PAGE_CACHE = True
        cache.clear()
        yield
        cache.clear()

    def test_an_edit_shows_on_the_next_request(self, client, django_capture_on_commit_callbacks, django_assert_num_queries):
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(title="旧标题")
        assert client.get("/api/v1/articles/").json()["results"][0]["title"] == "旧标题"
        with django_assert_num_queries(0):
            assert client.get("/api/v1/articles/").json()["results"][0]["title"] == "旧标题"
        with django_capture_on_commit_callbacks(execute=True):
            article.title = "新标题"
            article.save()
        assert client.get("/api/v1/articles/").json()["results"][0]["title"] == "新标题"

    def test_cors_headers_follow_each_request_not_the_stored_answer(self, client, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://a.example.org", "https://b.example.org"]
        make_article()
        first = client.get("/api/v1/articles/", HTTP_ORIGIN="https://a.example.org")
        second = client.get("/api/v1/articles/", HTTP_ORIGIN="https://b.example.org")
        assert first["Access-Control-Allow-Origin"] == "https://a.example.org"
        assert second["Access-Control-Allow-Origin"] == "https://b.example.org"
        assert "Access-Control-Allow-Origin" not in client.get("/api/v1/articles/")


def test_the_documentation_page_relaxes_only_inline_styles(client):
    policy = client.get("/api/v1/docs/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    page_policy = client.get(reverse("portal:article-list"))["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page_policy
