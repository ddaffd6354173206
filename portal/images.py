"""Photo files: validation by content, and sized renditions made once and stored.

Uploads are opened with Pillow (never trusted by name), limited in bytes and in pixels so a
decompression bomb is refused with a form error, and orientation from EXIF is applied to the
renditions. Renditions are written to storage when the photo's image changes; pages read
their names and sizes from the database and never resize anything per request.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from .validators import validate_file_size

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class RenditionSpec:
    name: str
    width: int


RENDITIONS = (RenditionSpec("thumb", 320), RenditionSpec("card", 640), RenditionSpec("full", 1280))


def validate_image_file(file) -> None:
    """Raise ValidationError unless `file` is a real, reasonably sized image.

    Only new uploads are checked: a file already in storage passed this check when it came.
    """
    if getattr(file, "_committed", False):
        return
    validate_file_size(file, settings.PORTAL_MAX_UPLOAD_BYTES, what=_("图片"))
    stream = getattr(file, "file", file)  # a FieldFile wraps the uploaded file
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                if width * height > settings.PORTAL_MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("图片像素过多（%(w)s×%(h)s），上限为 %(limit)s 像素，请缩小后再上传。"),
                        code="too_many_pixels",
                        params={"w": width, "h": height, "limit": f"{settings.PORTAL_MAX_IMAGE_PIXELS:,}"},
                    )
                if image.format not in ACCEPTED_FORMATS:
                    raise ValidationError(_("不支持的图片格式，请上传 JPEG、PNG、WebP 或 GIF。"), code="bad_format")
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("图片像素过多，可能是恶意文件，已拒绝。"), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("文件不是有效的图片。"), code="not_an_image") from None
    finally:
        stream.seek(0)


def read_embedded_metadata(file) -> dict[str, str]:
    """Caption and credit suggested by the file's EXIF (ImageDescription, Artist), if any."""
    position = file.tell()
    try:
        with Image.open(file) as image:
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, ValueError):
        return {}
    finally:
        file.seek(position)
    found = {}
    description = exif.get(ExifTags.Base.ImageDescription)
    artist = exif.get(ExifTags.Base.Artist)
    if isinstance(description, str) and description.strip():
        found["caption"] = description.strip()[:200]
    if isinstance(artist, str) and artist.strip():
        found["credit"] = artist.strip()[:100]
    return found


def build_renditions(image_field) -> dict[str, dict]:
    """Write every rendition of `image_field` to storage; return {name: {name, width, height}}."""
    image_field.open("rb")
    image_field.seek(0)
    content = image_field.read()
    digest = hashlib.sha1(content).hexdigest()[:12]
    stem = PurePosixPath(image_field.name).stem[:40]
    with Image.open(io.BytesIO(content)) as original:
        oriented = ImageOps.exif_transpose(original)
        oriented = oriented.convert("RGB")
        result = {}
        for spec in RENDITIONS:
            copy = oriented.copy()
            copy.thumbnail((spec.width, spec.width * 4), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            copy.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
            name = f"renditions/{stem}-{digest}-{spec.name}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(buffer.getvalue()))
            result[spec.name] = {"name": name, "width": copy.width, "height": copy.height}
    return result
