"""Two app servers on the services production shares between them: PostgreSQL, Redis and S3.

The module starts a private PostgreSQL cluster, redis-server and moto's S3 server with the two
buckets (the media one with the public-read policy of the README; moto does not enforce policies,
so here what keeps a document private is that it has no URL), then two gunicorn processes, A and
B, with production settings on all three, as two machines behind nginx would run them. What one
of them does, the other shows at once: an edit, an uploaded photo (served from the bucket, not
from either server), a nomination's PDF, a staff sign-in.

Needs PostgreSQL's server programs (`make postgres-deps`) and redis-server (`make redis-deps`):
without them the module is skipped, or fails in CI. The suite's own database is not used.
"""

import html.parser
import io
import os
import re
import runpy
import textwrap
import urllib.parse

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from tests import servers

# Its own PostgreSQL/SQLite file, Redis and app servers: the suite's database does not matter.
pytestmark = pytest.mark.own_servers

MEDIA_BUCKET, PRIVATE_BUCKET = "portal-media", "portal-private"
STAFF, PASSWORD = "editor", "scale-out-test-password"
ARTICLE_TITLE, EDITED_TITLE = "两台服务器之间的文章", "两台服务器之间的文章（已修改）"
PHOTO_SLUG = "shared-photo"

CONTENT = textwrap.dedent(
    f"""
    import datetime
    from django.utils import timezone
    from portal.models import Article, User
    from portal.publishing import Status
    from tests.talent.factories_talent import make_category, make_cycle

    yesterday = timezone.now() - datetime.timedelta(days=1)
    Article.objects.create(
        title={ARTICLE_TITLE!r}, slug="shared-article", lead="同一篇文章，两台服务器。",
        status=Status.PUBLISHED, published_at=yesterday,
    )
    cycle = make_cycle("open")
    make_category(award=cycle.award, name="专业技术人才")
    User.objects.create_superuser({STAFF!r}, "editor@example.org", {PASSWORD!r})
    print(cycle.award.slug)
    """
)


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """DATABASE_URL, the Redis URL and the S3 endpoint of the servers both app servers share."""
    with (
        servers.postgres_server() as database_url,
        servers.redis_server(tmp_path_factory.mktemp("redis")) as redis_url,
        servers.s3_server(MEDIA_BUCKET, PRIVATE_BUCKET, public=(MEDIA_BUCKET,)) as s3_endpoint,
    ):
        yield database_url, redis_url, s3_endpoint


@pytest.fixture(scope="module")
def site(services, tmp_path_factory):
    """Two gunicorn processes (two workers each) on the shared services: their base URLs, the
    S3 endpoint and the slug of an award open for nominations."""
    database_url, redis_url, s3_endpoint = services
    workdir = tmp_path_factory.mktemp("site")
    env = servers.production_env(
        DATABASE_URL=database_url,
        DJANGO_CACHE_URL=redis_url,
        DJANGO_S3_BUCKET=MEDIA_BUCKET,
        DJANGO_S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
        DJANGO_S3_ENDPOINT_URL=s3_endpoint,
        DJANGO_S3_REGION="us-east-1",
        DJANGO_S3_ACCESS_KEY_ID="test",
        DJANGO_S3_SECRET_ACCESS_KEY="test",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PORTAL_PAGE_CACHE="on",
    )
    collect = servers.start_manage("collectstatic", "--noinput", "-v0", env=env)  # meanwhile, the database
    servers.manage("migrate", "--noinput", "-v0", env=env)
    award_slug = servers.manage("shell", "-c", CONTENT, env=env).stdout.strip().splitlines()[-1]
    servers.finish_manage(collect)
    with servers.gunicorn_servers(env, workdir, count=2) as (port_a, port_b):
        yield f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", s3_endpoint, award_slug


class FormReader(html.parser.HTMLParser):
    """Every form of a page: its attributes and the fields a browser would submit, as they are."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": []})
        if not self.forms:
            return
        fields, kind = self.forms[-1]["fields"], attrs.get("type", "text")
        if tag == "input" and attrs.get("name") and kind not in {"submit", "button", "image", "file", "reset"}:
            if kind not in {"checkbox", "radio"}:
                fields.append((attrs["name"], attrs.get("value", "")))
            elif "checked" in attrs:
                fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            fields.append((self.textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            fields = self.forms[-1]["fields"]
            name, value = fields[-1]
            fields[-1] = (name, value + data if value else data.removeprefix("\n"))  # as a browser reads it


def form_fields(page: str, **match) -> list[tuple[str, str]]:
    """The fields of the page's form whose attributes include `match` (e.g. id="article_form")."""
    reader = FormReader()
    reader.feed(page)
    for form in reader.forms:
        if all(form["attrs"].get(name) == value for name, value in match.items()):
            return form["fields"]
    raise AssertionError(f"no form with {match} on the page")


def with_values(fields: list[tuple[str, str]], **values) -> list[tuple[str, str]]:
    """`fields` with the named ones replaced (or added)."""
    return [(name, value) for name, value in fields if name not in values] + list(values.items())


def sign_in(base: str) -> requests.Session:
    """A staff session, signed in through the admin's login form as a person would."""
    session = requests.Session()
    login = f"{base}/admin/login/"
    fields = form_fields(session.get(login).text, id="login-form")
    response = session.post(login, data=with_values(fields, username=STAFF, password=PASSWORD, next="/admin/"))
    assert response.url == f"{base}/admin/" and response.status_code == 200, response.status_code
    return session


@pytest.fixture(scope="module")
def staff(site):
    """Signed in on A: the same session cookie serves on B (sessions in the shared database or cache)."""
    base_a, *_ = site
    return sign_in(base_a)


def jpeg(colour=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_an_edit_on_one_server_shows_on_the_other_at_once(site, staff):
    base_a, base_b, *_ = site
    page = f"{base_b}/articles/shared-article/"
    for _ in range(3):  # B has served it (so a page cache would hold it)
        first = requests.get(page)
        assert first.status_code == 200 and ARTICLE_TITLE in first.text and EDITED_TITLE not in first.text

    changelist = staff.get(f"{base_a}/admin/portal/article/").text
    change = f"{base_a}" + re.search(r'href="(/admin/portal/article/\d+/change/)', changelist).group(1)
    fields = form_fields(staff.get(change).text, id="article_form")
    response = staff.post(change, data=with_values(fields, title=EDITED_TITLE, _save="保存"), allow_redirects=False)
    assert response.status_code == 302, response.text[:2000]

    for _ in range(3):
        shown = requests.get(page)
        assert shown.status_code == 200 and EDITED_TITLE in shown.text


def test_a_photo_uploaded_on_one_server_is_served_from_the_bucket_on_the_other(site, staff):
    base_a, base_b, s3_endpoint, _ = site
    add = f"{base_a}/admin/portal/photo/add/"
    fields = with_values(
        form_fields(staff.get(add).text, id="photo_form"),
        caption="两台服务器共享的照片",
        alt_text="一张纯色的测试图片",
        slug=PHOTO_SLUG,
        status="published",
        _save="保存",
    )
    response = staff.post(add, data=fields, files={"image": ("upload.jpg", jpeg(), "image/jpeg")}, allow_redirects=False)
    assert response.status_code == 302, response.text[:2000]

    page = requests.get(f"{base_b}/photos/{PHOTO_SLUG}/")
    assert page.status_code == 200
    sources = re.findall(r'<img[^>]* src="([^"]+)"', page.text)
    bucket = f"{s3_endpoint}/{MEDIA_BUCKET}/"
    photo_sources = [source for source in sources if source.startswith(bucket)]
    assert photo_sources, sources
    assert (
        f"img-src 'self' data: http://127.0.0.1:{urllib.parse.urlsplit(s3_endpoint).port}"
        in page.headers["Content-Security-Policy"]
    )
    image = requests.get(photo_sources[0])  # anonymous, from the object store: neither app server serves it
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(image.content)) as served:
        assert served.format == "JPEG" and served.width <= 1280


def test_a_nomination_sent_to_one_server_is_downloaded_by_staff_from_the_other(site, staff):
    from tests.talent.factories_talent import PDF_BYTES

    base_a, base_b, s3_endpoint, award_slug = site
    public = requests.Session()
    nominate = f"{base_a}/talent/awards/{award_slug}/nominate/"
    form_page = public.get(nominate).text
    fields = form_fields(form_page, enctype="multipart/form-data")
    category = re.search(r'<option value="(\d+)"', form_page).group(1)
    fields = with_values(
        fields,
        category=category,
        nominee_name="张三",
        nominee_organisation="柳州示例科技有限公司",
        statement="在园区从事新能源汽车电池研发十余年，成果显著。",
        nominator_name="李四",
        nominator_email="nominator@example.org",
        confirm_eligibility="on",
        consent="on",
    )
    files = {"supporting_document": ("材料.pdf", PDF_BYTES, "application/pdf")}
    response = public.post(nominate, data=fields, files=files, allow_redirects=False)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.text, re.S)

    changelist = staff.get(f"{base_b}/admin/talent/nomination/").text
    pk = re.search(r'href="/admin/talent/nomination/(\d+)/change/', changelist).group(1)
    assert staff.get(f"{base_b}/admin/talent/nomination/{pk}/change/").status_code == 200
    document = staff.get(f"{base_b}/admin/talent/nomination/{pk}/document/")
    assert document.status_code == 200 and document.content == PDF_BYTES
    assert document.headers["Content-Type"] == "application/pdf"
    assert requests.get(f"{base_b}/admin/talent/nomination/{pk}/document/").url.startswith(f"{base_b}/admin/login/")
    assert PRIVATE_BUCKET not in changelist and s3_endpoint not in changelist


# --- configuration (no servers) ------------------------------------------------------------


S3_ENV = {"DJANGO_S3_BUCKET": "portal-media", "DJANGO_S3_PRIVATE_BUCKET": "portal-private"}


@pytest.fixture
def load_settings(monkeypatch):
    """portal/settings.py evaluated afresh with only the given configuration variables."""

    def load(**env):
        for name in list(os.environ):
            if (name.startswith(("DJANGO_", "PORTAL_")) and name != "DJANGO_SETTINGS_MODULE") or name == "DATABASE_URL":
                monkeypatch.delenv(name)
        for name, value in {"DJANGO_SECRET_KEY": "test-" + "x" * 50, **env}.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(servers.BASE_DIR / "portal" / "settings.py"))

    return load


def test_without_a_bucket_media_stay_on_disk(load_settings):
    loaded = load_settings()
    assert loaded["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert "private" not in loaded["STORAGES"]
    assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_on_aws_media_are_linked_from_the_bucket_and_documents_go_to_the_private_one(load_settings):
    loaded = load_settings(**S3_ENV, DJANGO_S3_REGION="ap-east-1")
    media, private = loaded["STORAGES"]["default"], loaded["STORAGES"]["private"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "portal-media" and private["OPTIONS"]["bucket_name"] == "portal-private"
    assert media["OPTIONS"]["custom_domain"] == "portal-media.s3.ap-east-1.amazonaws.com"
    assert media["OPTIONS"]["url_protocol"] == "https:"
    assert media["OPTIONS"]["querystring_auth"] is False and media["OPTIONS"]["file_overwrite"] is False
    assert private["BACKEND"] == "talent.storage.PrivateS3Storage"
    assert "custom_domain" not in private["OPTIONS"]
    assert "https://portal-media.s3.ap-east-1.amazonaws.com" in loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_a_public_address_in_front_of_the_bucket_is_used_for_links_and_the_policy(load_settings):
    loaded = load_settings(
        **S3_ENV, DJANGO_S3_ENDPOINT_URL="https://s3.example.org/", DJANGO_S3_PUBLIC_URL="https://media.example.org/portal/"
    )
    options = loaded["STORAGES"]["default"]["OPTIONS"]
    assert options["endpoint_url"] == "https://s3.example.org"
    assert (options["url_protocol"], options["custom_domain"]) == ("https:", "media.example.org/portal")
    assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"][-1] == "https://media.example.org"
    other_endpoint = load_settings(**S3_ENV, DJANGO_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert other_endpoint["STORAGES"]["default"]["OPTIONS"]["custom_domain"] == "127.0.0.1:9000/portal-media"


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_S3_BUCKET": "portal-media"},
        {"DJANGO_S3_PRIVATE_BUCKET": "portal-private"},
        {"DJANGO_S3_BUCKET": "portal-media", "DJANGO_S3_PRIVATE_BUCKET": "portal-media"},
        {**S3_ENV, "DJANGO_S3_PUBLIC_URL": "media.example.org"},
    ],
)
def test_half_an_s3_configuration_is_refused(load_settings, env):
    with pytest.raises(ImproperlyConfigured):
        load_settings(**env)


def test_the_private_bucket_has_no_address(settings):
    from django.core.files.storage import storages

    from talent.storage import PrivateS3Storage, PrivateStorage, private_storage

    assert isinstance(private_storage(), PrivateStorage)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "talent.storage.PrivateS3Storage",
            "OPTIONS": {"bucket_name": "portal-private", "access_key": "test", "secret_key": "test", "region_name": "us-east-1"},
        },
    }
    storage = private_storage()
    assert isinstance(storage, PrivateS3Storage) and storage is storages["private"]
    with pytest.raises(ValueError, match="no public URL"):
        storage.url("nominations/2026/NOM-2026-AAAAAA.pdf")
