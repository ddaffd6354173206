"""The public pages in a real browser, at a laptop and a phone size, with the article loaded.

For each page: HTTP 200, no console error, uncaught exception, failed request or CSP violation,
every visible image decoded, no sideways scrolling, and no serious or critical axe-core
violation. The gallery also shows every photo with a visible caption. Screenshots go to
test-artifacts/screenshots/<page>-<viewport>.png.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Photo

from .conftest import save_screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

PAGES = {
    "home": "portal:home",
    "history": "parks:milestone-list",
    "indicators": "parks:indicator-list",
    "gallery": "portal:photo-list",
}

# Scrolls every rendered image into view (they are loading="lazy"), waits until each has
# loaded or failed (10 s at most), scrolls back up and returns the ones that did not decode.
LOAD_IMAGES = """
async () => {
  const images = [...document.images].filter((img) => img.getClientRects().length > 0);
  for (const img of images) {
    img.scrollIntoView({block: "center"});
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const settled = (img) => img.complete ? Promise.resolve() : new Promise((resolve) => {
    img.addEventListener("load", resolve, {once: true});
    img.addEventListener("error", resolve, {once: true});
  });
  await Promise.race([
    Promise.all(images.map(settled)),
    new Promise((resolve) => setTimeout(resolve, 10000)),
  ]);
  window.scrollTo(0, 0);
  return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.currentSrc || img.src);
}
"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def article_content(transactional_db):
    call_command("load_initial_data", stdout=io.StringIO())


def check_page(page, problems, url, screenshot_name):
    """Load url; return what is wrong with it, one readable line per problem."""
    response = page.goto(url, wait_until="load")
    found = []
    if response is None or response.status != 200:
        found.append(f"HTTP {response.status if response else 'no response'} for {url}")
    found += [f"image did not load: {src}" for src in page.evaluate(LOAD_IMAGES)]
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        found.append(f"page scrolls sideways by {overflow}px")
    save_screenshot(page, screenshot_name)
    found += problems.report(page)
    found += serious_accessibility_violations(page)
    return found


def check_gallery_captions(page):
    expected = list(Photo.objects.published().values_list("caption", flat=True)[:24])
    found = []
    if not expected:
        found.append("no published photo: load_initial_data loaded none")
    figures = page.locator("main figure")
    if figures.count() != len(expected):
        found.append(f"{figures.count()} figures on the gallery, {len(expected)} published photos")
    for index in range(figures.count()):
        caption = figures.nth(index).locator("figcaption")
        if caption.count() != 1 or not caption.is_visible() or not caption.inner_text().strip():
            found.append(f"figure {index + 1} has no visible caption")
    for text in expected:
        if not page.locator("main figcaption", has_text=text).first.is_visible():
            found.append(f"caption not visible: {text}")
    return found


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page(live_server, article_content, open_page, name, viewport):
    page, problems = open_page(viewport)
    found = check_page(page, problems, live_server.url + reverse(PAGES[name]), f"{name}-{viewport}")
    if name == "gallery":
        found += check_gallery_captions(page)
    assert not found, f"{name} page at {viewport} size:\n" + "\n".join(found)


TALENT_PAGES = {
    "awards": "talent:award-list",
    "laureates": "talent:laureate-list",
    "experts": "talent:expert-list",
}


@pytest.fixture
def article_and_sample_content(article_content):
    call_command("load_sample_data", stdout=io.StringIO())


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("name", list(TALENT_PAGES))
def test_talent_page_with_sample_content(live_server, article_and_sample_content, open_page, name, viewport):
    page, problems = open_page(viewport)
    found = check_page(page, problems, live_server.url + reverse(TALENT_PAGES[name]), f"{name}-{viewport}")
    if not page.locator("main", has_text="示例").first.is_visible():
        found.append("sample content is not badged 示例")
    assert not found, f"{name} page at {viewport} size:\n" + "\n".join(found)


def test_the_indicator_table_scrolls_in_its_box_on_a_phone(live_server, article_content, open_page):
    """At 390×844 the page does not scroll sideways; the table's box does, and the metric's name
    (the first column) stays in view while it does."""
    page, _problems = open_page("mobile")
    page.goto(live_server.url + reverse("parks:indicator-list"), wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    box = page.locator(".indicator-year .table-wrap")
    assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: nothing to scroll"
    assert page.get_by_text("左右滑动查看更多").is_visible()
    name = box.locator("tbody th[scope=row]").first
    before = name.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert box.evaluate("el => el.scrollLeft") > 0
    assert abs(name.bounding_box()["x"] - before) < 1, "the first column scrolled away"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    save_screenshot(page, "indicators-mobile-scrolled")


def check_home_frame(page):
    """The home page's frame as a reader sees it: the lead photo with its caption (and, for a
    placeholder, the note saying so), the quick entries, 要闻 beside 通知公告, and the footer."""
    found = []
    lead = page.locator(".hero figure")
    if not lead.is_visible() or not lead.locator("figcaption").inner_text().strip():
        found.append("the lead photo or its caption is not visible")
    if Photo.objects.published().filter(featured=True).first().is_placeholder:
        if not page.locator(".hero__placeholder-note").is_visible():
            found.append("the placeholder lead photo does not say it is one")
    links = page.locator(".quick-links__item")
    if links.count() != 4 or not all(links.nth(i).is_visible() for i in range(links.count())):
        found.append(f"{links.count()} quick entries visible, 4 expected")
    for selector in (".home-block--articles", ".home-block--notices", ".site-footer"):
        if not page.locator(selector).first.is_visible():
            found.append(f"{selector} is not visible")
    return found


@pytest.mark.parametrize("viewport", ["laptop", "mobile"])
def test_home_page_frame(live_server, article_content, open_page, viewport):
    page, problems = open_page(viewport)
    found = check_page(page, problems, live_server.url + reverse("portal:home"), f"home-frame-{viewport}")
    found += check_home_frame(page)
    assert not found, f"home page at {viewport} size:\n" + "\n".join(found)


def test_printing_an_article_shows_the_content_only_with_link_addresses(live_server, article_content, open_page):
    page, problems = open_page("desktop")
    page.goto(live_server.url + reverse("portal:article-list"), wait_until="load")
    page.locator("main .card__title a").first.click()
    page.emulate_media(media="print")
    save_screenshot(page, "article-print")
    hidden = [selector for selector in (".site-header", ".site-footer", ".breadcrumbs") if page.locator(selector).is_visible()]
    assert not hidden, f"visible in print: {hidden}"
    after = page.evaluate("() => getComputedStyle(document.querySelector('main .article__column a'), '::after').content")
    assert "/articles/" in after
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
