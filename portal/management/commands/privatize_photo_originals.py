"""Make stored photo originals private: `python manage.py privatize_photo_originals`.

Migration 0005 does this once for the photos already there; run it again after restoring old
media from a backup. Each original not yet in `photos/originals/<random>` is re-saved without
GPS, camera and other private metadata under a random name, its renditions are rebuilt under
random names, and the replaced files are deleted. Safe to repeat: a second run changes nothing.
`--delete-unused` also deletes old-layout originals no photo uses (earlier uploads of a replaced
image); run it only once the database is restored, or every file looks unused.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import page_cache
from portal.images import privatize_stored_photos
from portal.models import Photo


class Command(BaseCommand):
    help = "Strip private metadata from stored photo originals and give originals and renditions random names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-unused",
            action="store_true",
            help="Also delete files under photos/ (outside photos/originals/) that no photo uses.",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = privatize_stored_photos(Photo, sweep_unused=options["delete_unused"], log=self.stdout.write)
            if (counts["privatized"] or counts["renamed_renditions"]) and page_cache.enabled():
                transaction.on_commit(page_cache.bump)  # cached pages name the renditions just replaced
        self.stdout.write(
            self.style.SUCCESS(
                f"Photos: {counts['privatized']} originals made private, {counts['renamed_renditions']} with renamed "
                f"renditions only, {counts['current']} already private, {counts['missing']} missing files; "
                f"{counts['deleted']} replaced files deleted."
            )
        )
        if counts["unreadable"]:
            self.stderr.write(
                self.style.WARNING(
                    f"{counts['unreadable']} originals cannot be read as images and were left as they are: see above."
                )
            )
