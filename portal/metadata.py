"""What a page tells link previews and search engines besides its content: its canonical
address, its Open Graph image, its breadcrumb trail and its schema.org JSON-LD.

templates/base.html writes all of it and a page supplies only what differs: its title and
description (the `title` and `meta_description` blocks, which also give og:title and
og:description), and from its view (`portal.generic.PageMetadataMixin`) `breadcrumbs` (the
visible trail and the JSON-LD BreadcrumbList, from one list), `lead_photo` (the Open Graph
image) and `structured_data` (schema.org nodes). Rows flagged 示例 (`is_sample`) are never
described in JSON-LD: views leave them out, and a trail that names one is left out whole.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Photo, SiteSettings
from .registry import registry

SCHEMA_CONTEXT = "https://schema.org"
CONTENT_LANGUAGE = "zh-CN"
SHARE_RENDITION = "full"  # the stored rendition link previews and ImageObject nodes use


@dataclass(frozen=True)
class StaticImage:
    path: str
    width: int
    height: int


# The share image of pages without a photo of their own (1200×630, the size link previews ask
# for); drawn once by scripts/og_default_image.py. Its size is recorded here only.
DEFAULT_SHARE_IMAGE = StaticImage("img/og-default.png", 1200, 630)

# As django.utils.html.json_script escapes: no "</script>" or "<!--" can close the block early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb trail below 首页: a linked page, or the current page (no url).
    `sample` marks a step named after a 示例 row, which keeps the trail out of JSON-LD."""

    label: str
    url: str = ""
    sample: bool = False


def page_crumb(url_name: str) -> Crumb:
    """A linked step to the registered page `url_name`, named as the page names itself."""
    page = registry.page(url_name)
    return Crumb(page.label if page else url_name, reverse(url_name))


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url)


def canonical_url(request, page_number: int = 1) -> str:
    """The page's address without query string (no tracking, filters or sort), except a list's
    page number beyond the first."""
    url = request.build_absolute_uri(escape_uri_path(request.path))
    return f"{url}?page={page_number}" if page_number > 1 else url


def lead_photo(obj) -> Photo | None:
    """The photo that stands for `obj` in link previews: a photo itself, the row's `photo`, or
    the first real one (not a placeholder) of its `photos` (prefetch them through public_rows:
    public photos only)."""
    if obj is None or isinstance(obj, Photo):
        return obj
    photo = getattr(obj, "photo", None)
    if isinstance(photo, Photo):
        return photo
    photos = getattr(obj, "photos", None)
    if photos is not None and hasattr(photos, "all"):
        return next((photo for photo in photos.all() if not photo.is_placeholder), None)
    return None


def share_rendition(photo: Photo | None) -> dict | None:
    """The stored share-size rendition of a public `photo` ({url, width, height}), or None. Not
    of a placeholder: a card drawn for a photo the source did not ship is no picture to share
    or to credit to the photographer."""
    if photo is None or photo.is_placeholder or not photo.is_published:
        return None
    return photo.rendition(SHARE_RENDITION)


def share_image(request, photo: Photo | None = None) -> dict:
    """The Open Graph image: the page's lead photo as stored, else the site's default image."""
    rendition = share_rendition(photo)
    if rendition:
        return {
            "url": absolute(request, rendition["url"]),
            "width": rendition["width"],
            "height": rendition["height"],
            "alt": photo.alt_text,
        }
    image = DEFAULT_SHARE_IMAGE
    return {"url": absolute(request, static(image.path)), "width": image.width, "height": image.height, "alt": ""}


# --- schema.org nodes ------------------------------------------------------------------------


def compact(node: dict) -> dict:
    """`node` without empty properties (an unknown fact is left out, never written empty)."""
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


def iso_datetime(value) -> str:
    """An aware date-time as ISO 8601 in the site's time zone, to the second: 2026-12-01T17:00:00+08:00."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def zone_id(request) -> str:
    return absolute(request, reverse("portal:home")) + "#zone"


def zone_organization(request) -> dict:
    """The zone as the site settings name it: a GovernmentOrganization with a stable @id that
    other nodes (a dataset's creator) refer to. The park section adds what it knows."""
    site = SiteSettings.for_request(request)
    return compact(
        {
            "@type": "GovernmentOrganization",
            "@id": zone_id(request),
            "name": site.zone_name,
            "url": absolute(request, reverse("portal:home")),
            "address": site.address,
            "email": site.email,
            "telephone": site.phone,
        }
    )


def organization(name: str) -> dict | None:
    """An organisation known only by its name (an award's organiser, an expert's institution)."""
    return {"@type": "Organization", "name": name} if name else None


def image_object(request, photo: Photo | None) -> dict | None:
    """A public photo as schema.org ImageObject: its stored share-size rendition, caption and credit."""
    rendition = share_rendition(photo)
    if not rendition:
        return None
    return compact(
        {
            "@type": "ImageObject",
            "contentUrl": absolute(request, rendition["url"]),
            "url": absolute(request, photo.get_absolute_url()),
            "width": rendition["width"],
            "height": rendition["height"],
            "caption": photo.caption,
            "creditText": photo.credit,
            "description": photo.alt_text,
        }
    )


def breadcrumb_list(request, crumbs: list[Crumb]) -> dict | None:
    """The trail below 首页 as schema.org BreadcrumbList, 首页 first; None on the home page and
    when a step names a 示例 row."""
    if not crumbs or any(crumb.sample for crumb in crumbs):
        return None
    steps = [page_crumb("portal:home"), *crumbs]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": absolute(request, crumb.url) if crumb.url else canonical_url(request),
            }
            for position, crumb in enumerate(steps, start=1)
        ],
    }


def json_ld(nodes) -> SafeString:
    """One <script type="application/ld+json"> block for `nodes` (empty ones dropped): the node
    itself, or an "@graph" of several; escaped as json_script escapes. Empty without nodes."""
    nodes = [node for node in nodes if node]
    if not nodes:
        return mark_safe("")
    data = {"@context": SCHEMA_CONTEXT, **nodes[0]} if len(nodes) == 1 else {"@context": SCHEMA_CONTEXT, "@graph": nodes}
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
