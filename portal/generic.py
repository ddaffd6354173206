"""Generic views every section uses: filtered, paginated lists and draft-aware details."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from .filters import PlainSelect
from .metadata import Crumb, lead_photo, page_crumb
from .registry import registry


def public_linked(related, only: tuple[str, ...] = ()):
    """The rows of `related` that are public, as linked rows are read: each asked by its primary
    key (an EXISTS), not as a join of every public row: without table statistics SQLite would
    otherwise scan all public photos or platforms for each prefetch (25 ms at 10x the sample
    data, against under 1 ms). `only`: the fields a page shows of them (a link: name and slug);
    a template reading another field then costs a query per row, so list pages count queries."""
    queryset = related.objects.filter(Exists(related.objects.published().filter(pk=OuterRef("pk"))))
    return queryset.only(*only) if only else queryset


def public_rows(model, lookup: str, only: tuple[str, ...] = ()) -> Prefetch | str:
    """Prefetch the relation `lookup` of `model` ("partners", or "platforms__tech_fields"),
    keeping only the public rows of its last model when that model has a `published()` rule
    (`public_linked`): a linked partner, platform or photo shows only while it is public itself.
    `only`: read just these fields of the linked rows."""
    *path, name = lookup.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    related = model._meta.get_field(name).related_model
    if hasattr(related.objects, "published"):
        return Prefetch(lookup, queryset=public_linked(related, only))
    return Prefetch(lookup, queryset=related.objects.only(*only)) if only else lookup


class RelatedRowsMixin:
    """`select_related` and `prefetch_related` as class attributes: the joins and prefetches the
    page's template needs, so it runs a fixed number of queries however many rows it shows.
    Prefetched rows of a Publishable model are its public rows only (see `public_rows`)."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*(public_rows(queryset.model, lookup) for lookup in self.prefetch_related))
        return queryset


class PageMetadataMixin:
    """What templates/base.html writes about a page besides its content (see portal.metadata):

    - `breadcrumbs`: the trail below 首页, for the visible breadcrumbs and the JSON-LD
      BreadcrumbList alike: the registered pages above (`breadcrumb_parents`, URL names), then
      this page, named `breadcrumb_label` or as it is registered;
    - `lead_photo`: the photo link previews show (None: the site's default image);
    - `structured_data`: the page's schema.org nodes (never a 示例 row), from the context.
    """

    breadcrumb_parents: tuple[str, ...] = ()
    breadcrumb_label: str = ""

    def get_breadcrumbs(self) -> list[Crumb]:
        label = self.breadcrumb_label
        if not label:
            page = registry.page(self.request.resolver_match.view_name)
            label = page.label if page else ""
        return [*map(page_crumb, self.breadcrumb_parents), Crumb(label)]

    def get_lead_photo(self):
        return None

    def get_structured_data(self, context) -> list[dict]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        context["lead_photo"] = self.get_lead_photo()
        context["structured_data"] = self.get_structured_data(context)
        return context


def offers_choices(field: forms.Field) -> bool:
    """Whether a filter field lets the reader pick: a choice field with a non-empty choice."""
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset.exists()
    if isinstance(field, forms.ChoiceField):
        return any(value not in field.empty_values for value, _label in field.choices)
    return False


class PublishedListView(PageMetadataMixin, RelatedRowsMixin, FilterView):
    """A FilterView over published rows that never fails on a bad query string.

    Invalid filter values show the page with a message and no rows (django-filter's strict
    mode); a page number out of range or not a number shows the nearest real page.

    The page's name and description are given once, where the page is registered (its NavItem
    in the section's nav): templates/portal/list_base.html puts the name in <title>, the
    breadcrumb and the <h1>, and base.html the description in the <meta> description. The
    canonical address keeps the page number (`canonical_page`) only while no filter narrows it.

    `shows_sample` is true when a row on the page is a sample or shows one (the row's
    `shows_sample`, SampleMixin): base.html then writes the sample banner and `noindex`.
    """

    paginate_by = settings.PORTAL_PAGE_SIZE
    template_name_suffix = "_list"
    # The open-data resource (its prefix, e.g. "parks/honours") whose file of every filtered row
    # the page offers as "下载 CSV / JSON" (portal.downloads); None: no download links.
    download_resource: str | None = None

    def get_queryset(self):
        return super().get_queryset().published()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        requested = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(requested)
        if requested not in (None, "", str(page.number)):
            message = _("没有第 %(requested)s 页，已显示第 %(number)d 页。")
            shown = "".join(char for char in requested[:20] if char.isprintable())  # never a NUL byte in the page
            messages.info(self.request, message % {"requested": shown, "number": page.number})
        return paginator, page, page.object_list, page.has_other_pages()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            if type(field.widget) is forms.Select:
                # The same markup without a template include per option (portal.filters.PlainSelect);
                # the widget keeps its state (choices, attributes), only its rendering changes.
                field.widget.__class__ = PlainSelect
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                # Django's message for a refused choice repeats the value as sent (a NUL byte, a
                # 300-character name) into the page; say it as a ModelChoiceField does, without it.
                refused = forms.ModelChoiceField.default_error_messages["invalid_choice"]
                field.error_messages = {**field.error_messages, "invalid_choice": refused}
        return filterset

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            messages.warning(request, _("筛选条件有误，请检查下方标红的选项后重试。"))
        return response

    def show_filters(self, paginator) -> bool:
        """Whether the filter form helps: always while filters are applied or refused; otherwise
        when the (unfiltered) list has more than one page or a field offers choices. Fields with
        fixed choices are asked first, so a query runs only when nothing else decides."""
        form = self.filterset.form
        if form.is_bound and (form.errors or form.changed_data):
            return True
        if paginator is not None and paginator.num_pages > 1:
            return True
        fields = sorted(form.fields.values(), key=lambda field: isinstance(field, forms.ModelChoiceField))
        return any(offers_choices(field) for field in fields)

    def get_page_title(self) -> str:
        page = registry.page(self.request.resolver_match.view_name)
        return page.label if page else self.model._meta.verbose_name_plural

    def get_breadcrumbs(self) -> list[Crumb]:
        """The section's home page (if this is not it), then this list."""
        home = registry.section_home(self.request.resolver_match.view_name)
        return [*([page_crumb(home.url_name)] if home else []), Crumb(self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = bool(self.filterset.form.changed_data) if self.filterset.is_valid() else False
        context["show_filters"] = self.show_filters(context["paginator"])
        context["page_title"] = self.get_page_title()
        page_obj = context.get("page_obj")
        filtered = self.filterset.is_bound and bool(self.filterset.form.changed_data)
        context["canonical_page"] = page_obj.number if page_obj is not None and not filtered else 1
        # The page's rows, which the template renders anyway: no query of its own.
        context["shows_sample"] = any(getattr(row, "shows_sample", False) for row in context["object_list"])
        refused = self.filterset.is_bound and not self.filterset.is_valid()
        context["downloads"] = [] if refused else self.get_downloads()
        return context

    def get_downloads(self) -> list[dict]:
        """Links to every row the current filters select, as CSV (for a table) and JSON: the
        resource's `?download=1` with this page's query, sample rows included as the page shows
        them (each flagged `is_sample`), without the page number."""
        viewset = dict(registry.api_resources).get(self.download_resource) if self.download_resource else None
        if viewset is None:
            return []
        query = self.request.GET.copy()
        for name in (self.page_kwarg, "format", "download", "include_samples"):
            query.pop(name, None)
        query.update({"download": "1", "include_samples": "1"})
        url = reverse(f"api:{self.download_resource.replace('/', '-')}-list")
        kinds = [("csv", _("CSV（Excel 可直接打开）"))] if viewset.tabular else []
        links = []
        for kind, label in [*kinds, ("json", "JSON")]:
            query["format"] = kind
            links.append({"url": f"{url}?{query.urlencode()}", "label": label})
        return links


class PublishedDetailView(PageMetadataMixin, RelatedRowsMixin, DetailView):
    """Detail of a published row; staff also see drafts, marked as a preview. A sample row's
    page (`shows_sample`) carries the sample banner and `noindex` (base.html)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_breadcrumbs(self) -> list[Crumb]:
        """The registered pages above (`breadcrumb_parents`), then the row, by its name."""
        row = self.object
        return [*map(page_crumb, self.breadcrumb_parents), Crumb(str(row), sample=getattr(row, "is_sample", False))]

    def get_lead_photo(self):
        return lead_photo(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not getattr(self.object, "is_published", True)
        context["shows_sample"] = getattr(self.object, "shows_sample", False)
        return context
