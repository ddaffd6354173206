"""Draw static/img/og-default.png, the share image of pages without a photo of their own:
`python scripts/og_default_image.py ["门户名称" ["园区名称"]]` (default: the names in the site
settings of the development database). Run once per tenant and commit the PNG; its size is
portal.metadata.DEFAULT_SHARE_IMAGE. The site's colours (static/css/portal.css) and a CJK font
found as the placeholder images find theirs (PORTAL_PLACEHOLDER_FONT or the usual paths).
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from portal.management.placeholders import _load_font, find_cjk_font  # noqa: E402
from portal.metadata import DEFAULT_SHARE_IMAGE  # noqa: E402

BRAND = (11, 79, 138)  # --brand
BRAND_DARK = (8, 58, 102)  # --brand-dark
ACCENT = (200, 16, 46)  # --accent
PAPER = (255, 255, 255)
WASH = (217, 230, 242)


def site_names() -> tuple[str, str]:
    from portal.models import SiteSettings

    site = SiteSettings.load()
    return site.portal_name, site.zone_name


def fitted_font(path: str | None, text: str, size: int, max_width: int, draw: ImageDraw.ImageDraw):
    while path and size > 24:
        font = _load_font(path, size)
        if draw.textlength(text, font=font) <= max_width:
            return font
        size -= 4
    return _load_font(path, size) if path else ImageFont.load_default()


def draw(portal_name: str, zone_name: str, out: Path) -> None:
    width, height = DEFAULT_SHARE_IMAGE.width, DEFAULT_SHARE_IMAGE.height
    image = Image.new("RGB", (width, height), BRAND)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, height - 150, width, height), fill=BRAND_DARK)
    canvas.rectangle((96, 170, 112, 330), fill=ACCENT)
    font_path = find_cjk_font()
    title = fitted_font(font_path, portal_name, 104, width - 240, canvas)
    subtitle = fitted_font(font_path, zone_name, 48, width - 240, canvas)
    canvas.text((144, 160), portal_name, font=title, fill=PAPER)
    canvas.text((144, 290), zone_name, font=subtitle, fill=WASH)
    image.save(out, format="PNG", optimize=True)


if __name__ == "__main__":
    names = sys.argv[1:3]
    if len(names) < 2:
        names += site_names()[len(names) :]
    portal_name, zone_name = names
    target = BASE_DIR / "static" / DEFAULT_SHARE_IMAGE.path
    draw(portal_name, zone_name, target)
    print(f"{target} ({DEFAULT_SHARE_IMAGE.width}×{DEFAULT_SHARE_IMAGE.height}): {portal_name} · {zone_name}")
