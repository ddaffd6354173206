"""The shell's pages: home, gallery, articles, search and robots.txt."""

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.static import serve

from .filters import ArticleFilter, PhotoFilter
from .generic import PublishedDetailView, PublishedListView
from .models import Article, Photo
from .registry import registry

SEARCH_RESULTS_PER_SOURCE = 20
SEARCH_MAX_QUERY_LENGTH = 100


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["blocks"] = [
            {"template": block.template, "name": block.name, **block.get_context(self.request)} for block in registry.home_blocks
        ]
        return context


class PhotoListView(PublishedListView):
    model = Photo
    filterset_class = PhotoFilter
    paginate_by = 24
    prefetch_related = ("tags",)


class PhotoDetailView(PublishedDetailView):
    model = Photo
    prefetch_related = ("tags", "articles")


class ArticleListView(PublishedListView):
    model = Article
    filterset_class = ArticleFilter
    paginate_by = 10


class ArticleDetailView(PublishedDetailView):
    model = Article
    prefetch_related = ("sections", "photos")


class SearchView(TemplateView):
    """Substring search over every registered source: right for Chinese, which has no spaces
    between words. Each space-separated term must match; one query per source."""

    template_name = "portal/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw_query = self.request.GET.get("q", "").replace("\x00", "")  # PostgreSQL refuses NUL
        query = " ".join(raw_query.split())[:SEARCH_MAX_QUERY_LENGTH]
        groups = []
        if query:
            for source in registry.search_sources:
                condition = Q()
                for term in query.split():
                    term_condition = Q()
                    for field_name in source.fields:
                        term_condition |= Q(**{f"{field_name}__icontains": term})
                    condition &= term_condition
                rows = list(source.get_queryset().filter(condition).distinct()[:SEARCH_RESULTS_PER_SOURCE])
                if rows:
                    groups.append({"label": source.label, "results": rows})
        context.update(query=query, groups=groups, total=sum(len(group["results"]) for group in groups))
        return context


def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def healthz(request):
    return HttpResponse(_("正常"), content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the hashed icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def serve_media(request, path):
    """Uploaded files, in development only (production serves MEDIA_ROOT from the web server).
    MEDIA_ROOT is read per request so a changed setting (as in the test suite) is honoured."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
