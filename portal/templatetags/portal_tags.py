"""Template helpers shared by every section."""

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal import metadata
from portal.dates import format_local_datetime
from portal.models import SiteSettings
from portal.registry import registry

register = template.Library()


@register.filter
def rendition(photo, size="card"):
    """The stored rendition of `photo` at `size` ({url, width, height}), or None."""
    if photo is None:
        return None
    return photo.rendition(size or "card")


@register.filter
def figure(value):
    """A Decimal without meaningless trailing zeros and, as Chinese reports write figures,
    without thousands separators: 1829.84, 9651, 120.8."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    normalised = value.normalize()
    places = max(0, -normalised.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=False)


@register.filter
def signed_percent(value):
    """A year-on-year change: +9.19%, −3.5%, 0%."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = figure(abs(value))
    if value > 0:
        return f"+{text}%"
    if value < 0:
        return f"−{text}%"
    return f"{text}%"


@register.filter
def local_datetime(value, zone=True):
    """How every date-time (a nomination deadline) reads: in settings.TIME_ZONE, naming the zone,
    with the instant for machines: <time datetime="2026-12-01T17:00:00+08:00">2026年12月1日
    17:00（北京时间）</time>. `|local_datetime:False` leaves the zone out (the start of a range)."""
    if value is None or value == "":
        return ""
    machine = timezone.localtime(value).isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, format_local_datetime(value, zone=bool(zone)))


@register.inclusion_tag("includes/_staff_edit_link.html", takes_context=True)
def staff_edit_link(context):
    """For staff only: a link from the public page to where its content is edited."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {"url": None}
    obj = context.get("object")
    view = context.get("view")
    if obj is not None and hasattr(obj, "_meta"):
        opts, args, name = obj._meta, [obj.pk], "change"
    elif getattr(view, "model", None) is not None:
        opts, args, name = view.model._meta, [], "changelist"
    else:
        return {"url": reverse("admin:index")}
    try:
        return {"url": reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)}
    except NoReverseMatch:
        return {"url": reverse("admin:index")}


@register.inclusion_tag("includes/_section_nav.html")
def section_nav(section, current=""):
    """The row of links of `section` (an app label), with `current` (a URL name) marked."""
    return {"nav": registry.section_navs.get(section), "current": current}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the enclosed template once (blocks
    included, so a child template's override counts) and keep the result, stripped, as `name`:
    base.html writes the page's title and description in several tags from one block each."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's canonical address: absolute, its path only, plus a list's page number beyond
    the first (`canonical_page`, set by PublishedListView)."""
    request = context.get("request")
    if request is None:
        return ""
    return metadata.canonical_url(request, context.get("canonical_page") or 1)


@register.inclusion_tag("includes/_og_image.html", takes_context=True)
def og_image(context, photo=None):
    """og:image with its width, height and alt: the stored share-size rendition of `photo` (the
    page's lead photo) when it is public, else the site's default image."""
    request = context.get("request")
    return {"image": metadata.share_image(request, photo or None) if request else None, "site": context.get("site")}


@register.simple_tag(takes_context=True)
def json_ld(context):
    """The page's one JSON-LD block: its breadcrumb trail (`breadcrumbs`) and its own schema.org
    nodes (`structured_data`, from the view)."""
    request = context.get("request")
    if request is None:
        return ""
    nodes = [metadata.breadcrumb_list(request, context.get("breadcrumbs") or []), *(context.get("structured_data") or [])]
    return metadata.json_ld(nodes)


# The fragments every page repeats (the top navigation, the footer, the 示例 badge), rendered once per
# process for each combination of everything they show: the key holds the language, the URL
# prefix, the page marked current and, for the footer, the site settings' values themselves, so
# an edit (in any process: the settings are read from the database on every request) changes
# the key and can never be served stale. Bounded: cleared when it grows past SHELL_FRAGMENTS.
SHELL_FRAGMENTS = 512
_fragments: dict[tuple, str] = {}


def _fragment(key: tuple, template_name: str, context: dict) -> str:
    html = _fragments.get(key)
    if html is None:
        if len(_fragments) >= SHELL_FRAGMENTS:
            _fragments.clear()
        html = _fragments[key] = mark_safe(render_to_string(template_name, context))
    return html


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The site's top navigation (registry.nav) with the page being shown marked current."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.view_name if match is not None else ""
    key = ("nav", get_language(), get_script_prefix(), current)
    return _fragment(key, "includes/_nav_list.html", {"items": registry.nav, "current": current})


@register.simple_tag
def site_footer(site):
    """The site's footer (templates/includes/_site_footer.html) for the settings `site`."""
    values = site.shell_key() if isinstance(site, SiteSettings) else None  # none on a bare error page
    key = ("footer", get_language(), get_script_prefix(), values)
    return _fragment(key, "includes/_site_footer.html", {"site": site})


@register.simple_tag
def sample_badge(sample=True):
    """The 示例 badge (templates/includes/_sample_badge.html) when `sample` is true, else nothing:
    `{% sample_badge row.is_sample %}`. The same for every row, so it is rendered once per
    language and kept with the shell's fragments: a list badges each card without a template
    include per card (which cost more than the rest of a small card)."""
    if not sample:
        return ""
    return _fragment(("sample-badge", get_language(), get_script_prefix()), "includes/_sample_badge.html", {"sample": True})
