"""Honest placeholder images for photos whose source shipped no image file.

The article names six photos but ships none. Rather than inventing pictures, the loader draws
a calm card that says what it is: the caption, the credit if any, and "占位图 · 原文未附图片".
Chinese text needs a CJK font; when none is installed the card falls back to Pillow's default
font and Latin wording, so the loader still works on a bare machine.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIZE = (1600, 1067)

# Looked for in this order; PORTAL_PLACEHOLDER_FONT (a setting) or --font wins over all of them.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)

# Muted backgrounds; a photo always gets the same one (picked from its file name).
PALETTE = (
    ((222, 232, 238), (52, 84, 108)),
    ((229, 236, 226), (58, 90, 64)),
    ((238, 231, 222), (104, 78, 52)),
    ((231, 228, 238), (74, 66, 110)),
    ((236, 226, 228), (110, 60, 70)),
    ((226, 234, 234), (46, 92, 94)),
)


@dataclass(frozen=True)
class PlaceholderText:
    caption: str
    credit: str = ""


def find_cjk_font(preferred: str | None = None) -> str | None:
    """The first readable CJK font file: `preferred`, the setting, then the usual paths."""
    candidates = [preferred, settings.PORTAL_PLACEHOLDER_FONT, *CJK_FONT_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            try:
                _load_font(candidate, 20)
            except OSError:
                continue
            return candidate
    return None


def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """Load `path`; in a collection (.ttc) prefer the Simplified Chinese face."""
    if not path.lower().endswith(".ttc"):
        return ImageFont.truetype(path, size)
    first = ImageFont.truetype(path, size, index=0)
    for index in range(1, 16):
        try:
            face = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        family = face.getname()[0] or ""
        if family.endswith(" SC") or "SC " in family or "GB" in family:
            return face
    return first


def _fonts(font_path: str | None) -> tuple[dict, bool]:
    sizes = {"badge": 40, "caption": 92, "credit": 48, "note": 36}
    if font_path:
        return {key: _load_font(font_path, size) for key, size in sizes.items()}, True
    return {key: ImageFont.load_default(size=size) for key, size in sizes.items()}, False


def _fit(draw, text, font, max_width):
    """Shorten `text` with an ellipsis until it fits `max_width` pixels."""
    if draw.textlength(text, font=font) <= max_width:
        return text
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text + "…"


def render_placeholder(text: PlaceholderText, *, key: str, font_path: str | None) -> bytes:
    """A 1600×1067 JPEG that says it stands in for the photo `text.caption`."""
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    background, ink = PALETTE[digest[0] % len(PALETTE)]
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    fonts, has_cjk = _fonts(font_path)
    width, height = SIZE

    # A quiet frame and a diagonal hatch in the corners, so nobody mistakes it for a photo.
    margin = 48
    draw.rectangle((margin, margin, width - margin, height - margin), outline=ink, width=4)
    soft = tuple((b * 3 + i) // 4 for b, i in zip(background, ink, strict=True))
    for offset in range(0, 360, 24):
        draw.line((margin, margin + offset, margin + offset, margin), fill=soft, width=2)
        draw.line((width - margin - offset, height - margin, width - margin, height - margin - offset), fill=soft, width=2)

    if has_cjk:
        badge, caption, note = "占位图", text.caption, "原文未附图片 · 此为系统生成的占位图"
        credit = f"原图：{text.credit}/摄" if text.credit else ""
    else:
        badge, caption, note = "PLACEHOLDER", Path(key).stem, "No image file came with the source article"
        credit = ""

    # Badge, top left.
    badge_box = draw.textbbox((0, 0), badge, font=fonts["badge"])
    bx, by = margin + 48, margin + 48
    pad = 18
    draw.rounded_rectangle((bx - pad, by - pad, bx + badge_box[2] + pad, by + badge_box[3] + pad), radius=14, fill=ink)
    draw.text((bx, by), badge, font=fonts["badge"], fill=background)

    # Caption and credit, centred.
    max_text = width - 2 * margin - 160
    caption = _fit(draw, caption, fonts["caption"], max_text)
    draw.text((width / 2, height / 2 - 40), caption, font=fonts["caption"], fill=ink, anchor="mm")
    if credit:
        draw.text((width / 2, height / 2 + 70), credit, font=fonts["credit"], fill=ink, anchor="mm")
    draw.text(
        (width / 2, height - margin - 80), _fit(draw, note, fonts["note"], max_text), font=fonts["note"], fill=ink, anchor="mm"
    )

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()
