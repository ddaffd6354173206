"""Generate demo data at scale: `python manage.py generate_demo_data --scale N --seed S`.

N=1 writes about 1,000 experts, 500 platforms, 200 enterprises, 2,000 photos, 50 award cycles,
5,000 laureates and 200 articles with the rows around them; N=10 ten times that; fractions work
(0.05). See portal/demo.py for how rows are built, marked and found again.

A run first removes the rows an earlier run generated (so running again with the same scale and
seed gives the same rows, never twice as many), then writes the portal's rows and each
section's in bulk, one transaction per model with a progress line (rows per second), rebuilds
the search index once, starts a new page-cache generation (bulk inserts send no signals) and
ends with a summary table. Remove everything with
`python manage.py remove_sample_data`.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from portal.demo import DemoRun, after_bulk_changes, generate_all, remove_generated


class Command(BaseCommand):
    help = "Generate demo data at scale N (bulk inserts, repeatable with --seed); removable with remove_sample_data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="N: 1 is ~1,000 experts, 10 is ~10,000 (fractions allowed).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random numbers: the same seed gives the same rows.")

    def handle(self, *args, scale, seed, **options):
        if not 0 < scale <= 1000:
            raise CommandError("--scale must be greater than 0 and at most 1000.")
        started = time.perf_counter()
        self.stdout.write("Removing rows generated earlier…")
        removed = remove_generated(self.stdout.write)
        self.stdout.write(f"Removed {removed} rows in {time.perf_counter() - started:.1f} s.")
        self.stdout.write(f"Generating demo data at scale {scale:g}, seed {seed}:")
        run = DemoRun(scale=scale, seed=seed, write=self.stdout.write)
        generate_all(run)
        self.stdout.write("Rebuilding the search index:")
        index_started = time.perf_counter()

        def progress(source, count):
            self.stdout.write(
                f"  {source.model._meta.label_lower}: {count} entries ({time.perf_counter() - index_started:.1f} s)"
            )

        entries = after_bulk_changes(progress)
        index_seconds = time.perf_counter() - index_started
        self.write_summary(run, entries, index_seconds, time.perf_counter() - started)

    def write_summary(self, run: DemoRun, entries: int, index_seconds: float, total_seconds: float) -> None:
        width = max(len(result.label) for result in run.results)
        self.stdout.write("")
        self.stdout.write(f"{'model':<{width}}  {'rows':>8}  {'links':>8}  {'seconds':>8}  {'rows/s':>9}")
        for result in run.results:
            self.stdout.write(
                f"{result.label:<{width}}  {result.rows:>8}  {result.links:>8}  {result.seconds:>8.1f}  {result.rate:>9,.0f}"
            )
        rows = sum(result.rows for result in run.results)
        links = sum(result.links for result in run.results)
        generate_seconds = sum(result.seconds for result in run.results)
        self.stdout.write(f"{'total':<{width}}  {rows:>8}  {links:>8}  {generate_seconds:>8.1f}")
        self.stdout.write(f"Search index: {entries} entries in {index_seconds:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data generated in {total_seconds:.1f} s. Remove it with: python manage.py remove_sample_data"
            )
        )
