"""关怀版 in a real browser: switched on by clicking the header's switch (no JavaScript on the
page), kept across the main pages at a laptop (1366×900) and a phone (390×844) size, then
switched off the same way.

On each page in care mode: no sideways scrolling; body text at least 20px with line height at
least 1.8; links and buttons in the header and every <nav> at least 44px tall; text at least 7:1
against its background (computed from the browser's own colours); no console error, failed
request or CSP violation. Screenshots: test-artifacts/screenshots/care-<page>-<viewport>.png.
"""

import io
import re
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Article
from talent.models import Award

from .conftest import save_screenshot

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 390, "height": 844}}

# What the page shows: the body's type, each visible element with its own text (its size, line
# height, colour and the first opaque background behind it) and each header/nav target's height.
MEASURE = """
() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const ownText = (el) => [...el.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
  const opaque = (colour) => {
    const parts = colour.match(/[\\d.]+/g).map(Number);
    return parts.length < 4 || parts[3] === 1;
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (opaque(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const describe = (el) => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 30)}`;
  const text = [...document.querySelectorAll(
    "main p, main li, main td, main th, main dd, main dt, main a, main label, footer p, footer a, footer span"
  )].filter((el) => visible(el) && ownText(el) && !el.closest("svg")).map((el) => {
    const style = getComputedStyle(el);
    return {
      what: describe(el), tag: el.tagName.toLowerCase(), size: parseFloat(style.fontSize),
      lineHeight: style.lineHeight, colour: style.color, background: background(el),
    };
  });
  const targets = [...document.querySelectorAll(".site-header a, .site-header button, .site-header summary, nav a, nav summary")]
    .filter(visible).map((el) => ({what: describe(el), height: el.getBoundingClientRect().height}));
  return {
    careMode: document.documentElement.classList.contains("care-mode"),
    bodySize: parseFloat(getComputedStyle(document.body).fontSize),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    text, targets,
  };
}
"""


def _luminance(colour):
    red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def care_mode_problems(measured):
    found = []
    if not measured["careMode"]:
        found.append("care mode is off")
    if measured["overflow"] > 0:
        found.append(f"page scrolls sideways by {measured['overflow']}px")
    if measured["bodySize"] < 20:
        found.append(f"body text is {measured['bodySize']}px")
    for item in measured["text"]:
        if item["tag"] in {"p", "li", "td", "dd"} and item["size"] < 20:
            found.append(f"text at {item['size']}px: {item['what']}")
        if item["size"] < 18:
            found.append(f"small print at {item['size']}px: {item['what']}")
        if item["tag"] in {"p", "li", "dd"}:
            height = item["lineHeight"]
            if height == "normal" or float(height.removesuffix("px")) < 1.8 * item["size"] - 0.5:
                found.append(f"line height {height} for {item['size']}px text: {item['what']}")
        ratio = contrast(item["colour"], item["background"])
        if ratio < 7:
            found.append(f"contrast {ratio:.2f}:1 ({item['colour']} on {item['background']}): {item['what']}")
    for target in measured["targets"]:
        if target["height"] < 44:
            found.append(f"target {target['height']:.0f}px tall: {target['what']}")
    return found


@pytest.fixture
def site_content(transactional_db):
    call_command("load_initial_data", stdout=io.StringIO())
    call_command("load_sample_data", stdout=io.StringIO())


def main_pages():
    article = Article.objects.published().order_by("pk").first()
    award = Award.objects.published().order_by("pk").first()
    return {
        "home": reverse("portal:home"),
        "parks": reverse("parks:park-home"),
        "indicators": reverse("parks:indicator-list"),
        "awards": reverse("talent:award-list"),
        "award": award.get_absolute_url(),
        "experts": reverse("talent:expert-list"),
        "innovation": reverse("innovation:innovation-home"),
        "platforms": reverse("innovation:platform-list"),
        "article": article.get_absolute_url(),
        "search": reverse("portal:search") + "?q=平台",
    }


def switch(page):
    with page.expect_navigation():
        page.locator(".care-switch button").click()


@pytest.mark.parametrize("viewport", list(SIZES))
def test_care_mode_on_every_main_page_then_off(live_server, site_content, open_page, viewport):
    page, problems = open_page("desktop" if viewport == "desktop" else "mobile")
    page.set_viewport_size(SIZES[viewport])
    pages = main_pages()

    page.goto(live_server.url + pages["parks"])
    assert page.locator(".care-switch button").get_attribute("aria-pressed") == "false"
    switch(page)
    assert page.url == live_server.url + pages["parks"], "the switch went somewhere else"
    assert page.locator(".care-switch button").get_attribute("aria-pressed") == "true"

    found = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        if response.status != 200:
            found.append(f"{name}: HTTP {response.status}")
        if page.locator(".site-nav__toggle").is_visible():
            page.locator(".site-nav__toggle > summary").click()  # the phone's menu: measure its links too
        found += [f"{name}: {line}" for line in care_mode_problems(page.evaluate(MEASURE))]
        save_screenshot(page, f"care-{name}-{viewport}")
        found += [f"{name}: {line}" for line in problems.report(page)]
    assert not found, f"care mode at {viewport} size:\n" + "\n".join(found)

    switch(page)
    assert unquote(page.url) == live_server.url + pages["search"], "switching off left the page"
    page.goto(live_server.url + pages["home"])
    assert page.evaluate("document.documentElement.classList.contains('care-mode')") is False
    assert page.locator(".care-switch button").get_attribute("aria-pressed") == "false"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16
