"""Generic views every section uses: filtered, paginated lists and draft-aware details."""

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView


class PublishedListView(FilterView):
    """A FilterView over published rows that never fails on a bad query string.

    Invalid filter values show the page with a message and no rows (django-filter's strict
    mode); a page number out of range or not a number shows the nearest real page.
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_filters"] = bool(self.filterset.form.changed_data) if self.filterset.is_valid() else False
        return context


class PublishedDetailView(DetailView):
    """Detail of a published row; staff also see drafts, marked as a preview."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not getattr(self.object, "is_published", True)
        return context
