"""The shell's pages: home, gallery, articles, search (and its OpenSearch description), robots.txt."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.static import serve

from . import care_mode, metadata, search
from .filters import ArticleFilter, PhotoFilter
from .generic import PageMetadataMixin, PublishedDetailView, PublishedListView
from .models import Article, Photo, without_samples
from .registry import registry

SITE_MAP_ROWS_PER_MODEL = 20


class HomeView(PageMetadataMixin, TemplateView):
    template_name = "portal/home.html"

    def get_breadcrumbs(self):
        return []

    def get_structured_data(self, context):
        """What the sections say about the site's owner (the zone, from the park section)."""
        return [node for provider in registry.home_structured_data for node in provider(self.request)]

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
    breadcrumb_parents = ("portal:photo-list",)

    def get_structured_data(self, context):
        return [metadata.image_object(self.request, self.object)]


class ArticleListView(PublishedListView):
    model = Article
    filterset_class = ArticleFilter
    paginate_by = 10


class ArticleDetailView(PublishedDetailView):
    model = Article
    prefetch_related = ("sections", "photos")
    breadcrumb_parents = ("portal:article-list",)

    def get_structured_data(self, context):
        """The article as schema.org Article. datePublished is the article's own date as far as it
        is known ("2018-01"), else none: `published_at` is when the portal put it online."""
        article, request = self.object, self.request
        url = metadata.canonical_url(request)
        node = {
            "@type": "Article",
            "headline": article.title,
            "alternativeHeadline": article.subtitle,
            "description": article.summary,
            "articleSection": article.column,
            "datePublished": article.date_iso,
            "isPartOf": {"@type": "Periodical", "name": article.source} if article.source else None,
            "author": {"@type": "Person", "name": article.author} if article.author else None,
            "image": metadata.image_object(request, context["lead_photo"]),
            "inLanguage": metadata.CONTENT_LANGUAGE,
            "url": url,
            "mainEntityOfPage": url,
        }
        return [metadata.compact(node)]


class SearchView(PageMetadataMixin, TemplateView):
    """Site search over the index every section feeds (portal.search): each space-separated
    term must occur, as a substring (right for Chinese, which has no spaces between words).
    A fixed number of queries, and bounded work, whatever the number of sections and rows: the
    newest matches (at most search.MAX_RESULTS, ranked and counted per section) and one page of
    entries; when more match, the page says so rather than counting them."""

    template_name = "portal/search.html"
    paginate_by = settings.PORTAL_PAGE_SIZE
    breadcrumb_label = gettext_lazy("搜索")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, terms = search.parse_query(self.request.GET.get("q", ""))
        context.update(query=query, too_short=len(query) < search.MIN_QUERY_LENGTH, total=0)
        if context["too_short"]:
            return context
        found = search.find(terms)
        paginator = Paginator(found.ranked, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        results = [
            {
                "entry": entry,
                "title": search.highlight(entry.title, terms),
                "excerpt": search.excerpt(entry.body, terms),
            }
            for entry in (search.entries(page.object_list) if found.ranked else [])
        ]
        context.update(
            total=paginator.count,
            more=found.more,
            partial=found.partial,
            scanned=search.MAX_SCANNED_ENTRIES,
            sections=found.sections,
            results=results,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            # Like a list page: sample rows among the results bring the sample banner (base.html).
            shows_sample=any(result["entry"].is_sample for result in results),
        )
        return context


class SiteMapView(PageMetadataMixin, TemplateView):
    """The human-readable site map: the portal's own pages and each section's, with what each
    offers (from the registry), and the first detail pages of every registered model (public,
    no 示例 rows), with a link to the list when there are more."""

    template_name = "portal/site_map.html"
    breadcrumb_label = gettext_lazy("网站地图")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        section_items = {item for nav in registry.section_navs.values() for item in nav.items}
        list_pages = {reverse(item.url_name): item for item in [*registry.nav, *section_items]}
        details: dict[str, list] = {}
        for model in registry.sitemap_models:
            rows = list(without_samples(model.objects.published())[: SITE_MAP_ROWS_PER_MODEL + 1])
            if not rows:
                continue
            # Detail pages live at /<section>/<plural>/<slug>/ (tests/test_urls.py): the list is the parent.
            parent = rows[0].get_absolute_url().rstrip("/").rpartition("/")[0] + "/"
            details.setdefault(model._meta.app_label, []).append(
                {
                    "label": model._meta.verbose_name_plural,
                    "rows": rows[:SITE_MAP_ROWS_PER_MODEL],
                    "more": list_pages.get(parent) if len(rows) > SITE_MAP_ROWS_PER_MODEL else None,
                }
            )
        own = [item for item in registry.nav if item not in section_items]
        context["groups"] = [{"label": "", "pages": own, "details": details.get("portal", [])}] + [
            {"label": nav.label, "pages": nav.items, "details": details.get(section, [])}
            for section, nav in registry.section_navs.items()
        ]
        return context


def opensearch(request):
    """The OpenSearch description that lets a browser add the site's search."""
    context = {
        "search_url": request.build_absolute_uri(reverse("portal:search")),
        "self_url": request.build_absolute_uri(reverse("opensearch")),
        "icon_url": request.build_absolute_uri(static("img/favicon.svg")),
    }
    return render(request, "portal/opensearch.xml", context, content_type="application/opensearchdescription+xml; charset=utf-8")


def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def care_mode_switch(request):
    """Turn 关怀版 on (mode=on) or off (anything else) and go back to the page the reader was on.

    A POST, so crawlers and link prefetchers never flip it. CSRF-exempt on purpose: the only
    effect is a display preference in the reader's own browser (a forged request could at most
    enlarge the text), and a CSRF token in every page's header would set a cookie on every
    anonymous page view and spoil shared caching. `next` must be a page of this site; anything
    else (another host, a scheme change, missing) goes home."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    response = HttpResponseRedirect(target)
    return care_mode.set_preference(response, on=request.POST.get("mode") == "on")


def healthz(request):
    return HttpResponse(_("正常"), content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the hashed icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def serve_media(request, path):
    """Uploaded files, in development only (production serves MEDIA_ROOT from the web server).
    MEDIA_ROOT is read per request so a changed setting (as in the test suite) is honoured.
    A name the file system refuses (too long: ENAMETOOLONG) is a missing file, not a 500."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError as error:
        raise Http404(_("没有这个文件。")) from error
