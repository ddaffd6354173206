"""Rebuild the site search index: `python manage.py rebuild_search_index`.

Builds every entry and its postings (the character pairs search looks up) anew from the search
sources the sections register (portal.search), in one transaction, and reports each source as it
goes and a summary at the end. Safe to repeat: a second run writes the same entries. Saves,
deletions and link changes keep the index current on their own; run this after changes that bypass
model signals (raw SQL, `queryset.update()`, loaddata), or after a source's document changed. The
loading commands run it when they are done.
"""

from django.core.management.base import BaseCommand

from portal.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the site search index from every registered search source, in one transaction."

    def handle(self, *args, **options):
        def progress(source, count):
            self.stdout.write(f"  {source.label} ({source.model._meta.label_lower}): {count}")

        result = rebuild_index(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {result['entries']} entries from {result['sources']} sources ({result['before']} before)."
                f" {result['postings']} character-pair postings."
            )
        )
