"""Sharing and search engines: what every public page says about itself besides its content
(canonical address, description, Open Graph, schema.org JSON-LD), sitemap.xml and the
human-readable site map.

Most checks read every page a visitor reaches from the home page (the crawl of
tests/test_public_site.py) with the article's content and the samples loaded; the pages are
read once per module, inside a transaction that is rolled back, and each test then looks at
the pages of one URL name. The JSON-LD nodes are checked against small schemas written from
schema.org's definitions of the types the site uses (no network)."""

import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone
from PIL import Image

from portal.metadata import DEFAULT_SHARE_IMAGE
from portal.models import Article, Photo, without_samples
from portal.publishing import Status
from portal.registry import registry
from tests.factories import make_article, make_image, make_indicator, make_metric, make_park, make_photo
from tests.sitemap_helpers import sitemap_entries, sitemap_text
from tests.talent.factories_talent import make_award, make_cycle, make_expert, make_field, make_laureate
from tests.test_public_site import crawl

ORIGIN = "http://testserver"

# --- schemas ---------------------------------------------------------------------------------
# Allowed properties per @type, from schema.org's definitions (each type's own properties and
# those it inherits); required ones are what the site promises to say of each.


def properties(names: str) -> set[str]:
    return set(names.split())


THING = properties("""
    additionalType alternateName description disambiguatingDescription identifier image mainEntityOfPage name
    potentialAction sameAs subjectOf url
""")
ORGANIZATION = THING | properties("""
    actionableFeedbackPolicy address aggregateRating alumni areaServed award brand contactPoint correctionsPolicy
    department dissolutionDate diversityPolicy duns email employee ethicsPolicy event faxNumber founder foundingDate
    foundingLocation funder globalLocationNumber hasOfferCatalog hasPOS interactionStatistic isicV4 knowsAbout
    knowsLanguage legalName leiCode location logo makesOffer member memberOf naics numberOfEmployees owns
    parentOrganization publishingPrinciples review seeks slogan sponsor subOrganization taxID telephone vatID
""")
CREATIVE_WORK = THING | properties("""
    about abstract accessMode accountablePerson alternativeHeadline audience author award citation comment
    contentLocation contentRating contributor copyrightHolder copyrightNotice copyrightYear creativeWorkStatus creator
    creditText dateCreated dateModified datePublished editor encoding funder genre hasPart headline inLanguage
    isAccessibleForFree isBasedOn isPartOf keywords license locationCreated mainEntity maintainer mentions position
    producer provider publisher sourceOrganization spatialCoverage sponsor temporalCoverage text thumbnailUrl version
    video
""")
MEDIA_OBJECT = CREATIVE_WORK | properties("""
    associatedArticle bitrate contentSize contentUrl duration embedUrl encodesCreativeWork encodingFormat endTime height
    playerType productionCompany regionsAllowed requiresSubscription startTime uploadDate width
""")
EVENT = THING | properties("""
    about actor aggregateRating attendee audience composer contributor director doorTime duration endDate
    eventAttendanceMode eventSchedule eventStatus funder inLanguage isAccessibleForFree keywords location
    maximumAttendeeCapacity offers organizer performer previousStartDate recordedIn remainingAttendeeCapacity review
    sponsor startDate subEvent superEvent translator typicalAgeRange workFeatured workPerformed
""")
PERSON = THING | properties("""
    additionalName address affiliation alumniOf award birthDate birthPlace brand callSign children colleague
    contactPoint deathDate deathPlace duns email familyName faxNumber follows funder gender givenName
    globalLocationNumber hasCredential hasOccupation hasOfferCatalog hasPOS height homeLocation honorificPrefix
    honorificSuffix interactionStatistic isicV4 jobTitle knows knowsAbout knowsLanguage makesOffer memberOf naics
    nationality netWorth owns parent performerIn publishingPrinciples relatedTo seeks sibling sponsor spouse taxID
    telephone vatID weight workLocation worksFor
""")
SCHEMAS = {
    "GovernmentOrganization": ({"name", "url"}, ORGANIZATION),
    "Organization": ({"name"}, ORGANIZATION),
    "BreadcrumbList": ({"itemListElement"}, THING | properties("itemListElement itemListOrder numberOfItems")),
    "ListItem": ({"position", "name", "item"}, THING | properties("item nextItem position previousItem")),
    "Event": ({"name", "startDate"}, EVENT),
    "ImageObject": (
        {"contentUrl", "width", "height", "caption"},
        MEDIA_OBJECT | properties("caption embeddedTextCaption exifData representativeOfPage"),
    ),
    "Article": (
        {"headline"},
        CREATIVE_WORK | properties("articleBody articleSection backstory pageEnd pageStart pagination speakable wordCount"),
    ),
    "Person": ({"name"}, PERSON),
    "DataDownload": ({"contentUrl", "encodingFormat"}, MEDIA_OBJECT),
    "Dataset": (
        {"name", "description", "creator", "temporalCoverage", "variableMeasured"},
        CREATIVE_WORK
        | properties("distribution includedInDataCatalog issn measurementMethod measurementTechnique variableMeasured"),
    ),
}
# The types a page may describe itself with (the others appear only inside these).
PAGE_TYPES = {"GovernmentOrganization", "BreadcrumbList", "Event", "ImageObject", "Article", "Person", "Dataset"}
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?)?)?$")
VALUE_RULES = {
    "startDate": ISO_DATE.match,
    "endDate": ISO_DATE.match,
    "foundingDate": ISO_DATE.match,
    "temporalCoverage": re.compile(r"^\d{4}(/\d{4})?$").match,
    "url": lambda value: value.startswith(f"{ORIGIN}/"),
    "item": lambda value: value.startswith(f"{ORIGIN}/"),
    "contentUrl": lambda value: value.startswith(f"{ORIGIN}/"),
    "mainEntityOfPage": lambda value: value.startswith(f"{ORIGIN}/"),
    "width": lambda value: isinstance(value, int) and value > 0,
    "height": lambda value: isinstance(value, int) and value > 0,
    "position": lambda value: isinstance(value, int) and value > 0,
}


def schema_errors(node, where="") -> list[str]:
    """What in `node` (and the typed nodes inside it) its type does not allow, lacks or mistypes."""
    kind = node.get("@type")
    if kind not in SCHEMAS:
        return [f"{where}: unknown @type {kind!r}"]
    required, allowed = SCHEMAS[kind]
    properties = {key for key in node if not key.startswith("@")}
    errors = [f"{where}{kind} lacks {name}" for name in sorted(required - properties)]
    errors += [f"{where}{kind} has no property {name}" for name in sorted(properties - allowed)]
    errors += [f"{where}{kind} has {key}=@{node[key]}" for key in node if key.startswith("@") and key not in ("@type", "@id")]
    for key in sorted(properties & allowed):
        for value in node[key] if isinstance(node[key], list) else [node[key]]:
            if isinstance(value, dict):
                errors += schema_errors(value, f"{where}{kind}.{key} > ")
            elif value in (None, "", []):
                errors.append(f"{where}{kind}.{key} is empty")
            elif key in VALUE_RULES and not VALUE_RULES[key](value):
                errors.append(f"{where}{kind}.{key} = {value!r}")
    return errors


# --- reading a page --------------------------------------------------------------------------

META = re.compile(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
BREADCRUMBS = re.compile(r'<nav class="wrap breadcrumbs"[^>]*>(.*?)</nav>', re.S)
CRUMB = re.compile(r'<li><a href="([^"]*)">(.*?)</a></li>|<li aria-current="page">(.*?)</li>')


def head_of(text: str) -> str:
    return text.split("</head>")[0]


def metas(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in META.findall(head_of(text)):
        found.setdefault(name, []).append(html.unescape(content))
    return found


def json_ld_nodes(text: str) -> tuple[int, list[dict]]:
    """How many JSON-LD blocks the page has, and the nodes of the first (its @graph or itself)."""
    blocks = JSON_LD.findall(text)
    if not blocks:
        return 0, []
    data = json.loads(blocks[0])
    assert data.pop("@context") == "https://schema.org"
    return len(blocks), data["@graph"] if "@graph" in data else [data]


def visible_crumbs(text: str) -> list[tuple[str, str]]:
    """The visible breadcrumb trail: (name, absolute URL or "" for the current page)."""
    trail = BREADCRUMBS.search(text)
    if trail is None:
        return []
    crumbs = []
    for href, label, current in CRUMB.findall(trail.group(1)):
        crumbs.append((html.unescape(label or current), f"{ORIGIN}{html.unescape(href)}" if href else ""))
    return crumbs


# --- the site, read once -----------------------------------------------------------------------


@dataclass
class Site:
    pages: dict[str, str] = field(default_factory=dict)  # URL -> HTML
    sample_names: set[str] = field(default_factory=set)
    detail_urls: set[str] = field(default_factory=set)  # every public, non-sample detail page
    sample_urls: set[str] = field(default_factory=set)
    sitemap: dict[str, str | None] = field(default_factory=dict)  # address -> lastmod, through the index
    indicator_years: tuple[int, int] = (0, 0)

    def pages_of(self, url_name: str) -> dict[str, str]:
        return {url: text for url, text in self.pages.items() if resolve(urlsplit(url).path).view_name == url_name}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page reachable from the home page (and a search), with the article and the samples
    loaded, read in one transaction that is rolled back: the rows never reach other tests."""
    from parks.models import Indicator

    media = tmp_path_factory.mktemp("media")
    private = tmp_path_factory.mktemp("private")
    read = Site()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, NOMINATION_UPLOAD_ROOT=private):
        with transaction.atomic():
            call_command("load_initial_data", stdout=io.StringIO())
            call_command("load_sample_data", stdout=io.StringIO())
            client = Client()
            statuses = crawl(client, pages=read.pages)
            assert set(statuses.values()) == {200}, statuses
            search = f"{reverse('portal:search')}?q={quote('高新区')}"
            read.pages[search] = client.get(search).content.decode()
            read.sitemap = sitemap_entries(client)
            for model in registry.sample_models:
                for row in model.objects.filter(is_sample=True):
                    read.sample_names |= {str(row), getattr(row, "name", str(row))}
            for model in registry.sitemap_models:
                read.detail_urls |= {f"{ORIGIN}{row.get_absolute_url()}" for row in without_samples(model.objects.published())}
                if any(f.name == "is_sample" for f in model._meta.get_fields()):
                    read.sample_urls |= {f"{ORIGIN}{row.get_absolute_url()}" for row in model.objects.filter(is_sample=True)}
            years = sorted(Indicator.objects.published().values_list("year", flat=True))
            read.indicator_years = (years[0], years[-1])
            transaction.set_rollback(True)
    return read


# The public URL names of the site's namespaces; each must be reached by the crawl, except these.
NOT_CRAWLED = {
    "portal:article-feed": "RSS, not HTML",
    "portal:care-mode": "the 关怀版 switch: a POST that sets a cookie and redirects back, not a page",
    "talent:cycle-calendar": "iCalendar, not HTML",
    "parks:park-list": "a redirect to parks:park-home",
    "talent:nomination-submitted": "shown only to the browser that has just submitted",
}


def public_url_names() -> list[str]:
    resolver = get_resolver()
    names = []
    for namespace in ("portal", "parks", "talent", "innovation"):
        _prefix, section = resolver.namespace_dict[namespace]
        names += [f"{namespace}:{pattern.name}" for pattern in section.url_patterns if getattr(pattern, "name", None)]
    return sorted(name for name in names if name not in NOT_CRAWLED)


# What, beyond the breadcrumb trail, the loaded content makes these pages say.
EXPECTED_TYPES = {
    "portal:home": {"GovernmentOrganization"},
    "parks:park-home": {"GovernmentOrganization"},
    "parks:park-detail": {"GovernmentOrganization"},
    "parks:indicator-list": {"Dataset"},
    "innovation:event-list": {"Event"},
    "portal:article-detail": {"Article"},
}


def page_errors(url: str, text: str, site: Site, url_name: str) -> list[str]:
    errors = []
    found = metas(text)
    canonicals = CANONICAL.findall(head_of(text))
    if len(canonicals) != 1:
        return [f"{len(canonicals)} canonical links"]
    canonical = html.unescape(canonicals[0])
    parts = urlsplit(canonical)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.path != urlsplit(url).path:
        errors.append(f"canonical {canonical}")
    if parts.query and not re.fullmatch(r"page=([2-9]|[1-9]\d+)", parts.query):
        errors.append(f"canonical keeps {parts.query}")
    for name in ("description", "og:type", "og:url", "og:title", "og:description", "og:image", "og:locale", "og:site_name"):
        if len(found.get(name, [])) != 1 or not found[name][0].strip():
            errors.append(f"{name}: {found.get(name)}")
    if errors:
        return errors
    if found["og:type"][0] not in ("website", "article", "profile"):
        errors.append(f"og:type {found['og:type']}")
    if found["og:url"] != [canonical]:
        errors.append(f"og:url {found['og:url']} is not the canonical {canonical}")
    if found["og:description"] != found["description"] or found["og:locale"] != ["zh_CN"]:
        errors.append(f"og:description/og:locale {found['og:description']} {found['og:locale']}")
    image = found["og:image"][0]
    size = (int(found.get("og:image:width", ["0"])[0]), int(found.get("og:image:height", ["0"])[0]))
    if image == f"{ORIGIN}{settings.STATIC_URL}{DEFAULT_SHARE_IMAGE.path}":
        if size != (DEFAULT_SHARE_IMAGE.width, DEFAULT_SHARE_IMAGE.height):
            errors.append(f"default og:image sized {size}")
    elif not image.startswith(f"{ORIGIN}{settings.MEDIA_URL}renditions/") or 0 in size:
        errors.append(f"og:image {image} {size}")

    count, nodes = json_ld_nodes(text)
    crumbs = visible_crumbs(text)
    names_a_sample = any(name in site.sample_names for name, _url in crumbs)
    if count > 1:
        errors.append(f"{count} JSON-LD blocks")
    for node in nodes:
        if node.get("@type") not in PAGE_TYPES:
            errors.append(f"top-level @type {node.get('@type')}")
        errors += schema_errors(node)
    types = {node.get("@type") for node in nodes}
    below_home = urlsplit(url).path != "/"
    if below_home and not names_a_sample and "BreadcrumbList" not in types:
        errors.append("no BreadcrumbList")
    for node in nodes:
        if node.get("@type") == "BreadcrumbList":
            items = [(item["name"], item["item"]) for item in node["itemListElement"]]
            positions = [item["position"] for item in node["itemListElement"]]
            visible = [(name, href or canonical.split("?")[0]) for name, href in crumbs]
            if items != visible or positions != list(range(1, len(items) + 1)):
                errors.append(f"BreadcrumbList {items} is not the visible trail {visible}")
    if not names_a_sample and not EXPECTED_TYPES.get(url_name, set()) <= types:
        errors.append(f"types {types}, expected {EXPECTED_TYPES[url_name]}")
    ld_text = json.dumps(nodes, ensure_ascii=False)
    errors += [f"sample row {name!r} in JSON-LD" for name in sorted(site.sample_names) if name in ld_text]
    return errors


@pytest.mark.parametrize("url_name", public_url_names())
def test_every_page_has_canonical_open_graph_and_valid_json_ld(site, url_name):
    pages = site.pages_of(url_name)
    assert pages, f"{url_name}: no page reached (add a link, or list it in NOT_CRAWLED with the reason)"
    errors = {url: page_errors(url, text, site, url_name) for url, text in pages.items()}
    assert not {url: found for url, found in errors.items() if found}


def test_filtered_and_paged_lists_name_their_canonical_address(site):
    checked = 0
    for url, text in site.pages.items():
        parts = urlsplit(url)
        if not parts.query or resolve(parts.path).view_name == "portal:search":
            continue
        canonical = html.unescape(CANONICAL.search(text).group(1))
        page = re.fullmatch(r"page=(\d+)", parts.query)
        expected = f"{ORIGIN}{parts.path}" + (f"?page={page.group(1)}" if page and page.group(1) != "1" else "")
        assert canonical == expected, url
        checked += 1
    assert checked > 10  # filter links and pagination were both followed


def test_the_zone_and_the_dataset_say_what_is_known(site):
    _count, home = json_ld_nodes(site.pages["/"])
    (zone,) = home
    assert zone["foundingDate"] == "1992-09"  # 1992年9月: no invented day
    assert zone["name"] == "柳州国家高新技术产业开发区" and zone["alternateName"] == "柳州高新区"
    _count, nodes = json_ld_nodes(site.pages[reverse("parks:indicator-list")])
    (dataset,) = [node for node in nodes if node["@type"] == "Dataset"]
    first, last = site.indicator_years
    assert dataset["temporalCoverage"] == f"{first}/{last}"
    assert "工业总产值" in dataset["variableMeasured"]
    assert dataset["creator"]["@id"] == zone["@id"]
    _count, nodes = json_ld_nodes(next(iter(site.pages_of("portal:article-detail").values())))
    (article,) = [node for node in nodes if node["@type"] == "Article"]
    assert "datePublished" not in article and "dateModified" not in article  # not known: the fixture's is the load date
    assert article["author"] == {"@type": "Person", "name": "廖婧"}


def test_sitemap_lists_every_public_detail_page_with_lastmod_and_no_sample(site):
    entries = site.sitemap
    assert site.sample_urls and site.detail_urls
    assert not site.sample_urls & set(entries)
    assert site.detail_urls <= set(entries), sorted(site.detail_urls - set(entries))
    assert all(entries[url] for url in site.detail_urls)


def test_the_site_map_page_lists_every_section_page(site):
    text = site.pages[reverse("portal:site-map")]
    items = [*registry.nav, *(item for nav in registry.section_navs.values() for item in nav.items)]
    for item in items:
        assert f'<a href="{reverse(item.url_name)}">{item.label}</a>' in text, item
        assert str(item.description) in text
    for nav in registry.section_navs.values():
        assert f">{nav.label}</h2>" in text
    assert f'<a href="{reverse("portal:site-map")}">网站地图</a>' in site.pages["/"]


# --- single behaviours, with rows made for them -------------------------------------------------


def test_the_default_share_image_is_the_size_recorded():
    path = Path(settings.BASE_DIR) / "static" / DEFAULT_SHARE_IMAGE.path
    with Image.open(path) as image:
        assert image.size == (DEFAULT_SHARE_IMAGE.width, DEFAULT_SHARE_IMAGE.height)


@pytest.mark.django_db
def test_a_page_shares_its_lead_photos_stored_rendition(client, media_root):
    photo = make_photo(image=make_image("lead.jpg", size=(1600, 900)), caption="园区大门", credit="张三")
    park = make_park(photo=photo)
    rendition = photo.rendition("full")
    found = metas(client.get(park.get_absolute_url()).content.decode())
    assert found["og:image"] == [f"{ORIGIN}{rendition['url']}"]
    assert (found["og:image:width"], found["og:image:height"]) == ([str(rendition["width"])], [str(rendition["height"])])
    assert rendition["width"] == 1280 and rendition["height"] == 720
    assert (media_root / rendition["name"]).is_file()

    placeholder = make_photo(is_placeholder=True)
    found = metas(client.get(placeholder.get_absolute_url()).content.decode())
    assert found["og:image"] == [f"{ORIGIN}{settings.STATIC_URL}{DEFAULT_SHARE_IMAGE.path}"]
    _count, nodes = json_ld_nodes(client.get(placeholder.get_absolute_url()).content.decode())
    assert [node["@type"] for node in nodes] == ["BreadcrumbList"]  # a drawn card is no ImageObject


@pytest.mark.django_db
def test_a_photo_page_describes_its_image(client):
    photo = make_photo(image=make_image("gate.jpg", size=(1000, 500)), caption="园区大门", credit="张三")
    _count, nodes = json_ld_nodes(client.get(photo.get_absolute_url()).content.decode())
    (image,) = [node for node in nodes if node["@type"] == "ImageObject"]
    rendition = photo.rendition("full")
    assert image["contentUrl"] == f"{ORIGIN}{rendition['url']}"
    assert (image["width"], image["height"], image["caption"], image["creditText"]) == (1000, 500, "园区大门", "张三")
    assert not schema_errors(image)


@pytest.mark.django_db
def test_the_canonical_address_keeps_only_a_list_page_number(client):
    for _ in range(25):  # the gallery shows 24 a page
        make_photo()
    url = reverse("portal:photo-list")

    def canonical(query):
        return CANONICAL.search(client.get(f"{url}?{query}").content.decode()).group(1).replace("&amp;", "&")

    assert canonical("page=2&utm_source=wechat") == f"{ORIGIN}{url}?page=2"
    assert canonical("page=1") == canonical("utm_source=wechat") == f"{ORIGIN}{url}"
    assert canonical("section=park&page=2") == f"{ORIGIN}{url}"  # a filtered list: its unfiltered address
    assert canonical("page=99") == f"{ORIGIN}{url}?page=2"  # the page shown


@pytest.mark.django_db
def test_json_ld_cannot_be_closed_by_content(client):
    caption = '</script><script>alert("x")</script><!--'
    photo = make_photo(caption=caption)
    text = client.get(photo.get_absolute_url()).content.decode()
    (block,) = JSON_LD.findall(text)
    assert "<" not in block and ">" not in block
    assert '<script>alert("x")' not in text.split("</head>")[0]
    _count, nodes = json_ld_nodes(text)
    assert [node["caption"] for node in nodes if node["@type"] == "ImageObject"] == [caption]


@pytest.mark.django_db
def test_award_cycles_are_events_of_their_nomination_window(client):
    award = make_award(name="创新奖", organiser="园区管委会")
    open_cycle = make_cycle("open", award=award, edition=3)
    past = make_cycle("announced", award=award, edition=2)
    make_cycle("upcoming", award=award, edition=4, is_sample=True)
    _count, nodes = json_ld_nodes(client.get(award.get_absolute_url()).content.decode())
    events = {node["name"]: node for node in nodes if node["@type"] == "Event"}
    assert set(events) == {f"{open_cycle} 提名", f"{past} 提名"}  # the sample cycle is left out
    event = events[f"{open_cycle} 提名"]
    assert event["startDate"] == timezone.localtime(open_cycle.nomination_opens).replace(microsecond=0).isoformat()
    assert event["endDate"] == timezone.localtime(open_cycle.nomination_closes).replace(microsecond=0).isoformat()
    assert event["organizer"] == {"@type": "Organization", "name": "园区管委会"}
    assert event["url"] == f"{ORIGIN}{award.get_absolute_url()}"
    assert not [error for node in nodes for error in schema_errors(node)]

    sample = make_award(name="示例奖", is_sample=True)
    make_cycle("open", award=sample)
    assert JSON_LD.findall(client.get(sample.get_absolute_url()).content.decode()) == []


@pytest.mark.django_db
def test_laureates_are_people_and_sample_rows_are_left_out(client):
    cycle = make_cycle("announced")
    real = make_laureate(cycle=cycle, name="李四", organisation="柳州某公司", citation="技术带头人")
    make_laureate(cycle=cycle, name="示例王五", is_sample=True)
    sample_cycle = make_cycle("announced", award=cycle.award, is_sample=True)
    make_laureate(cycle=sample_cycle, category=real.category, name="周六")  # under a sample cycle
    _count, nodes = json_ld_nodes(client.get(reverse("talent:laureate-list")).content.decode())
    people = [node for node in nodes if node["@type"] == "Person"]
    assert [person["name"] for person in people] == ["李四"]
    assert people[0]["affiliation"] == {"@type": "Organization", "name": "柳州某公司"}
    assert str(cycle) in people[0]["award"] and real.category.name in people[0]["award"]
    assert not schema_errors(people[0])


@pytest.mark.django_db
def test_an_expert_is_a_person_with_job_title_and_affiliation(client):
    expert = make_expert(name="赵七", title="professor", institution="广西科技大学", fields=[make_field(name="智能制造")])
    text = client.get(expert.get_absolute_url()).content.decode()
    assert metas(text)["og:type"] == ["profile"]
    _count, nodes = json_ld_nodes(text)
    (person,) = [node for node in nodes if node["@type"] == "Person"]
    assert (person["name"], person["jobTitle"], person["affiliation"]["name"]) == ("赵七", "教授", "广西科技大学")
    assert person["knowsAbout"] == ["智能制造"]
    sample = make_expert(name="示例专家甲", is_sample=True)
    assert JSON_LD.findall(client.get(sample.get_absolute_url()).content.decode()) == []


@pytest.mark.django_db
def test_the_zone_is_founded_only_as_precisely_as_known(client):
    make_park(approved_on=date(1992, 1, 1), approved_on_precision="year")
    _count, nodes = json_ld_nodes(client.get(reverse("portal:home")).content.decode())
    assert [node.get("foundingDate") for node in nodes] == ["1992"]


@pytest.mark.django_db
def test_the_indicators_are_a_dataset_of_their_metrics_and_years(client):
    park = make_park()
    output, rank = make_metric(name="工业总产值"), make_metric(name="排位")
    for year in (2015, 2017):
        make_indicator(park=park, metric=output, year=year)
    make_indicator(park=park, metric=rank, year=2016)
    make_indicator(park=park, metric=make_metric(name="草稿指标"), year=2010, status=Status.DRAFT)
    _count, nodes = json_ld_nodes(client.get(reverse("parks:indicator-list")).content.decode())
    (dataset,) = [node for node in nodes if node["@type"] == "Dataset"]
    assert dataset["temporalCoverage"] == "2015/2017"
    assert dataset["variableMeasured"] == ["工业总产值", "排位"]
    assert not schema_errors(dataset)


@pytest.mark.django_db
def test_unpublished_and_sample_rows_are_not_in_the_sitemap(client):
    published, draft = make_article(), make_article(status=Status.DRAFT)
    expert, sample = make_expert(), make_expert(is_sample=True)
    text = sitemap_text(client)
    assert f"{ORIGIN}{published.get_absolute_url()}" in text and f"{ORIGIN}{expert.get_absolute_url()}" in text
    assert draft.get_absolute_url() not in text and sample.get_absolute_url() not in text


@pytest.mark.django_db
def test_the_site_map_page_lists_a_bounded_number_of_detail_pages(client):
    from portal.views import SITE_MAP_ROWS_PER_MODEL

    photos = [make_photo(caption=f"图{n:02d}") for n in range(SITE_MAP_ROWS_PER_MODEL + 2)]
    make_article(title="草稿文章", status=Status.DRAFT)
    text = client.get(reverse("portal:site-map")).content.decode()
    listed = {photo for photo in photos if f'href="{photo.get_absolute_url()}"' in text}
    assert listed == set(Photo.objects.published()[:SITE_MAP_ROWS_PER_MODEL]) and len(listed) == SITE_MAP_ROWS_PER_MODEL
    assert f'<a href="{reverse("portal:photo-list")}">更多（图片）</a>' in text
    assert "草稿文章" not in text and not Article.objects.published().exists()
