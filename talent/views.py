"""Public pages of the talent section: awards, laureates, the nomination form and its status
lookup, the experts directory. Lists start from `.published()` (through the portal's generic
views) and carry their joins and prefetches, so each page runs a fixed number of queries.
Nominations are never listed publicly: a nominator sees one, by reference *and* e-mail."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from portal import metadata
from portal.dates import format_local_datetime
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView
from portal.metadata import Crumb, page_crumb
from portal.publishing import Status
from portal.ratelimits import over_limit

from .filters import AwardFilter, ExpertFilter, LaureateFilter, ListedChoices
from .forms import NominationForm, StatusLookupForm
from .ics import deadline_calendar
from .models import (
    CYCLE_YEAR_MIN,
    Award,
    AwardCategory,
    AwardCycle,
    CycleStatus,
    Expert,
    ExpertField,
    ExpertProgramme,
    ExpertService,
    Laureate,
    public_in_its_cycle,
)
from .registrations import open_calls_context
from .services import DuplicateNomination, NominationClosed, submit_nomination

SESSION_SUBMISSION_KEY = "talent.submitted_nomination"
TALENT_HOME_AWARD_COUNT = 6
TALENT_HOME_PROGRAMME_COUNT = 3


def ratelimited_response(request, status=429):
    response = render(request, "talent/ratelimited.html", status=status)
    response["Retry-After"] = "3600"
    return response


def limited(request, group: str, rate: str) -> bool:
    """Count this request against the client's limit for `group`; True when over it."""
    return over_limit(request, group, rate, increment=True)


# --- awards ---------------------------------------------------------------------------------

# An award's long texts, which its page shows and no card does (the award list, the home page).
AWARD_CARD_UNSHOWN = ("description", "eligibility", "nominator_eligibility", "selection_procedure", "source_note")


class TalentHomeView(PageMetadataMixin, TemplateView):
    """/talent/: what the section offers — calls open now, the awards, the expert service."""

    template_name = "talent/talent_home.html"

    def get(self, request, *args, **kwargs):
        if request.GET:
            # /talent/ was the award list: its filtered addresses now live at /talent/awards/.
            return HttpResponsePermanentRedirect(f"{reverse('talent:award-list')}?{request.GET.urlencode()}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        awards = Award.objects.published().defer(*AWARD_CARD_UNSHOWN).with_current_phase()
        context["open_calls"] = {"name": "talent-open-calls", **open_calls_context(self.request)}
        # One query: a row past the shown ones says whether there are more.
        shown = list(awards[: TALENT_HOME_AWARD_COUNT + 1])
        context["awards"] = shown[:TALENT_HOME_AWARD_COUNT]
        context["more_awards"] = len(shown) > TALENT_HOME_AWARD_COUNT
        context["programmes"] = ExpertProgramme.objects.published()[:TALENT_HOME_PROGRAMME_COUNT]
        return context


class AwardListView(PublishedListView):
    """The awards, each with its current cycle: the annotations of with_current_phase() say all
    a card shows of it (no prefetch of every cycle, which grows with the editions)."""

    model = Award
    filterset_class = AwardFilter

    def get_queryset(self):
        categories = AwardCategory.objects.only("award", "name", "ordering")  # a card names them
        queryset = super().get_queryset().defer(*AWARD_CARD_UNSHOWN).with_current_phase()
        return queryset.prefetch_related(Prefetch("categories", queryset=categories))


def banner_for(award: Award, cycles: list[AwardCycle]) -> dict:
    """What a nominator needs first: the open cycle and its deadline, else when the next comes."""
    open_cycle = next((cycle for cycle in cycles if cycle.phase == CycleStatus.OPEN), None)
    if open_cycle:
        return {"kind": "open", "cycle": open_cycle}
    upcoming = [cycle for cycle in cycles if cycle.phase == CycleStatus.UPCOMING]
    if upcoming:
        return {"kind": "upcoming", "cycle": min(upcoming, key=lambda cycle: cycle.nomination_opens)}
    if cycles:
        latest = max(cycles, key=lambda cycle: cycle.nomination_opens)
        return {"kind": "expected", "year": latest.year + award.frequency_years, "cycle": latest}
    return {"kind": "none"}


def cycle_event(request, cycle: AwardCycle) -> dict:
    """A cycle as schema.org Event: its nomination window, named after its award and edition."""
    award = cycle.award
    node = {
        "@type": "Event",
        "name": _("%(cycle)s 提名") % {"cycle": cycle},
        "startDate": metadata.iso_datetime(cycle.nomination_opens),
        "endDate": metadata.iso_datetime(cycle.nomination_closes),
        "organizer": metadata.organization(award.organiser),
        "url": metadata.absolute(request, award.get_absolute_url()),
        "description": award.summary,
    }
    return metadata.compact(node)


# The award page lists the laureates of its newest cycles that have some, at most this many
# each; every cycle with laureates links to all of them (the laureate list by award and year).
# An award's history grows by a cycle every year or two: the page stays the same size.
AWARD_CYCLES_WITH_LAUREATES = 3
AWARD_LAUREATES_PER_CYCLE = 30


def show_laureates(award: Award, past_cycles: list[AwardCycle]) -> None:
    """Give each past cycle `shown_laureates` (those the page lists: one query for all, a
    bounded number per cycle, of the newest cycles with laureates only) and `laureates_url`, the
    laureate list of its award and year, which has them all (`laureate_count`)."""
    shown = [cycle for cycle in past_cycles if cycle.laureate_count][:AWARD_CYCLES_WITH_LAUREATES]
    laureates = Laureate.objects.published().select_related("category")  # no photo: the page shows none
    prefetch_related_objects(shown, Prefetch("laureates", laureates[:AWARD_LAUREATES_PER_CYCLE], to_attr="shown_laureates"))
    list_url = reverse("talent:laureate-list")
    for cycle in past_cycles:
        if cycle not in shown:
            cycle.shown_laureates = []
        cycle.laureates_url = f"{list_url}?{urlencode({'award': award.slug, 'year': cycle.year})}"


class AwardDetailView(PublishedDetailView):
    model = Award
    breadcrumb_parents = ("talent:award-list",)

    def get_queryset(self):
        # Each cycle's public laureates, counted from their (cycle, status) index alone.
        laureate_count = (
            Laureate.objects.filter(public_in_its_cycle(), cycle=OuterRef("pk"))
            .order_by()
            .values("cycle")
            .annotate(count=Count("pk"))
            .values("count")
        )
        cycles = (
            AwardCycle.objects.published()
            .order_by("-nomination_opens")
            .annotate(laureate_count=Coalesce(Subquery(laureate_count), 0))
        )
        return (
            super().get_queryset().prefetch_related("categories", Prefetch("cycles", queryset=cycles, to_attr="published_cycles"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycles = self.object.published_cycles
        context["banner"] = banner_for(self.object, cycles)
        past_cycles = [cycle for cycle in cycles if cycle.phase in (CycleStatus.REVIEW, CycleStatus.ANNOUNCED)]
        show_laureates(self.object, past_cycles)
        context["past_cycles"] = past_cycles
        context["has_sample"] = self.object.is_sample or any(cycle.is_sample for cycle in cycles)
        return context

    def get_structured_data(self, context):
        """Each published cycle's nomination window as an Event (none of a 示例 award or cycle)."""
        award = self.object
        if award.is_sample:
            return []
        cycles = [cycle for cycle in award.published_cycles if not cycle.is_sample]
        for cycle in cycles:
            cycle.award = award  # the prefetched cycles' award is this one: no query per cycle
        return [cycle_event(self.request, cycle) for cycle in cycles]


def laureate_person(request, laureate: Laureate) -> dict | None:
    """A laureate as schema.org Person; None when it, its cycle, award or category is a 示例 row."""
    cycle = laureate.cycle
    if any(row.is_sample for row in (laureate, cycle, cycle.award, laureate.category)):
        return None
    node = {
        "@type": "Person",
        "name": laureate.name,
        "affiliation": metadata.organization(laureate.organisation),
        "award": _("%(cycle)s %(category)s") % {"cycle": cycle, "category": laureate.category.name},
        "description": laureate.citation,
        "url": metadata.absolute(request, laureate.get_absolute_url()),
    }
    return metadata.compact(node)


class CappedPaginator(Paginator):
    """Pages over the first `cap` rows only: counting (and skipping to) rows further down costs
    in proportion to the whole table. `capped` says there are more, which the filters reach."""

    cap = 1000

    @cached_property
    def counted(self) -> int:
        """The rows, counted up to one past the cap (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`)."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


class KeysFirstPaginator(CappedPaginator):
    """A CappedPaginator reading a page in two steps (the laureate list)."""

    def page(self, number):
        """A page read in two steps: its rows' keys in the list's order, then those rows with
        their joins. The database sorts a whole year's laureates to find a page; carrying only
        their keys through that sort, not the joined award, category and photo columns, costs a
        third to a fifth as much at 50,000 laureates (one query more, the same on every page)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.rows(keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)

    def rows(self, keys):
        """The rows of `keys`, in any order (a view may read them without its filters)."""
        return self.object_list.filter(pk__in=keys).order_by()


class LaureateListView(PublishedListView):
    """Every published laureate, newest year first, paginated over the first CappedPaginator.cap
    (KeysFirstPaginator).

    The range on the cycle's year is always true (the cycle_year_plausible constraint): it lets
    the database walk public cycles newest first through their (status, year) index and stop
    once the page is full, rather than join and sort every laureate. SQLite without statistics
    otherwise starts from the laureates' status index, which matches all of them."""

    model = Laureate
    filterset_class = LaureateFilter
    paginator_class = KeysFirstPaginator
    download_resource = "talent/laureates"
    select_related = ("cycle__award", "category", "photo")
    # Long texts of the joined rows that no card shows: the database would carry them through
    # its sort of a year's laureates (three times the time of a deep page at 50,000 laureates).
    unshown = (
        "cycle__award__summary",
        "cycle__award__description",
        "cycle__award__eligibility",
        "cycle__award__nominator_eligibility",
        "cycle__award__selection_procedure",
        "cycle__award__source_note",
        "cycle__notes",
        "category__eligibility",
    )

    def get_queryset(self):
        return super().get_queryset().filter(cycle__year__gte=CYCLE_YEAR_MIN).defer(*self.unshown)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        # The page's rows by key only: the keys come from the filtered, public list just before.
        paginator.rows = lambda keys: (
            Laureate.objects.filter(pk__in=keys).select_related(*self.select_related).defer(*self.unshown).order_by()
        )
        return paginator

    def get_structured_data(self, context):
        """The laureates on this page, each a Person (示例 rows left out)."""
        return [laureate_person(self.request, laureate) for laureate in context["object_list"]]


def cycle_calendar(request, pk):
    """/talent/cycles/<pk>/deadline.ics: the nomination deadline for a calendar. A calendar shows
    no badge, so a sample cycle's event says 示例 in its title and its description."""
    cycle = get_object_or_404(AwardCycle.objects.published().select_related("award"), pk=pk)
    award_url = request.build_absolute_uri(cycle.award.get_absolute_url())
    summary = _("%(award)s 第%(edition)s届 提名截止") % {"award": cycle.award.name, "edition": cycle.edition}
    description = _("提名截止时间：%(deadline)s。%(url)s") % {
        "deadline": format_local_datetime(cycle.nomination_closes),
        "url": award_url,
    }
    if cycle.shows_sample:
        summary = _("【示例】%(summary)s") % {"summary": summary}
        description = _("示例评选周期：虚构的演示数据，不是真实的提名时间。%(description)s") % {"description": description}
    body = deadline_calendar(
        uid=f"talent-cycle-{cycle.pk}-deadline@{request.get_host().split(':')[0]}",
        summary=summary,
        description=description,
        url=award_url,
        deadline=cycle.nomination_closes,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nomination-deadline-{cycle.pk}.ics"'
    return response


# --- nominations ----------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class NominationCreateView(View):
    """The public nomination form of an award's open cycle; closed (and refusing POST) otherwise."""

    template_name = "talent/nomination_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.award = get_object_or_404(Award.objects.published(), slug=kwargs["slug"])
        self.cycle = AwardCycle.objects.published().open_now().filter(award=self.award).order_by("nomination_closes").first()
        if self.cycle is not None:
            self.cycle.award = self.award

    def breadcrumbs(self) -> list[Crumb]:
        award = self.award
        return [
            page_crumb("talent:award-list"),
            Crumb(award.name, award.get_absolute_url(), sample=award.is_sample),
            Crumb(_("在线提名")),
        ]

    def closed(self, request, status=200):
        context = {
            "award": self.award,
            "banner": banner_for(self.award, list(AwardCycle.objects.published().filter(award=self.award))),
            "shows_sample": self.award.shows_sample,
            "breadcrumbs": self.breadcrumbs(),
        }
        return render(request, "talent/nomination_closed.html", context, status=status)

    def render_form(self, request, form, status=200):
        categories = list(AwardCategory.objects.filter(award=self.award))
        context = {
            "award": self.award,
            "cycle": self.cycle,
            "form": form,
            "categories": categories,
            "shows_sample": self.cycle.shows_sample,
            "breadcrumbs": self.breadcrumbs(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        if self.cycle is None:
            return self.closed(request)
        return self.render_form(request, NominationForm(cycle=self.cycle))

    def post(self, request, *args, **kwargs):
        if self.cycle is None:
            return self.closed(request, status=403)
        if limited(request, "talent.nominate", settings.RATELIMIT_NOMINATION_RATE):
            return ratelimited_response(request)
        form = NominationForm(request.POST, request.FILES, cycle=self.cycle)
        if not form.is_valid():
            return self.render_form(request, form)
        data = form.cleaned_data
        try:
            submission = submit_nomination(
                cycle=self.cycle,
                category=data["category"],
                nominee_name=data["nominee_name"],
                nominee_organisation=data["nominee_organisation"],
                statement=data["statement"],
                document=data["supporting_document"],
                nominator_name=data["nominator_name"],
                nominator_email=data["nominator_email"],
                nominator_phone=data["nominator_phone"],
                form_token=data["form_token"],
                status_url=request.build_absolute_uri(reverse("talent:nomination-status")),
            )
        except NominationClosed as error:
            messages.error(request, error.message)
            return self.closed(request, status=403)
        except ValidationError as error:
            # The form runs the model's rules already; this is the last line of defence.
            form.add_error(None, error.messages)
            return self.render_form(request, form)
        except DuplicateNomination:
            # The same form sent twice (double click, reload): nothing new, no second mail.
            messages.info(request, _("这份提名已经提交过，不会重复受理。"))
            mailed = True
        else:
            mailed = submission.mailed
        request.session[SESSION_SUBMISSION_KEY] = submitted_summary(self.cycle, data, mailed=mailed)
        return redirect("talent:nomination-submitted")


def submitted_summary(cycle: AwardCycle, data: dict, *, mailed: bool) -> dict:
    """What the confirmation page shows, kept in the session: only what the visitor typed, and
    whether a mail went out. Never the stored row: a repeat of an earlier nomination (same
    address, nominee, category) must read exactly like a new one, or the form would tell anyone
    whom an address has nominated, and give away that nomination's reference."""
    return {
        "cycle": cycle.pk,
        "category": data["category"].pk,
        "nominee_name": data["nominee_name"],
        "nominee_organisation": data["nominee_organisation"],
        "email": data["nominator_email"],
        "mailed": mailed,
    }


@never_cache
def nomination_submitted(request):
    """The confirmation page: only the browser that submitted has something to see. The
    reference goes by mail only (see submitted_summary)."""
    summary = request.session.get(SESSION_SUBMISSION_KEY)
    if not isinstance(summary, dict):
        raise Http404(_("没有刚提交的提名。"))
    cycle = AwardCycle.objects.select_related("award").filter(pk=summary.get("cycle")).first()
    category = AwardCategory.objects.filter(pk=summary.get("category")).first()
    if cycle is None or category is None:
        raise Http404(_("没有刚提交的提名。"))
    context = {
        "summary": summary,
        "cycle": cycle,
        "category": category,
        "shows_sample": cycle.is_sample,
        "breadcrumbs": [page_crumb("talent:award-list"), Crumb(_("提名已提交"))],
    }
    return render(request, "talent/nomination_submitted.html", context)


@never_cache
def nomination_status(request):
    """Status by reference *and* e-mail (POST, so neither lands in logs); one generic answer
    for every wrong combination, so nobody can probe which references exist."""
    nomination = None
    not_found = False
    if request.method == "POST":
        if limited(request, "talent.lookup", settings.RATELIMIT_LOOKUP_RATE):
            return ratelimited_response(request)
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            nomination = form.find()
            not_found = nomination is None
    else:
        form = StatusLookupForm()
    context = {
        "form": form,
        "nomination": nomination,
        "not_found": not_found,
        "shows_sample": nomination is not None and nomination.is_sample,
        "breadcrumbs": [page_crumb("talent:award-list"), Crumb(page_crumb("talent:nomination-status").label)],
    }
    return render(request, "talent/nomination_status.html", context, status=200)


# --- experts --------------------------------------------------------------------------------


# Counts on the expert directory stop here: counting further costs in proportion to the table.
DIRECTORY_COUNT_CAP = 1000


def hidden_experts():
    """The experts that are not public (drafts; scheduled for later), read from the status and
    published_at indexes: the work follows their number, not the public experts'. The complement of
    `Expert.objects.published()` (status published and published_at now or earlier) written as
    conditions an index answers (`NOT (…)` would read every expert)."""
    others = [status for status in Status.values if status != Status.PUBLISHED]
    return Expert.objects.filter(Q(status__in=others) | Q(published_at__gt=timezone.now()))


def field_counts(fields: list[ExpertField]) -> list[ExpertField]:
    """The fields public experts have, each with `expert_count`, counted up to one past
    DIRECTORY_COUNT_CAP (`expert_count_capped`: there are more; the page says "超过 …").

    Each field's links are counted in the link table's field index and stop after the cap plus
    that field's links to experts that are not public (`hidden_experts`, looked up by key),
    which are then taken off: a count that reached its limit leaves more than the cap public.
    Two queries (`fields`: every field, read by the view), none of which reads more than the
    cap's worth of links per field."""
    links = Expert.fields.through.objects.order_by()
    hidden = dict(links.filter(expert__in=hidden_experts().values("pk")).values_list("expertfield").annotate(n=Count("pk")))
    limits = [DIRECTORY_COUNT_CAP + 1 + hidden.get(field.pk, 0) for field in fields]
    counted = capped_link_counts([field.pk for field in fields], limits)
    shown = []
    for field, count, limit in zip(fields, counted, limits, strict=True):
        public = count - hidden.get(field.pk, 0)
        if public > 0:
            field.expert_count_capped = count >= limit
            field.expert_count = min(public, DIRECTORY_COUNT_CAP)
            shown.append(field)
    return shown


def capped_link_counts(field_pks: list[int], limits: list[int]) -> list[int]:
    """Each field's expert links counted up to its limit, in one query over the link table's
    field index: `SELECT (SELECT COUNT(*) FROM (SELECT 1 … WHERE field = %s LIMIT %s)), …`."""
    if not field_pks:
        return []
    through = Expert.fields.through._meta
    table = connection.ops.quote_name(through.db_table)
    column = connection.ops.quote_name(through.get_field("expertfield").column)
    count = f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT %s) AS capped_{{n}})"
    sql = "SELECT " + ", ".join(count.format(n=n) for n in range(len(field_pks)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pair in zip(field_pks, limits, strict=True) for value in pair])
        return list(cursor.fetchone())


class DirectoryPaginator(CappedPaginator):
    """Pages over the directory's first DIRECTORY_COUNT_CAP experts. One query counts them, up
    to one past the cap, and the 示例 experts among those counted (`samples`):
    `SELECT COUNT(*), COUNT(…) FILTER (WHERE is_sample) FROM (… LIMIT cap + 1)`, read from the
    (status, institution, is_sample, published_at) index alone. A page is read in one step, as
    Paginator does: the directory's order is an index's, so the database stops at the page."""

    cap = DIRECTORY_COUNT_CAP

    @cached_property
    def counts(self) -> dict:
        first = self.object_list.order_by().values("pk", "is_sample")[: self.cap + 1]
        return first.aggregate(total=Count("pk"), samples=Count("pk", filter=Q(is_sample=True)))

    @cached_property
    def counted(self) -> int:
        return self.counts["total"]

    @cached_property
    def samples(self) -> int:
        """The 示例 experts among those counted: exact unless `capped` (the count's rows are
        not the first in the directory's order then; the page only says there are some)."""
        return self.counts["samples"]


class ExpertListView(PublishedListView):
    model = Expert
    filterset_class = ExpertFilter
    paginator_class = DirectoryPaginator
    download_resource = "talent/experts"
    prefetch_related = ("fields",)
    # What a card shows (no photo, no biography).
    card_fields = ("is_sample", "name", "slug", "title", "institution")

    def get_queryset(self):
        return super().get_queryset().only(*self.card_fields)

    def get_filterset(self, filterset_class):
        """The field choices are the fields the counts read anyway (one query for both)."""
        filterset = super().get_filterset(filterset_class)
        self.expert_fields = list(ExpertField.objects.all())
        choice = filterset.form.fields["field"]
        choice.iterator, choice.rows = ListedChoices, self.expert_fields
        choice.widget.choices = choice.choices  # the widget took the field's choices when built
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_counts"] = field_counts(self.expert_fields)
        context["programmes"] = ExpertProgramme.objects.published().prefetch_related(
            "partners", "fields", Prefetch("services", queryset=ExpertService.objects.all())
        )
        # The directory's own count, apart from a programme's announced head count: say how
        # many of the rows counted are 示例 experts.
        paginator = context.get("paginator")
        context["directory_sample_count"] = paginator.samples if paginator else 0
        return context


class ExpertDetailView(PublishedDetailView):
    model = Expert
    select_related = ("photo", "programme")
    prefetch_related = ("fields", "services")
    breadcrumb_parents = ("talent:expert-list",)

    def get_structured_data(self, context):
        """The expert as schema.org Person (not a 示例 expert)."""
        expert, request = self.object, self.request
        if expert.is_sample:
            return []
        node = {
            "@type": "Person",
            "name": expert.name,
            "jobTitle": expert.get_title_display(),
            "affiliation": metadata.organization(expert.institution),
            "knowsAbout": [field.name for field in expert.fields.all()],
            "image": metadata.image_object(request, context["lead_photo"]),
            "url": metadata.canonical_url(request),
        }
        return [metadata.compact(node)]
