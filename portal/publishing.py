"""The Publishable building block: draft/published status that every public view respects.

A row is public when it is published *and* every row it hangs off is public. A model names
those rows in `published_parents` (foreign keys to other Publishable models, or to models
that have parents of their own); `published_condition()` follows them, so one `published()`
per model encodes the whole rule and every view, filter, search source, sitemap, feed, home
block and calendar reads only that. A nullable parent that is empty does not hide the row.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ChoiceLabelsMixin


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


def published_condition(model, prefix: str = "", now=None) -> Q:
    """The Q that selects public rows of `model`, for lookups starting at `prefix`."""
    now = now or timezone.now()
    condition = Q()
    if issubclass(model, Publishable):
        condition &= Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": now})
    for name in getattr(model, "published_parents", ()):
        field = model._meta.get_field(name)
        parent = published_condition(field.related_model, f"{prefix}{name}__", now)
        if field.null:
            parent = Q(**{f"{prefix}{name}__isnull": True}) | parent
        condition &= parent
    return condition


class PublishedQuerySet(models.QuerySet):
    """`published()`: the public rows of a model, its parents' state included."""

    def published(self):
        return self.filter(published_condition(self.model))


class PublishableQuerySet(PublishedQuerySet):
    def visible_to(self, user):
        """Staff preview drafts; everybody else sees published rows only."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Publishable(ChoiceLabelsMixin, models.Model):
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("发布时间"), default=timezone.now, db_index=True, help_text=_("晚于现在的时间表示定时发布。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Foreign keys to the rows this one hangs off: it is public only while they are.
    published_parents: tuple[str, ...] = ()

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        """This row and every row it hangs off are public (reads the parents, so select them)."""
        if not (self.status == Status.PUBLISHED and self.published_at <= timezone.now()):
            return False
        return parents_published(self)


def parents_published(obj) -> bool:
    for name in getattr(type(obj), "published_parents", ()):
        parent = getattr(obj, name)
        if parent is None:
            continue
        if isinstance(parent, Publishable):
            if not parent.is_published:
                return False
        elif not parents_published(parent):
            return False
    return True
