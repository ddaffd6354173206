"""The project URLconf: the shell's pages, each section's namespace, admin, feeds, sitemaps."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import api, sitemaps, views
from .feeds import LatestArticlesFeed

portal_patterns = (
    [
        path("", views.HomeView.as_view(), name="home"),
        path("photos/", views.PhotoListView.as_view(), name="photo-list"),
        path("photos/<slug:slug>/", views.PhotoDetailView.as_view(), name="photo-detail"),
        path("articles/", views.ArticleListView.as_view(), name="article-list"),
        path("articles/feed/", LatestArticlesFeed(), name="article-feed"),
        path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
        path("search/", views.SearchView.as_view(), name="search"),
        path("sitemap/", views.SiteMapView.as_view(), name="site-map"),
        path("care-mode/", views.care_mode_switch, name="care-mode"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("parks/", include("parks.urls")),
    path("park/", include("parks.legacy_urls")),  # permanent redirects from the old addresses
    path("talent/", include("talent.urls")),
    path("innovation/", include("innovation.urls")),
    path("api/v1/", include((api.urls(), "api"))),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
]

if settings.SERVE_MEDIA:
    # Development and the test suite; production serves MEDIA_ROOT from the web server.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", views.serve_media)]
