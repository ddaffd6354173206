"""Generic views every section uses: filtered, paginated lists and draft-aware details."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from .registry import registry


def public_rows(model, lookup: str) -> Prefetch | str:
    """Prefetch the relation `lookup` of `model` ("partners", or "platforms__tech_fields"),
    keeping only the public rows of its last model when that model has a `published()` rule:
    a linked partner, platform or photo shows only while it is public itself."""
    *path, name = lookup.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    related = model._meta.get_field(name).related_model
    if hasattr(related.objects, "published"):
        return Prefetch(lookup, queryset=related.objects.published())
    return lookup


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


def offers_choices(field: forms.Field) -> bool:
    """Whether a filter field lets the reader pick: a choice field with a non-empty choice."""
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset.exists()
    if isinstance(field, forms.ChoiceField):
        return any(value not in field.empty_values for value, _label in field.choices)
    return False


class PublishedListView(RelatedRowsMixin, FilterView):
    """A FilterView over published rows that never fails on a bad query string.

    Invalid filter values show the page with a message and no rows (django-filter's strict
    mode); a page number out of range or not a number shows the nearest real page.

    The page's name and description are given once, where the page is registered (its NavItem
    in the section's nav): templates/portal/list_base.html puts the name in <title>, the
    breadcrumb and the <h1>.
    """

    paginate_by = settings.PORTAL_PAGE_SIZE
    template_name_suffix = "_list"

    def get_queryset(self):
        return super().get_queryset().published()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        requested = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(requested)
        if requested not in (None, "", str(page.number)):
            message = _("没有第 %(requested)s 页，已显示第 %(number)d 页。")
            messages.info(self.request, message % {"requested": requested[:20], "number": page.number})
        return paginator, page, page.object_list, page.has_other_pages()

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = bool(self.filterset.form.changed_data) if self.filterset.is_valid() else False
        context["show_filters"] = self.show_filters(context["paginator"])
        page = registry.page(self.request.resolver_match.view_name)
        context["page_title"] = page.label if page else self.model._meta.verbose_name_plural
        context["meta_description"] = page.description if page else ""
        return context


class PublishedDetailView(RelatedRowsMixin, DetailView):
    """Detail of a published row; staff also see drafts, marked as a preview."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not getattr(self.object, "is_published", True)
        return context
