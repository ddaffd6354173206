"""Give stored photos their AVIF and WebP renditions: `python manage.py add_rendition_formats`.

Migration 0007 does this once for the photos already there; run it again after restoring media
and a database from before the formats. Beside each JPEG rendition that has none, the missing
formats (portal.images.RENDITION_FORMATS) are written from the original at the same size and
recorded in the photo's renditions; the JPEGs and their URLs stay. Safe to repeat: a second run
writes nothing. Progress is printed every 100 photos.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import page_cache
from portal.images import add_rendition_formats
from portal.models import Photo


class Command(BaseCommand):
    help = "Write the AVIF and WebP renditions that stored photos lack, beside their JPEG renditions."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = add_rendition_formats(Photo, log=self.stdout.write)
            if counts["added"] and page_cache.enabled():
                transaction.on_commit(page_cache.bump)  # update() sends no signal: cached pages offer the formats too
        self.stdout.write(
            self.style.SUCCESS(
                f"Photos: {counts['added']} given new formats, {counts['current']} already had them, "
                f"{counts['without_renditions']} without renditions."
            )
        )
        if counts["unreadable"]:
            self.stderr.write(
                self.style.WARNING(f"{counts['unreadable']} photos have no readable image or rendition: see above.")
            )
