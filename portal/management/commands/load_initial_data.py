"""Load the feature article's content: `python manage.py load_initial_data`.

Every fact lives in the JSON fixtures at the top of the project (`fixtures/*.json`, explicit
primary keys); this command holds none. Sample content (fictional experts, laureates…) does not
belong in that folder's top level and is loaded by its own command.

Steps, each safe to repeat:

1. Placeholder images. The article ships no image files, so for every photo the fixtures mark
   `is_placeholder` whose file is missing from MEDIA_ROOT, draw an honest placeholder card
   (caption, credit, "占位图 · 原文未附图片"). Files already there are never overwritten.
2. The fixtures' rows, in one transaction: rows whose primary key is not in the database yet
   are inserted; rows already there are left alone, so a re-run never undoes an editor's
   change. `--reset` overwrites them with the fixture values instead (`loaddata`), each
   overwrite recorded as a new revision so the editor's version can still be restored.
3. Renditions. loaddata saves raw rows, bypassing Photo.save(), and resets the derived
   `renditions` field. Renditions still valid from before the load (same source file, files on
   disk) are put back; any others are built by Photo.save(). No file is written twice.
4. History. django-reversion's `createinitialrevisions` for the loaded models records a first
   revision for each row that has none, so editors can restore the loaded state.
5. Search. Rows load in fixture order, some before the rows their text reads: the search
   index is rebuilt from the loaded rows.

A second run therefore changes nothing: same rows, same values, no new files, no new revisions.
"""

import json
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from reversion.models import Revision, Version
from reversion.revisions import add_to_revision, create_revision, is_registered, set_comment

from portal.images import RENDITIONS, missing_formats, rendition_files
from portal.management.placeholders import PlaceholderText, find_cjk_font, render_placeholder
from portal.models import Photo
from portal.search import rebuild_index

REVISION_COMMENT = "初始数据（load_initial_data）"


def fixture_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


def fixture_files(directory: Path | None = None) -> list[Path]:
    """The article's fixture files, in a stable order."""
    return sorted((directory or fixture_dir()).glob("*.json"))


def read_records(paths: list[Path]) -> list[dict]:
    records = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read fixture {path}: {error}") from error
        if not isinstance(data, list):
            raise CommandError(f"Fixture {path} is not a list of records.")
        records.extend(data)
    return records


def renditions_current(renditions: dict, image_name: str) -> bool:
    """True when `renditions` were made from `image_name`, in every format, and every file is in storage."""
    if not image_name or not isinstance(renditions, dict) or renditions.get("source") != image_name:
        return False
    for spec in RENDITIONS:
        data = renditions.get(spec.name)
        if not data or missing_formats(data):
            return False
    return all(default_storage.exists(name) for name in rendition_files(renditions))


class Command(BaseCommand):
    help = "Load the article's content (fixtures/*.json) with placeholder photos, renditions and initial revisions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--font",
            help="A CJK font file for the placeholder images (default: the first Noto/WenQuanYi/… font found).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite rows that already exist with the fixture values (recorded as new revisions).",
        )

    def handle(self, *args, **options):
        paths = fixture_files()
        if not paths:
            raise CommandError(f"No fixtures found in {fixture_dir()}.")
        records = read_records(paths)
        model_labels = sorted({record["model"] for record in records})

        generated, present = self.ensure_placeholders(records, options.get("font"))

        revisions_before = Revision.objects.count()
        with transaction.atomic():
            previous_renditions = dict(Photo.objects.values_list("pk", "renditions"))
            if options["reset"]:
                self.reset_rows(paths)
                inserted = len(records)
            else:
                inserted = self.insert_new_rows(records)
            built, restored, missing = self.refresh_renditions(previous_renditions)
            versioned_labels = self.record_revisions(model_labels)
            search_entries = rebuild_index()["entries"]
        revisions_created = Revision.objects.count() - revisions_before

        self.stdout.write(f"Rows written: {inserted} of {len(records)} (existing rows are kept unless --reset)")
        self.report(paths, records, generated, present, built, restored, missing, revisions_created, versioned_labels)
        self.stdout.write(f"Search index: {search_entries} entries (rebuilt)")

    # -- steps ---------------------------------------------------------------------------

    def ensure_placeholders(self, records: list[dict], font: str | None) -> tuple[int, int]:
        """Draw the placeholder file of every placeholder photo whose file is missing."""
        font_path = find_cjk_font(font)
        if font and font_path != font:
            raise CommandError(f"Font {font} cannot be read.")
        generated = present = 0
        warned = False
        for record in records:
            if record["model"] != "portal.photo":
                continue
            fields = record["fields"]
            name = fields.get("image")
            if not name or not fields.get("is_placeholder"):
                continue
            if default_storage.exists(name):
                present += 1
                continue
            if font_path is None and not warned:
                self.stderr.write(
                    self.style.WARNING("No CJK font found (install fonts-noto-cjk): placeholders are drawn with Latin text only.")
                )
                warned = True
            content = render_placeholder(
                PlaceholderText(caption=fields.get("caption", ""), credit=fields.get("credit", "")),
                key=name,
                font_path=font_path,
            )
            saved = default_storage.save(name, ContentFile(content))
            if saved != name:
                raise CommandError(f"Storage saved the placeholder for {name} as {saved}; fix the storage and retry.")
            generated += 1
        return generated, present

    def insert_new_rows(self, records: list[dict]) -> int:
        """Save the records whose primary key is not taken yet; return how many were saved."""
        existing = {}
        for label in {record["model"] for record in records}:
            pks = [record["pk"] for record in records if record["model"] == label]
            model = apps.get_model(label)
            existing[label] = {
                str(row.pk) for row in model._default_manager.filter(pk__in=pks) if not self.untouched_default(row)
            }
        new_records = [record for record in records if str(record["pk"]) not in existing[record["model"]]]
        for deserialized in serializers.deserialize("python", new_records):
            deserialized.save()
        self.reset_sequences({apps.get_model(record["model"]) for record in new_records})
        return len(new_records)

    @staticmethod
    def untouched_default(row) -> bool:
        """A row holding nothing but its model's defaults and never edited in the admin (no
        revision): the site settings a page view created before the content was loaded
        (SiteSettings.load()). The fixture's values replace it instead of being skipped."""
        blank = type(row)(pk=row.pk)
        fields = [f for f in row._meta.concrete_fields if not f.primary_key and not getattr(f, "auto_now", False)]
        if any(getattr(row, f.attname) != getattr(blank, f.attname) for f in fields):
            return False
        return not (is_registered(type(row)) and Version.objects.get_for_object(row).exists())

    @staticmethod
    def reset_sequences(models) -> None:
        """Move PostgreSQL's id sequences past the fixture's fixed ids (as loaddata does), so the
        next row an editor adds does not collide with one loaded here. No-op on SQLite."""
        statements = connection.ops.sequence_reset_sql(no_style(), sorted(models, key=lambda m: m._meta.label))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def reset_rows(self, paths: list[Path]) -> None:
        """loaddata over existing rows, each overwritten row recorded as a revision first."""
        with create_revision():
            set_comment(REVISION_COMMENT + " --reset")
            call_command("loaddata", *[str(path) for path in paths], verbosity=0)
            for record in read_records(paths):
                model = apps.get_model(record["model"])
                if is_registered(model):
                    add_to_revision(model._default_manager.get(pk=record["pk"]))

    def refresh_renditions(self, previous: dict) -> tuple[int, int, list[str]]:
        """Give every photo renditions that match its image, and its stored width and height;
        return (built, restored, missing)."""
        built = restored = 0
        missing = []
        image_field = Photo._meta.get_field("image")
        for photo in Photo.objects.order_by("pk"):
            name = photo.image.name
            changes = {}
            if renditions_current(photo.renditions, name):
                pass
            elif renditions_current(previous.get(photo.pk), name):
                changes["renditions"] = previous[photo.pk]
                restored += 1
            elif name and default_storage.exists(name):
                photo.renditions = {}
                photo.save(update_fields=["renditions", "width", "height"])  # builds both from the file
                built += 1
                continue
            else:
                missing.append(name or f"photo {photo.pk}")
                continue
            # Valid renditions are kept without a save; the dimensions loaddata left empty are
            # filled in from the file (pages never read them from it: StoredDimensionsImageField).
            if image_field.fill_dimensions(photo):
                changes.update(width=photo.width, height=photo.height)
            if changes:
                Photo.objects.filter(pk=photo.pk).update(**changes)
        return built, restored, missing

    def record_revisions(self, model_labels: list[str]) -> list[str]:
        """First revisions for loaded rows that have none; returns the versioned model labels."""
        admin.autodiscover()
        versioned = [label for label in model_labels if is_registered(apps.get_model(label))]
        if versioned:
            call_command("createinitialrevisions", *versioned, comment=REVISION_COMMENT, verbosity=0)
        return versioned

    def report(self, paths, records, generated, present, built, restored, missing, revisions_created, versioned):
        per_model = Counter(record["model"] for record in records)
        self.stdout.write(f"Fixtures: {', '.join(path.name for path in paths)} ({len(records)} records)")
        for label in sorted(per_model):
            model = apps.get_model(label)
            self.stdout.write(f"  {model._meta.verbose_name_plural} ({label}): {per_model[label]}")
        self.stdout.write(f"Placeholder images: {generated} generated, {present} already present")
        self.stdout.write(f"Renditions: {built} built, {restored} kept from before the load")
        self.stdout.write(f"Revisions: {revisions_created} new")
        unversioned = sorted(set(per_model) - set(versioned))
        if unversioned:
            self.stderr.write(self.style.WARNING(f"No revision history registered for: {', '.join(unversioned)}"))
        if missing:
            self.stderr.write(self.style.WARNING(f"Image files missing, no renditions: {', '.join(missing)}"))
        self.stdout.write(self.style.SUCCESS("Initial data loaded."))
