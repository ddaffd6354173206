"""Profile the public pages in-process: `python scripts/profile_pages.py [-n 30] [--profile URL]`.

Renders every public page type through Django's test Client against the database the
environment names (DATABASE_URL), N times after one warm-up request, and prints per page the
median process CPU time per request (time.process_time: the view, the template and the ORM, without
a network or a web server), the SQL queries and the HTML bytes. `--profile URL` also prints
cProfile's top functions for that one page. Use production-like settings, e.g.:

    export DATABASE_URL=sqlite:////tmp/prof.sqlite3 DJANGO_MEDIA_ROOT=/tmp/prof-media \\
        DJANGO_DEBUG=false DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=testserver \\
        DJANGO_SECURE_HTTPS=false PORTAL_SINGLE_PROCESS=true
    .venv/bin/python scripts/profile_pages.py -n 30

`make bench` (scripts/bench.py) measures the served site under gunicorn; this script is for
finding where a page's time goes.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def detail_url(app_label: str, model_name: str) -> str | None:
    """The address of the first public row of a model, or None when it has none."""
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    row = model.objects.published().order_by("pk").first()
    return row.get_absolute_url() if row is not None else None


def pages() -> list[tuple[str, str]]:
    """(name, URL) of every public page type: home, section homes, lists (and one filtered),
    details, search with a 2-character query, gallery, site map, sitemap.xml (the index and
    one page of its biggest section), feed."""
    from django.urls import reverse

    found = [
        ("home", reverse("portal:home")),
        ("parks home", reverse("parks:park-home")),
        ("talent home", reverse("talent:talent-home")),
        ("innovation home", reverse("innovation:innovation-home")),
        ("article list", reverse("portal:article-list")),
        ("photo list", reverse("portal:photo-list")),
        ("area list", reverse("parks:area-list")),
        ("milestone list", reverse("parks:milestone-list")),
        ("industry list", reverse("parks:industry-list")),
        ("indicators", reverse("parks:indicator-list")),
        ("honour list", reverse("parks:honour-list")),
        ("award list", reverse("talent:award-list")),
        ("laureate list", reverse("talent:laureate-list")),
        ("expert list", reverse("talent:expert-list")),
        ("expert list ?q", reverse("talent:expert-list") + "?q=%E5%BC%A0"),
        ("platform list", reverse("innovation:platform-list")),
        ("platform list ?q", reverse("innovation:platform-list") + "?q=%E4%B8%AD%E5%BF%83"),
        ("partner list", reverse("innovation:partner-list")),
        ("enterprise list", reverse("innovation:enterprise-list")),
        ("event list", reverse("innovation:event-list")),
        ("achievement list", reverse("innovation:achievement-list")),
        ("cooperation list", reverse("innovation:cooperation-list")),
        ("search 2 chars", reverse("portal:search") + "?q=%E5%9B%AD%E5%8C%BA"),
        ("site map", reverse("portal:site-map")),
        ("sitemap.xml", "/sitemap.xml"),
        ("sitemap section", reverse("sitemap-section", kwargs={"section": "portal-photo"})),
        ("feed", reverse("portal:article-feed")),
    ]
    for name, app_label, model_name in [
        ("park", "parks", "Park"),
        ("article", "portal", "Article"),
        ("photo", "portal", "Photo"),
        ("award", "talent", "Award"),
        ("expert", "talent", "Expert"),
        ("platform", "innovation", "Platform"),
        ("partner", "innovation", "PartnerInstitution"),
        ("enterprise", "innovation", "Enterprise"),
    ]:
        url = detail_url(app_label, model_name)
        if url:
            found.append((name, url))
    return found


def measure(client, url: str, repeat: int) -> tuple[float, int, int, int]:
    """median CPU ms per request, queries per request, bytes and status of `url`."""
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    response = client.get(url)  # warm-up: template loading, first-use caches
    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.process_time()
        response = client.get(url)
        times.append(time.process_time() - started)
    # The median: other processes on a shared machine inflate some requests (the mean) far more
    # than they deflate any.
    return statistics.median(times) * 1000, len(executed), len(response.content), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="requests per page after the warm-up")
    parser.add_argument("--only", help="only pages whose name contains this text")
    parser.add_argument("--skip", action="append", default=[], help="leave out pages whose name contains this text")
    parser.add_argument("--profile", metavar="URL", help="cProfile this URL and print the top functions")
    parser.add_argument("--top", type=int, default=30, help="functions shown with --profile")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    # No setup_test_environment(): its instrumented template rendering would add to the times.
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["testserver"])[0].lstrip(".") or "testserver")

    if args.profile:
        client.get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            client.get(args.profile)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        return

    print(f"DEBUG={settings.DEBUG} database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} n={args.n}")
    print(f"{'page':<20} {'ms/req':>7} {'queries':>7} {'bytes':>8}  status  url")
    total = 0.0
    for name, url in pages():
        if args.only and args.only not in name or any(text in name for text in args.skip):
            continue
        ms, queries, size, status = measure(client, url, args.n)
        total += ms
        print(f"{name:<20} {ms:7.1f} {queries:7d} {size:8d}  {status:>6}  {url}")
    print(f"{'total':<20} {total:7.1f}")


if __name__ == "__main__":
    main()
