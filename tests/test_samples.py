"""Sample content can never pass for fact (issue 8): every page that shows a sample row badges
that row "示例" (the row itself, not its real parent), pages about samples say so in a banner
and are kept out of search engines (`noindex`), and what leaves the site without the page
around it — filter choices, the calendar file, the confirmation mail — says 示例 in words.

How the crawl decides "the badge is next to the row". Each page's <main> is parsed with
html.parser into a tree:
- a *row* is the nearest enclosing <li>, <article>, <section>, <tr> or <h1> of a piece of text
  (the <h1> names a detail page's own object); text in none of them belongs to <main> itself;
- a badge (an element with class `sample-badge`) belongs to its own nearest row, so a cycle
  section is not satisfied by the badges of the laureates listed inside it;
- every text that names a sample row — a sample award, category, laureate or expert name, or a
  cycle's "第N届" (the article names no award cycle, so every cycle shown is a sample) — lies in
  a row with a badge of its own; a filter's <option> cannot hold a badge, so its label says
  "（示例）" instead;
- no row has two badges: a sample award with a sample cycle (示例青年英才奖) is badged once;
- the article's award 创新领军人才奖 is never directly followed by a badge (nothing but closing
  tags and white space in between): its cycles are samples, the award is not.
Banner and noindex: a list page with a sample row, a sample row's detail page and the nomination
form of a sample cycle have both; a page showing no sample has neither. The home page and the
talent home show sample rows among real ones: those rows are badged, but the pages stay indexed.
"""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import resolve, reverse

from parks.models import Area
from portal.models import without_samples
from talent.filters import CategoryChoiceField, institution_choices
from talent.models import Award, AwardCategory, AwardCycle, Expert, Laureate
from tests.talent.factories_talent import make_award, make_category, make_cycle, make_expert, make_pdf
from tests.test_public_site import LINK, SKIPPED_PREFIXES

pytestmark = pytest.mark.django_db

REAL_AWARD = "创新领军人才奖"
SAMPLE_AWARD = "示例青年英才奖"
CYCLE = re.compile(r"第\d+届")
ROW_TAGS = {"li", "article", "section", "tr", "h1"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOINDEX = '<meta name="robots" content="noindex">'
BANNER = 'class="sample-banner"'
HUB_PAGES = {"portal:home", "talent:talent-home"}


# --- a small HTML tree ----------------------------------------------------------------------


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def walk(self):
        for child in self.children:
            yield child
            if isinstance(child, Element):
                yield from child.walk()

    def row(self) -> "Element":
        """The nearest row at or above this element (<main> when there is none)."""
        node = self
        while node.tag not in ROW_TAGS and node.tag != "main" and node.parent is not None:
            node = node.parent
        return node


class Text:
    def __init__(self, text, parent):
        self.text, self.parent = text, parent


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(Text(data, self.current))


def main_element(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    return next(node for node in builder.root.walk() if isinstance(node, Element) and node.tag == "main")


def main_html(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def sample_names() -> list[str]:
    """The display names of the sample rows (cycles are matched by CYCLE)."""
    names = [award.name for award in Award.objects.filter(is_sample=True)]
    names += [category.name for category in AwardCategory.objects.filter(is_sample=True)]
    names += [laureate.name for laureate in Laureate.objects.filter(is_sample=True)]
    names += [expert.name for expert in Expert.objects.filter(is_sample=True)]
    return names


def badge_problems(html: str, names: list[str]) -> tuple[list[str], bool]:
    """What breaks the rule of the module docstring on one page, and whether its rows (not its
    filter choices) show any sample."""
    main = main_element(html)
    badges: dict[int, int] = {}
    for node in main.walk():
        if isinstance(node, Element) and "sample-badge" in node.classes:
            row = node.parent.row()
            badges[id(row)] = badges.get(id(row), 0) + 1
    problems, shows_sample = [], False
    for node in main.walk():
        if not isinstance(node, Text):
            continue
        named = [name for name in names if name in node.text] + CYCLE.findall(node.text)
        if not named:
            continue
        if node.parent.tag == "option":
            if "（示例）" not in node.text:
                problems.append(f"choice {node.text.strip()!r} does not say （示例）")
            continue
        shows_sample = True
        row = node.parent.row()
        if not badges.get(id(row)):
            problems.append(f"{named[0]!r} in <{row.tag} class={row.attrs.get('class')!r}> without a badge of its own")
    problems += [f"a row with {count} badges" for count in badges.values() if count > 1]
    if re.search(re.escape(REAL_AWARD) + r'(?:\s*</[a-z0-9]+>)*\s*<span class="sample-badge"', main_html(html)):
        problems.append(f"{REAL_AWARD} (not a sample) is followed by a badge")
    return problems, shows_sample


# --- the crawl ------------------------------------------------------------------------------


@pytest.fixture
def samples(settings, tmp_path):
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    call_command("load_initial_data", stdout=io.StringIO())
    call_command("load_sample_data", stdout=io.StringIO())


def crawl_pages(client, seeds, limit=500):
    """(url, response) of every internal HTML page reachable from `seeds` by following links
    (pagination and filter links included); adapted from tests/test_public_site.crawl."""
    seen, queue = set(), deque(seeds)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 400, (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        yield url, response
        for href in LINK.findall(response.content.decode()):
            parts = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if parts.path.endswith((".xml", "/feed/", ".txt", ".ics")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert not queue, f"the crawl stopped at {limit} pages"


def page_is_about_samples(url_name: str, kwargs: dict, shows_sample: bool) -> bool:
    """Whether the page's main object is a sample (detail, nomination form) or, for a list page,
    whether any of its rows shows one."""
    if url_name == "talent:award-detail":
        return Award.objects.get(slug=kwargs["slug"]).is_sample
    if url_name == "talent:expert-detail":
        return Expert.objects.get(slug=kwargs["slug"]).is_sample
    if url_name == "talent:nomination-create":
        cycle = AwardCycle.objects.published().open_now().filter(award__slug=kwargs["slug"]).first()
        return bool(cycle and cycle.shows_sample)
    if url_name.endswith("-list"):
        return shows_sample
    return False


def test_every_page_badges_each_sample_row_once_and_pages_about_samples_are_noindexed(client, samples):
    open_cycle = AwardCycle.objects.open_now().select_related("award").get()
    assert open_cycle.is_sample and open_cycle.award.name == REAL_AWARD
    assert not AwardCycle.objects.filter(is_sample=False).exists(), "the rule for 第N届 assumes every cycle is a sample"
    seeds = ["/", reverse("talent:talent-home"), reverse("talent:laureate-list"), reverse("talent:expert-list")]
    seeds += [award.get_absolute_url() for award in Award.objects.published()]
    seeds += [expert.get_absolute_url() for expert in Expert.objects.published()]
    seeds.append(reverse("talent:nomination-create", kwargs={"slug": open_cycle.award.slug}))
    # Filtered lists are reached through forms, not links: one per category (the article's
    # categories list sample laureates, the sample award's are samples themselves).
    seeds += [f"{reverse('talent:laureate-list')}?category={category.slug}" for category in AwardCategory.objects.all()]
    names = sample_names()
    problems, checked = {}, {}
    for url, response in crawl_pages(client, seeds):
        html = response.content.decode()
        found, shows_sample = badge_problems(html, names)
        match = resolve(urlsplit(url).path)
        about_samples = page_is_about_samples(match.view_name, match.kwargs, shows_sample)
        if about_samples != (NOINDEX in html):
            found.append(f"noindex {'missing' if about_samples else 'on a page not about samples'}")
        if shows_sample and match.view_name not in HUB_PAGES and BANNER not in html:
            found.append("shows samples without the banner")
        if not shows_sample and BANNER in html:
            found.append("banner on a page without samples")
        if found:
            problems[url] = found
        checked[url] = shows_sample
    assert not problems, problems
    # The crawl reached what it had to, and samples where they are expected.
    paths = {urlsplit(url).path for url in checked}
    assert set(seeds) <= set(checked)
    assert {reverse("talent:award-list"), reverse("parks:park-home"), reverse("portal:article-list")} <= paths
    assert any("page=2" in url for url in checked if url.startswith(reverse("talent:expert-list")))
    for url in ["/", reverse("talent:talent-home"), reverse("talent:award-list"), reverse("talent:laureate-list")]:
        assert checked[url], f"{url} shows no sample"
    assert not checked[reverse("parks:park-home")]


def card_of(html: str, name: str) -> str:
    """The <li> card whose title links `name` on a page of award cards."""
    cards = re.findall(r'<li class="card award">.*?</li>', main_html(html), flags=re.S)
    return next(card for card in cards if f">{name}</a>" in card)


@pytest.mark.parametrize("url_name", ["talent:award-list", "talent:talent-home"])
def test_award_cards_badge_the_sample_cycle_not_the_real_award(client, samples, url_name):
    html = client.get(reverse(url_name)).content.decode()
    real = card_of(html, REAL_AWARD)
    assert real.count('class="sample-badge"') == 1
    assert re.search(
        r'<p class="card__kicker">第2届 <span class="phase phase--open">[^<]+</span><span class="sample-badge"', real
    )
    sample = card_of(html, SAMPLE_AWARD)
    assert sample.count('class="sample-badge"') == 1
    assert re.search(re.escape(SAMPLE_AWARD) + r'</a><span class="sample-badge"', sample)


def test_open_calls_badge_the_cycle_line(client, samples):
    for url in ["/", reverse("talent:talent-home")]:
        html = main_html(client.get(url).content.decode())
        call = re.search(r'<li class="open-call">.*?</li>', html, flags=re.S).group()
        assert f">{REAL_AWARD}</a>" in call
        assert re.search(r'<span class="open-call__deadline">第2届<span class="sample-badge"', call), url
        assert call.count('class="sample-badge"') == 1


def test_pages_without_samples_have_no_badge_banner_or_noindex(client, samples):
    call_command("remove_sample_data", stdout=io.StringIO())
    for url in ["/", reverse("talent:talent-home"), reverse("talent:award-list"), Award.objects.get().get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "sample-badge" not in html and BANNER not in html and NOINDEX not in html, url


# --- what leaves the page: the mail, the status page, the calendar, filter choices ----------


def test_a_sample_nomination_says_so_in_the_mail_the_confirmation_and_the_status(
    client, samples, django_capture_on_commit_callbacks
):
    cycle = AwardCycle.objects.open_now().select_related("award").get()
    url = reverse("talent:nomination-create", kwargs={"slug": cycle.award.slug})
    form = client.get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    data = {
        "category": cycle.award.categories.first().pk,
        "nominee_name": "试用被提名人",
        "nominee_organisation": "试用单位",
        "statement": "推荐理由：试用提名表，在示例领域取得了突出成果，带领团队完成攻关。",
        "supporting_document": make_pdf(),
        "nominator_name": "试用提名人",
        "nominator_email": "try@example.com",
        "confirm_eligibility": "on",
        "consent": "on",
        "form_token": token,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    nomination = cycle.nominations.get()
    assert nomination.is_sample
    [message] = mail.outbox
    assert message.subject.startswith("【示例】")
    assert "【示例】这是对示例评选周期的提名" in message.body
    names = sample_names()
    submitted = client.get(reverse("talent:nomination-submitted")).content.decode()
    status = client.post(
        reverse("talent:nomination-status"), {"reference": nomination.reference, "email": "try@example.com"}
    ).content.decode()
    assert nomination.reference in status  # the confirmation page never shows it: it goes by mail
    for html in (submitted, status):
        assert BANNER in html and "不会进入真实评选" in html and NOINDEX in html
        assert badge_problems(html, names) == ([], True)


def unfolded(body: str) -> dict[str, str]:
    """The first value of each property of a calendar file, folded lines joined."""
    lines = body.replace("\r\n ", "").split("\r\n")
    properties = {}
    for line in lines:
        key, _sep, value = line.partition(":")
        properties.setdefault(key, value)
    return properties


@pytest.mark.parametrize(
    ("award_sample", "cycle_sample", "says_sample"),
    [(False, False, False), (False, True, True), (True, True, True), (True, False, True)],
)
def test_the_calendar_of_a_sample_cycle_says_so(client, award_sample, cycle_sample, says_sample):
    cycle = make_cycle("open", award=make_award(name="日历奖项", is_sample=award_sample), is_sample=cycle_sample)
    response = client.get(reverse("talent:cycle-calendar", kwargs={"pk": cycle.pk}))
    event = unfolded(response.content.decode())
    assert event["SUMMARY"].startswith("【示例】日历奖项") is says_sample
    assert event["SUMMARY"].endswith("提名截止")
    assert ("示例评选周期" in event["DESCRIPTION"]) is says_sample
    assert "提名截止时间" in event["DESCRIPTION"]


@pytest.mark.parametrize(
    ("award_sample", "category_sample", "label"),
    [
        (False, False, "人才奖 · 专业技术人才"),
        (False, True, "人才奖 · 专业技术人才（示例）"),
        (True, True, "人才奖 · 专业技术人才（示例）"),
        (True, False, "人才奖 · 专业技术人才（示例）"),
    ],
)
def test_a_category_choice_names_a_sample_as_such(award_sample, category_sample, label):
    category = make_category(
        award=make_award(name="人才奖", is_sample=award_sample), name="专业技术人才", is_sample=category_sample
    )
    field = CategoryChoiceField(queryset=AwardCategory.objects.select_related("award"))
    assert field.label_from_instance(category) == label


def test_an_institution_choice_is_labelled_sample_only_when_only_samples_name_it():
    make_expert(name="示例专家甲", institution="示例大学", is_sample=True)
    make_expert(name="示例专家乙", institution="共同大学", is_sample=True)
    make_expert(name="真实专家", institution="共同大学")
    make_expert(name="真实专家二", institution="真实研究院")
    assert dict(institution_choices()) == {"共同大学": "共同大学", "真实研究院": "真实研究院", "示例大学": "示例大学（示例）"}


def test_feeds_leave_samples_out():
    sample = make_award(name="示例奖项", is_sample=True)
    real = make_award(name="真实奖项")
    assert list(without_samples(Award.objects.filter(pk__in=[sample.pk, real.pk]))) == [real]
    areas = Area.objects.all()
    assert without_samples(areas) is areas  # a model without samples is left as it is
