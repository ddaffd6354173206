"""Site search: one index table (`SearchEntry`), built from the sources sections register.

Each section registers a `SearchSource` per model in its `registrations.py` (the portal's own,
articles and photos, in `PortalConfig.ready()`): the label, a `document(row)` giving title,
texts and date, and the `related` lookups that text reads. This module

- builds the entries of a source in bulk (`source_rows`, `build_entry`), for every row whose
  publishing chain is published, scheduled rows included: `public_from` holds the moment the
  row and all its published parents are public, and the query compares it with now;
- keeps them current from model signals, connected once (`connect_signals`): a saved or deleted
  row re-indexes itself and every indexed row whose text or visibility reads it (through its
  published parents or the source's `related` lookups), and so does a changed many-to-many link;
- writes, with each entry, its postings (`SearchTerm`): every pair of adjacent characters of its
  normalised text (`grams`), each with the entry's date as a number (`recency`);
- answers a query (`parse_query`, `find`) with a fixed number of SQL queries whose work does not
  grow with the index: every space-separated term must occur (substring match on text
  normalised with NFKC and casefold, right for Chinese, which has no spaces between words). The
  postings of one character pair of the query (the rarest of a few, counted up to a cap) list
  the candidate entries newest first from a B-tree index; each is checked with the substring
  match, so results are exactly what a scan of every entry would give, and the walk stops at
  the newest MAX_RESULTS + 1 matches. Those are ranked: title hits first, then the number of
  hits, then the newest date. More matches than that are not counted: the page says so.
  A query of one-character terms only has no pair: it reads the newest MAX_SCANNED_ENTRIES
  entries, and the page says when older ones were left unread;
- marks the hits in a title and in the text around the first hit (`highlight`, `excerpt`).

The portal imports no section: it reads the registry only.
"""

import datetime
import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Case, CharField, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Replace
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .dates import DatePrecision, format_precise_date
from .generic import public_rows
from .models import SearchEntry, SearchTerm
from .publishing import Publishable, published_condition
from .registry import SearchDocument, SearchSource, registry

MAX_QUERY_LENGTH = 100
MIN_QUERY_LENGTH = 2
EXCERPT_LENGTH = 120
EXCERPT_CONTEXT = 30  # characters shown before the first hit
BODY_SEPARATOR = " · "
# Rows are indexed whatever their publishing time: the query compares `public_from` with now.
FAR_FUTURE = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
# A query ranks and counts at most the newest MAX_RESULTS matching entries; the page says when
# there are more. Bounds the work of a frequent term (园区: a third of all entries).
MAX_RESULTS = 200
# Character pairs of a query whose postings are counted to pick the rarest, and the count's cap.
MAX_PLANNED_GRAMS = 8
GRAM_COUNT_CAP = 20_000
# A query of one-character terms only reads this many of the newest entries.
MAX_SCANNED_ENTRIES = 1000
ENTRIES_PER_WRITE = 500


# --- text ------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Text as search compares it: NFKC (full-width letters and digits become plain) and
    casefold (IASP = iasp), character by character so positions map back (see `_folded`)."""
    return _folded(text)[0]


# Each character's fold (NFKC, then casefold), kept per process; characters whose fold is not
# exactly one character (ﬁ → fi, ß → ss, a lone combining mark → "") are also in _MULTI.
_FOLDS: dict[int, str] = {}
_MULTI: set[str] = set()


def _folded(text: str) -> tuple[str, Sequence[int]]:
    """`normalise(text)` and, for each of its characters, the index of the character of `text`
    it comes from. Most texts fold character for character: then one `str.translate` gives the
    text and the origins are the positions themselves (each result's excerpt folds its text)."""
    chars = set(text)
    for char in chars:
        if ord(char) not in _FOLDS:
            folded = _FOLDS[ord(char)] = unicodedata.normalize("NFKC", char).casefold()
            if len(folded) != 1:
                _MULTI.add(char)
    if _MULTI.isdisjoint(chars):
        return text.translate(_FOLDS), range(len(text))
    parts, origins = [], []
    for index, char in enumerate(text):
        folded = _FOLDS[ord(char)]
        parts.append(folded)
        origins.extend([index] * len(folded))
    return "".join(parts), origins


def grams(text: str) -> set[str]:
    """The pairs of adjacent characters of normalised `text` that a term can hold: none across
    whitespace (a term has none). An entry holds a term of two or more characters only if it
    holds every pair of it."""
    return {a + b for a, b in zip(text, text[1:], strict=False) if not (a.isspace() or b.isspace())}


def recency(date: datetime.date | None) -> int:
    """Newest first as a never-null number: the day number of `date`, 0 without a date."""
    return date.toordinal() if date else 0


def _hit_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the (normalised) terms occur in `text`, as merged [start, end) spans of `text`."""
    folded, origins = _folded(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while term and start != -1:
            end = start + len(term)
            spans.append((origins[start], origins[end - 1] + 1))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> SafeString:
    """`text[start:end]` escaped, the parts in `spans` wrapped in <mark>."""
    end = len(text) if end is None else end
    html, position = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        html.append(escape(text[position:span_start]))
        html.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    html.append(escape(text[position:end]))
    return mark_safe("".join(html))  # every piece of `text` is escaped above


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """All of `text`, escaped, every hit of `terms` marked."""
    return _marked(text, _hit_spans(text, terms))


def excerpt(text: str, terms: Iterable[str], length: int = EXCERPT_LENGTH) -> SafeString:
    """About `length` characters of `text` around its first hit, every hit marked; the start of
    the text when no term occurs in it (the row matched by its title or section)."""
    spans = _hit_spans(text, terms)
    start = max(0, spans[0][0] - EXCERPT_CONTEXT) if spans else 0
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    html = _marked(text, spans, start, end)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(text) else ""))


def _clean(text) -> str:
    return " ".join(str(text or "").split())


# --- building entries -------------------------------------------------------------------------


def parent_paths(model, prefix: str = "") -> list[str]:
    """Lookups to every row `model` hangs off: "cycle", "cycle__award"…"""
    paths = []
    for name in getattr(model, "published_parents", ()):
        path = f"{prefix}{name}"
        paths.append(path)
        paths.extend(parent_paths(model._meta.get_field(name).related_model, f"{path}__"))
    return paths


def _steps(model, lookup: str):
    """(model at the step, field) along `lookup`."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        yield model, field
        model = field.related_model


def _to_many(model, lookup: str) -> bool:
    return any(field.one_to_many or field.many_to_many for _model, field in _steps(model, lookup))


def source_rows(source: SearchSource) -> models.QuerySet:
    """The rows of `source` to index (publishing chain published, at whatever time), with their
    parents and related rows loaded in a fixed number of queries."""
    model = source.model
    rows = model._default_manager.filter(published_condition(model, now=FAR_FUTURE))
    lookups = [*parent_paths(model), *source.related]
    joined = [lookup for lookup in lookups if not _to_many(model, lookup)]
    prefetched = [public_rows(model, lookup) for lookup in lookups if _to_many(model, lookup)]
    return rows.select_related(*joined).prefetch_related(*prefetched).order_by("pk")


def public_from(row) -> datetime.datetime:
    """When `row` and every row it hangs off are public: the latest of their `published_at`."""
    moments = [row.published_at] if isinstance(row, Publishable) else []
    for name in getattr(type(row), "published_parents", ()):
        parent = getattr(row, name)
        if parent is not None:
            moments.append(public_from(parent))
    return max(moments, default=EARLIEST)


def build_entry(source: SearchSource, row, content_type: ContentType) -> SearchEntry:
    document = source.document(row)
    title = _clean(document.title)
    body = BODY_SEPARATOR.join(text for text in map(_clean, document.body) if text)
    section = str(source.label)
    return SearchEntry(
        content_type=content_type,
        object_id=row.pk,
        section=section,
        title=title,
        body=body,
        search_title=normalise(title),
        # Newlines keep a term from matching across two texts (terms have no whitespace).
        search_text=normalise("\n".join([title, *map(_clean, document.body), section])),
        url=row.get_absolute_url(),
        date=document.date,
        recency=recency(document.date),
        date_display=str(document.date_display or ""),
        # A sample row, or one that shows as a sample (a laureate of a sample cycle): SampleMixin.
        is_sample=bool(getattr(row, "shows_sample", getattr(row, "is_sample", False))),
        public_from=public_from(row),
    )


def write_entries(entries: list[SearchEntry]) -> int:
    """Insert `entries` and their postings; returns the number of postings. The postings go straight to SQL with one statement
    per batch (`executemany`): an entry has about sixty, millions at scale, and model instances
    for them would cost more than the insert."""
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    sql = f"INSERT INTO {table} (gram, entry_id, recency) VALUES (%s, %s, %s)"
    written = 0
    for start in range(0, len(entries), ENTRIES_PER_WRITE):
        batch = SearchEntry.objects.bulk_create(entries[start : start + ENTRIES_PER_WRITE])
        postings = [(gram, entry.pk, entry.recency) for entry in batch for gram in sorted(grams(entry.search_text))]
        with connection.cursor() as cursor:
            cursor.executemany(sql, postings)
        written += len(postings)
    return written


def delete_entries(entries: models.QuerySet) -> None:
    """Delete `entries` and their postings. The postings go in one DELETE: the search signals
    listen to every model, so a cascade would load each posting to send its signals."""
    SearchTerm.objects.filter(entry__in=entries)._raw_delete(SearchTerm.objects.db)
    entries.delete()


def index_rows(source: SearchSource, pks: Iterable) -> None:
    """Bring the entries of `source`'s rows `pks` up to date (removed if no longer indexable)."""
    pks = set(pks)
    if not pks:
        return
    content_type = ContentType.objects.get_for_model(source.model)
    rows = list(source_rows(source).filter(pk__in=pks))
    with transaction.atomic():
        delete_entries(SearchEntry.objects.filter(content_type=content_type, object_id__in=pks))
        write_entries([build_entry(source, row, content_type) for row in rows])


def rebuild_index(progress=None) -> dict:
    """Every entry anew, in one transaction; `progress(source, count)` after each source.
    Returns {"before": entries before, "entries": entries now, "postings": their postings,
    "sources": sources read}."""
    with transaction.atomic():
        before = SearchEntry.objects.count()
        SearchTerm.objects.all()._raw_delete(SearchTerm.objects.db)  # see delete_entries
        SearchEntry.objects.all()._raw_delete(SearchEntry.objects.db)
        total = postings = 0
        for source in registry.search_sources:
            content_type = ContentType.objects.get_for_model(source.model)
            entries = [build_entry(source, row, content_type) for row in source_rows(source)]
            postings += write_entries(entries)
            total += len(entries)
            if progress is not None:
                progress(source, len(entries))
    return {"before": before, "entries": total, "postings": postings, "sources": len(registry.search_sources)}


# --- keeping the index current ----------------------------------------------------------------


@dataclass(frozen=True)
class Dependency:
    """`source`'s rows read the rows at the end of `lookup` (a parent or a related lookup)."""

    source: SearchSource
    lookup: str
    # The lookup ends on a reverse foreign key (an article's sections): a saved child may have
    # moved from one indexed row to another, so the rows it left are re-indexed too.
    movable: bool

    def affected(self, instance) -> set:
        rows = self.source.model._default_manager.filter(**{self.lookup: instance})
        return set(rows.values_list("pk", flat=True))


@dataclass(frozen=True)
class LinkDependency:
    """`source`'s rows read a many-to-many link: the step `name` from the model at `prefix`
    ("" for the row itself). `forward`: the step is the ManyToManyField, not its reverse."""

    source: SearchSource
    prefix: str
    name: str
    forward: bool

    def rows(self, **lookup) -> set:
        return set(self.source.model._default_manager.filter(**lookup).values_list("pk", flat=True))

    def affected(self, instance, reverse: bool, pk_set) -> set:
        """The indexed rows a link change touches: through `instance` when it is on the row's
        side of the step, otherwise through the changed rows `pk_set` on that side."""
        if reverse != self.forward:  # `instance` is on the indexed row's side of the step
            return {instance.pk} if not self.prefix else self.rows(**{self.prefix: instance})
        if not pk_set:
            return set()
        return set(pk_set) if not self.prefix else self.rows(**{f"{self.prefix}__in": pk_set})

    def linked(self, instance) -> set:
        """Before a clear from the far side: the indexed rows linked to `instance` now."""
        return self.rows(**{f"{self.prefix}__{self.name}" if self.prefix else self.name: instance})


@lru_cache(maxsize=4)
def dependencies(sources: tuple[SearchSource, ...]) -> tuple[dict, dict]:
    """({model: [Dependency]}, {through model: [LinkDependency]}) for the registered sources."""
    by_model: dict = {}
    by_through: dict = {}
    for source in sources:
        for lookup in [*parent_paths(source.model), *source.related]:
            names = lookup.split("__")
            field = None
            for index, (_model, field) in enumerate(_steps(source.model, lookup)):
                if field.many_to_many:
                    forward = isinstance(field, models.ManyToManyField)
                    through = field.remote_field.through if forward else field.through
                    link = LinkDependency(source, "__".join(names[:index]), names[index], forward)
                    by_through.setdefault(through, []).append(link)
            dependency = Dependency(source, lookup, movable=field.one_to_many)
            by_model.setdefault(field.related_model, []).append(dependency)
    return by_model, by_through


def _registered() -> tuple[dict, dict, dict]:
    by_model, by_through = dependencies(tuple(registry.search_sources))
    return {source.model: source for source in registry.search_sources}, by_model, by_through


def _pending(instance) -> dict:
    return instance.__dict__.setdefault("_search_pending", {})


def _flush(instance, extra: dict | None = None) -> None:
    pending = instance.__dict__.pop("_search_pending", {})
    for source, pks in (extra or {}).items():
        pending.setdefault(source, set()).update(pks)
    for source, pks in pending.items():
        index_rows(source, pks)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        return
    _sources, by_model, _links = _registered()
    for dependency in by_model.get(sender, ()):
        if dependency.movable:
            _pending(instance).setdefault(dependency.source, set()).update(dependency.affected(instance))


def _after_save(sender, instance, raw=False, **kwargs):
    # Raw saves (loaddata, restoring a revision in the admin) are followed too; a loaded row
    # may come before what it reads, so the loading commands also rebuild when they are done.
    sources, by_model, _links = _registered()
    touched: dict = {}
    if sender in sources:
        touched[sources[sender]] = {instance.pk}
    for dependency in by_model.get(sender, ()):
        touched.setdefault(dependency.source, set()).update(dependency.affected(instance))
    if touched or "_search_pending" in instance.__dict__:
        _flush(instance, touched)


def _before_delete(sender, instance, **kwargs):
    _sources, by_model, _links = _registered()
    for dependency in by_model.get(sender, ()):
        _pending(instance).setdefault(dependency.source, set()).update(dependency.affected(instance))


def _after_delete(sender, instance, **kwargs):
    sources, _by_model, _links = _registered()
    if sender in sources:
        content_type = ContentType.objects.get_for_model(sender)
        delete_entries(SearchEntry.objects.filter(content_type=content_type, object_id=instance.pk))
    if "_search_pending" in instance.__dict__:
        _flush(instance)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    _sources, _by_model, by_through = _registered()
    links = by_through.get(sender, ())
    if not links:
        return
    if action == "pre_clear":
        for link in links:
            if reverse == link.forward:  # cleared from the far side: remember who was linked
                _pending(instance).setdefault(link.source, set()).update(link.linked(instance))
    elif action in ("post_add", "post_remove", "post_clear"):
        _flush(instance, {link.source: link.affected(instance, reverse, pk_set) for link in links})


def connect_signals() -> None:
    """Keep the index current from every model's signals; the registry says which matter."""
    pre_save.connect(_before_save, dispatch_uid="portal.search.pre_save")
    post_save.connect(_after_save, dispatch_uid="portal.search.post_save")
    pre_delete.connect(_before_delete, dispatch_uid="portal.search.pre_delete")
    post_delete.connect(_after_delete, dispatch_uid="portal.search.post_delete")
    m2m_changed.connect(_links_changed, dispatch_uid="portal.search.m2m_changed")


# --- querying --------------------------------------------------------------------------------


def parse_query(raw: str) -> tuple[str, list[str]]:
    """(the query as typed, tidied and cut to MAX_QUERY_LENGTH; its distinct normalised terms)."""
    query = " ".join(raw.replace("\x00", "").split())[:MAX_QUERY_LENGTH].strip()
    terms: list[str] = []
    for term in normalise(query).split():
        if term not in terms:
            terms.append(term)
    return query, terms


def _occurrences(field: str, term: str):
    """How often `term` occurs in `field`, in SQL (SQLite and PostgreSQL alike)."""
    removed = Length(field) - Length(Replace(field, Value(term), Value("")))
    return removed / Value(len(term))


@dataclass
class Found:
    """What a query found: `ranked`, the pks of the listed entries best first (at most
    MAX_RESULTS), `sections` [{"section": label, "count": n}] of those, largest first; `more`:
    more entries match than are listed (the newest are); `partial`: a query of one-character
    terms read only the newest MAX_SCANNED_ENTRIES entries and found no more than are listed."""

    ranked: list[int]
    sections: list[dict]
    more: bool = False
    partial: bool = False


def _query_grams(terms: list[str]) -> list[str]:
    """Up to MAX_PLANNED_GRAMS distinct character pairs of the terms, taken from each in turn."""
    per_term = [sorted(grams(term), key=term.index) for term in terms if len(term) > 1]
    taken = dict.fromkeys(gram for group in itertools.zip_longest(*per_term) for gram in group if gram)
    return list(taken)[:MAX_PLANNED_GRAMS]


def _rarest(candidates: list[str]):
    """The pair of `candidates` with the fewest postings, for the database to pick while it runs
    the query (one uncorrelated subquery, evaluated once): each count stops at GRAM_COUNT_CAP,
    so choosing costs at most that many index steps per pair whatever the size of the index."""
    if len(candidates) == 1:
        return candidates[0]
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    count = f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE gram = %s LIMIT {GRAM_COUNT_CAP}) AS capped)"
    choices = " UNION ALL ".join(f"SELECT %s AS gram, {count} AS postings" for _ in candidates)
    sql = f"SELECT gram FROM ({choices}) AS choices ORDER BY postings, gram LIMIT 1"
    return RawSQL(sql, [value for gram in candidates for value in (gram, gram)], output_field=CharField())


def _rank_columns(terms: list[str], prefix: str = "") -> dict:
    """SQL for the ranking: terms in the title, hits in all the text."""
    title = sum((Case(When(**{f"{prefix}search_title__contains": t}, then=Value(1)), default=Value(0)) for t in terms), Value(0))
    hits = sum((_occurrences(f"{prefix}search_text", term) for term in terms), Value(0))
    return {
        "title_terms": models.ExpressionWrapper(title, output_field=IntegerField()),
        "hits": models.ExpressionWrapper(hits, output_field=IntegerField()),
    }


def _newest_matches(terms: list[str], now: datetime.datetime) -> tuple[list[tuple], bool]:
    """(pk, section, recency, title terms, hits) of the newest MAX_RESULTS + 1 public entries that
    hold every term, newest first, and whether entries were left unread. `%` and `_` in a term
    are matched literally (`contains`)."""
    pairs = _query_grams(terms)
    if pairs:
        # Walk one pair's postings newest first in the index; the other pairs are looked up in
        # the (entry, gram) index before the entry is read and checked; stop at the limit.
        others = [Exists(SearchTerm.objects.filter(entry=OuterRef("entry"), gram=gram)) for gram in pairs]
        rows = SearchTerm.objects.filter(
            Q(gram=_rarest(pairs)),
            *others,
            Q(entry__public_from__lte=now),
            *[Q(entry__search_text__contains=term) for term in terms],
        ).order_by("-recency", "-entry_id")
        columns = ("entry_id", "entry__section", "recency", "title_terms", "hits")
        rows = rows.annotate(**_rank_columns(terms, "entry__")).values_list(*columns)
        return list(rows[: MAX_RESULTS + 1]), False
    # One-character terms only: no pair to look up; the newest entries, read up to a bound.
    public = SearchEntry.objects.filter(public_from__lte=now).order_by("-recency", "-pk")
    scanned = public.values("pk")[:MAX_SCANNED_ENTRIES]
    rows = SearchEntry.objects.filter(Q(pk__in=scanned), *[Q(search_text__contains=term) for term in terms])
    rows = rows.annotate(**_rank_columns(terms)).order_by("-recency", "-pk")
    rows = list(rows.values_list("pk", "section", "recency", "title_terms", "hits")[: MAX_RESULTS + 1])
    unread = public[MAX_SCANNED_ENTRIES : MAX_SCANNED_ENTRIES + 1].exists()  # always: a fixed count
    return rows, unread and len(rows) <= MAX_RESULTS


def find(terms: list[str], now: datetime.datetime | None = None) -> Found:
    """The public entries that hold every term (the newest MAX_RESULTS), best first: more terms
    in the title, then more hits in all, then the newest date. One SQL query (two for a query of
    one-character terms only); its work is bounded by MAX_RESULTS, not by the size of the index."""
    rows, unread = _newest_matches(terms, now or timezone.now())
    listed = rows[:MAX_RESULTS]
    counts = Counter(section for _pk, section, *_rest in listed)
    sections = [{"section": section, "count": count} for section, count in counts.items()]
    sections.sort(key=lambda row: (-row["count"], row["section"]))

    def rank(row):  # as SQL would: date descending, no date last (its recency is 0)
        pk, _section, newest, title_terms, hits = row
        return (-title_terms, -hits, -newest, pk)

    ranked = [row[0] for row in sorted(listed, key=rank)]
    return Found(ranked, sections, more=len(rows) > MAX_RESULTS, partial=unread)


def entries(pks: list[int]) -> list[SearchEntry]:
    """The entries `pks` in that order, without the normalised texts (one query)."""
    by_pk = SearchEntry.objects.defer("search_title", "search_text").in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


# --- the portal's own sources -----------------------------------------------------------------


def article_document(article) -> SearchDocument:
    body = [article.subtitle, article.source, article.issue, article.column, article.author, article.summary, article.lead]
    for section in article.sections.all():
        body += [section.heading, section.body]
    # The article's own date as far as it is known; never `published_at` (when the portal put it online).
    return SearchDocument(article.title, body, article.date, article.date_display)


def photo_document(photo) -> SearchDocument:
    tags = "、".join(tag.name for tag in photo.tags.all())
    body = [photo.credit_display, photo.alt_text, photo.get_section_display(), tags]
    return SearchDocument(photo.caption, body, photo.taken_on, format_precise_date(photo.taken_on, DatePrecision.DAY))
