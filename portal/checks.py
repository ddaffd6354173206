"""System checks of the portal's own production rules (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, checks.Tags.caches, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs):
    """In production the rate limits need a cache every gunicorn worker shares: with a
    process-local one each worker counts alone (3 workers: 15 nominations an hour, not 5) and a
    restart forgets. PORTAL_SINGLE_PROCESS=true declares a one-process deployment."""
    if settings.DEBUG or getattr(settings, "PORTAL_SINGLE_PROCESS", False):
        return []
    cache_name = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(cache_name, {}).get("BACKEND", "")
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Error(
            f"The rate limits use the process-local cache {backend}: each worker process counts "
            "separately and a restart forgets the counts. / 频率限制使用的是进程内缓存，"
            "每个工作进程各自计数，重启后清零。",
            hint="Set DJANGO_CACHE_URL=redis://127.0.0.1:6379/0 (README, production), or "
            "PORTAL_SINGLE_PROCESS=true if exactly one process serves the site. / "
            "请设置 DJANGO_CACHE_URL 指向 Redis；若确实只运行一个进程，可设置 PORTAL_SINGLE_PROCESS=true。",
            id="portal.E001",
        )
    ]
