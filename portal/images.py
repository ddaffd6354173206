"""Photo files: validation by content, private originals, and sized renditions made once and stored.

Uploads are opened with Pillow (never trusted by name), limited in bytes and in pixels so a
decompression bomb is refused with a form error, and orientation from EXIF is applied to the
renditions. Renditions are written to storage when the photo's image changes; pages read
their names and sizes from the database and never resize anything per request. Each size is
stored as a JPEG (what every browser shows) and, beside it, in RENDITION_FORMATS (AVIF, WebP):
pages offer those first in a `<picture>` and keep the JPEG as the fallback.

MEDIA_ROOT is public (nginx serves it), so the stored original keeps nothing private: it is
re-saved with only the EXIF tags in KEPT_EXIF_TAGS (no GPS, camera serial numbers, maker notes,
XMP, IPTC or comments) under a random name in `photos/originals/`, and each set of renditions
gets its own random name, so neither file name leads to the other or to the uploaded name.
"""

import functools
import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError, features

from .validators import validate_file_size

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class RenditionSpec:
    name: str
    width: int


RENDITIONS = (RenditionSpec("thumb", 320), RenditionSpec("card", 640), RenditionSpec("full", 1280))
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}


@dataclass(frozen=True)
class RenditionFormat:
    name: str  # the key in a rendition's "formats" and the file extension
    mime_type: str
    pillow_format: str
    options: dict


# Written beside every JPEG rendition, best first: the order of the <source> elements, as a
# browser takes the first type it can show. The qualities give about the JPEG's look (PSNR within
# about half a dB) at a third to two thirds of its bytes on photographs; AVIF's `speed` 8 (of
# 0–10) is three to four times faster than Pillow's default 6 for some 10 % more bytes, which keeps
# an upload around a second on two cores. A Pillow built without an encoder skips its format.
RENDITION_FORMATS = tuple(
    spec
    for spec in (
        RenditionFormat("avif", "image/avif", "AVIF", {"quality": 60, "speed": 8}),
        RenditionFormat("webp", "image/webp", "WEBP", {"quality": 75, "method": 4}),
    )
    if features.check(spec.name)
)

ORIGINALS_DIR = "photos/originals"
# What a stored original keeps of its EXIF: how to turn it, its caption and its copyright. Kept
# deliberately short; the date taken, the camera and the photographer's name are dropped too
# (the editor types 拍摄日期 and 摄影 into the form, prefilled from the upload).
KEPT_EXIF_TAGS = (ExifTags.Base.Orientation, ExifTags.Base.ImageDescription, ExifTags.Base.Copyright)
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# Per-frame facts an animated or transparent image needs to look the same; none is personal.
KEPT_INFO = ("transparency", "duration", "loop", "background", "disposal", "blend", "dpi")
PRIVATE_ORIGINAL = re.compile(rf"^{ORIGINALS_DIR}/[0-9a-f]{{32}}\.(jpg|png|webp|gif)$")
PRIVATE_RENDITION = re.compile(r"^renditions/[0-9a-f]{32}-[a-z]+\.(jpg|avif|webp)$")


def original_upload_to(instance, filename: str) -> str:
    """`photos/originals/<random>.<ext>`: nothing in the name to guess it by or to link it to a rendition."""
    return f"{ORIGINALS_DIR}/{secrets.token_hex(16)}{PurePosixPath(filename).suffix.lower()}"


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
            stream.seek(0)
            with Image.open(stream) as image:
                image.load()  # a truncated file passes verify() but cannot be re-saved or resized
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


def strip_private_metadata(file) -> tuple[bytes, str]:
    """`file`'s image re-saved with only KEPT_EXIF_TAGS and its ICC profile; returns (bytes, extension).

    JPEG keeps its quantisation tables (`quality="keep"`), so the pixels barely change. Pillow
    writes only the metadata it is given, so XMP, comments and the rest of the EXIF are passed
    empty; the result is read back to be sure nothing else survived.
    """
    file.seek(0)
    with Image.open(file) as image:
        exif = image.getexif()
        kept = Image.Exif()
        for tag in KEPT_EXIF_TAGS:
            if tag in exif:
                kept[tag] = exif[tag]
        options = {key: image.info[key] for key in KEPT_INFO if key in image.info}
        options |= {"exif": kept.tobytes() if kept else b"", "xmp": b"", "comment": b""}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if image.format == "JPEG":
            options |= {"quality": "keep", "progressive": bool(image.info.get("progressive"))}
        elif image.format == "WEBP":
            options["quality"] = 95
        buffer = io.BytesIO()
        image_format = image.format
        image.save(buffer, format=image_format, save_all=getattr(image, "is_animated", False), **options)
    content = buffer.getvalue()
    if has_private_metadata(io.BytesIO(content)):
        raise ValueError("private metadata survived re-saving the image")
    return content, EXTENSIONS[image_format]


def build_renditions(image_field) -> dict[str, dict]:
    """Write every rendition of `image_field` to storage; return {size: {name, width, height, formats}}.

    `name` is the JPEG; `formats` maps each of RENDITION_FORMATS to its file beside it
    (`renditions/<token>-card.avif`). The set's random name shares nothing with the original's,
    so a public rendition URL never leads to the original."""
    image_field.open("rb")
    image_field.seek(0)
    content = image_field.read()
    token = secrets.token_hex(16)
    with Image.open(io.BytesIO(content)) as original:
        oriented = _oriented_rgb(original)
        result = {}
        for spec in RENDITIONS:
            resized = _resized(oriented, spec)
            jpeg = ContentFile(_encode(resized, "JPEG", JPEG_OPTIONS))
            name = default_storage.save(f"renditions/{token}-{spec.name}.jpg", jpeg)
            result[spec.name] = {
                "name": name,
                "width": resized.width,
                "height": resized.height,
                "formats": _save_formats(resized, name, RENDITION_FORMATS),
            }
    return result


@functools.lru_cache(maxsize=8192)
def media_url(name: str) -> str:
    """`default_storage.url(name)`, remembered: a page of 24 photos names over 200 rendition files
    (three sizes in three formats each), and a stored file's public URL stays the same while the
    settings do. (Media storage is public, never signed, so no URL runs out.)"""
    return default_storage.url(name)


@receiver(setting_changed)
def _forget_media_urls(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL", "MEDIA_ROOT"}:
        media_url.cache_clear()


def rendition_files(renditions: dict | None) -> list[str]:
    """Every stored file a photo's `renditions` names: each size's JPEG and its other formats."""
    names = []
    for data in (renditions or {}).values():
        if isinstance(data, dict) and "name" in data:
            names.append(data["name"])
            names.extend((data.get("formats") or {}).values())
    return names


def missing_formats(data: dict) -> tuple[RenditionFormat, ...]:
    """The RENDITION_FORMATS one size's rendition `data` records no file for (renditions made
    before the formats existed have none; the JPEG alone still shows)."""
    recorded = data.get("formats") or {}
    return tuple(spec for spec in RENDITION_FORMATS if spec.name not in recorded)


def _oriented_rgb(image: Image.Image) -> Image.Image:
    return ImageOps.exif_transpose(image).convert("RGB")


def _resized(image: Image.Image, spec: RenditionSpec) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((spec.width, spec.width * 4), Image.Resampling.LANCZOS)
    copy.info = {}  # Pillow would write the source's JPEG comment, EXIF or XMP into the rendition
    return copy


def _encode(image: Image.Image, pillow_format: str, options: dict) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


def _save_formats(image: Image.Image, jpeg_name: str, formats) -> dict[str, str]:
    """Store `image` in each of `formats` beside the JPEG rendition `jpeg_name`; return {format: name}."""
    stem = PurePosixPath(jpeg_name).with_suffix("").as_posix()
    return {
        spec.name: default_storage.save(f"{stem}.{spec.name}", ContentFile(_encode(image, spec.pillow_format, spec.options)))
        for spec in formats
    }


def add_rendition_formats(photo_model, *, log=lambda line: None) -> dict[str, int]:
    """Store RENDITION_FORMATS beside the JPEG renditions of photos made before them; safe to repeat.

    Only the missing files are written, each from the original at the size its JPEG has (from
    the JPEG itself when the original is gone or unreadable), next to it under the same random
    name; the JPEGs and the page URLs stay. The row's JSON records them in one UPDATE (no save(),
    so a migration's historical model works too). Rows that share a JPEG (demo data copies the
    renditions of a few photos) share the new files as well. A second run finds every format
    recorded and writes nothing.
    """
    counts = {"added": 0, "current": 0, "without_renditions": 0, "unreadable": 0}
    made = {}  # JPEG name -> {format: name} written in this run
    pks = list(photo_model.objects.order_by("pk").values_list("pk", flat=True))
    total = len(pks)
    for number, (pk, image_name, renditions) in enumerate(_rows_in_chunks(photo_model, pks), start=1):
        sizes = [spec for spec in RENDITIONS if isinstance((renditions or {}).get(spec.name), dict)]
        todo = [spec for spec in sizes if missing_formats(renditions[spec.name])]
        if not sizes:
            counts["without_renditions"] += 1
        elif not todo:
            counts["current"] += 1
        else:
            try:
                updated = _add_formats(renditions, todo, image_name, made)
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
                counts["unreadable"] += 1
                log(f"[{number}/{total}] photo {pk}: WARNING no rendition could be read ({error}), left as it is")
            else:
                photo_model.objects.filter(pk=pk).update(renditions=updated)
                counts["added"] += 1
        if number % 100 == 0 or number == total:
            log(f"[{number}/{total}] photos checked, {counts['added']} given {'/'.join(f.name for f in RENDITION_FORMATS)}")
    return counts


def _rows_in_chunks(photo_model, pks: list, size: int = 500):
    """(pk, image, renditions) of the photos `pks`, read a chunk at a time: no cursor stays open
    on the table while its rows are updated (SQLite reads and writes on one connection)."""
    for start in range(0, len(pks), size):
        chunk = photo_model.objects.filter(pk__in=pks[start : start + size]).order_by("pk")
        yield from chunk.values_list("pk", "image", "renditions")


def _add_formats(renditions: dict, todo: list[RenditionSpec], image_name: str, made: dict) -> dict:
    """`renditions` with the formats of the sizes in `todo` written and recorded."""
    updated = {**renditions}
    oriented = None
    for spec in todo:
        data = {**renditions[spec.name]}
        formats = {**(data.get("formats") or {})}
        if data["name"] in made:
            formats |= made[data["name"]]
        wanted = [fmt for fmt in RENDITION_FORMATS if fmt.name not in formats]
        if wanted:
            if oriented is None:
                oriented = _open_oriented(image_name)
            image = _resized(oriented, spec) if oriented is not None else None
            if image is None or image.size != (data["width"], data["height"]):
                with default_storage.open(data["name"], "rb") as file, Image.open(file) as jpeg:
                    image = jpeg.convert("RGB")
            written = _save_formats(image, data["name"], wanted)
            made[data["name"]] = {**made.get(data["name"], {}), **written}
            formats |= written
        data["formats"] = formats
        updated[spec.name] = data
    return updated


def _open_oriented(image_name: str) -> Image.Image | None:
    """The stored original, turned upright and in RGB; None when it is missing or unreadable."""
    if not image_name:
        return None
    try:
        with default_storage.open(image_name, "rb") as file, Image.open(file) as original:
            return _oriented_rgb(original)
    except (FileNotFoundError, UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def has_private_metadata(file) -> bool:
    """Whether the image in `file` carries EXIF beyond KEPT_EXIF_TAGS, XMP or a comment."""
    file.seek(0)
    with Image.open(file) as image:
        extra_tags = set(image.getexif()) - set(KEPT_EXIF_TAGS)
        return bool(extra_tags) or any(image.info.get(key) for key in ("xmp", "comment", "photoshop"))


def privatize_stored_photos(photo_model, *, sweep_unused: bool = False, log=lambda line: None) -> dict[str, int]:
    """Bring photos stored before originals were private into the current form; safe to repeat.

    Each original that is not yet `photos/originals/<random>` is stripped and stored under a random
    name, and its renditions rebuilt under random names; the row is updated in place (no save(),
    so it works with a migration's historical model too). Placeholders drawn by
    `load_initial_data` carry no metadata and are named by the fixtures (a re-run looks for them
    there): they keep their file, only their renditions are renamed. The replaced files are deleted
    once the transaction commits, unless a row still uses them. `sweep_unused` also deletes every
    file of the old layout (`photos/…` outside `photos/originals/`) and every rendition that no
    row uses: earlier uploads of a replaced image and their renditions. It is asked for
    explicitly, never by the migration, because on a database not restored yet every file looks
    unused. A file that cannot be read as an image is counted and left for a person to look at.
    """
    counts = {"privatized": 0, "renamed_renditions": 0, "current": 0, "missing": 0, "unreadable": 0, "deleted": 0}
    replaced = set()
    photos = list(photo_model.objects.order_by("pk"))
    for number, photo in enumerate(photos, start=1):
        name = photo.image.name
        rendition_names = rendition_files(photo.renditions)
        renditions_ok = rendition_names and all(PRIVATE_RENDITION.match(item) for item in rendition_names)
        if not name or not default_storage.exists(name):
            counts["missing"] += 1
            log(f"[{number}/{len(photos)}] photo {photo.pk}: file missing ({name or '-'}), skipped")
            continue
        try:
            with default_storage.open(name, "rb") as file:
                keep_file = PRIVATE_ORIGINAL.match(name) or (photo.is_placeholder and not has_private_metadata(file))
                if not keep_file:
                    content, extension = strip_private_metadata(file)
        except (UnidentifiedImageError, OSError, ValueError, KeyError, SyntaxError):
            counts["unreadable"] += 1
            log(f"[{number}/{len(photos)}] photo {photo.pk}: WARNING {name} cannot be read as an image, left as it is")
            continue
        if keep_file and renditions_ok:
            counts["current"] += 1
            continue
        if not keep_file:
            new_name = default_storage.save(original_upload_to(photo, f"original{extension}"), ContentFile(content))
            replaced.add(name)
            photo.image.name = new_name
        replaced.update(rendition_names)
        photo.renditions = {"source": photo.image.name, **build_renditions(photo.image)}
        photo_model.objects.filter(pk=photo.pk).update(image=photo.image.name, renditions=photo.renditions)
        counts["renamed_renditions" if keep_file else "privatized"] += 1
        log(
            f"[{number}/{len(photos)}] photo {photo.pk}: {'renditions renamed' if keep_file else 'original stripped and renamed'}"
        )
    if sweep_unused:
        replaced.update(_stored_files("photos", skip=ORIGINALS_DIR), _stored_files("renditions"))

    def delete_replaced():
        in_use = set()
        for image_name, renditions in photo_model.objects.values_list("image", "renditions"):
            in_use.add(image_name)
            in_use.update(rendition_files(renditions))
        for old_name in sorted(replaced - in_use):
            if default_storage.exists(old_name):
                default_storage.delete(old_name)
                counts["deleted"] += 1
        if counts["deleted"]:
            log(f"Deleted {counts['deleted']} replaced file(s).")

    transaction.on_commit(delete_replaced)
    return counts


def _stored_files(directory: str, skip: str = "") -> set[str]:
    """The name of every file in storage under `directory`, except under `skip`."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return set()
    found = {f"{directory}/{file}" for file in files}
    for folder in folders:
        if f"{directory}/{folder}" != skip:
            found |= _stored_files(f"{directory}/{folder}", skip)
    return found
