"""CJK-aware slugs: Chinese titles become pinyin (柳州高新区 -> liu-zhou-gao-xin-qu).

Django's slugify() drops CJK characters, which would leave most titles with an empty slug.
We transliterate with pypinyin first, and make the slug unique within the model.
"""

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin

FALLBACK_SLUG = "item"


def pinyin_slug(text: str, max_length: int = 80) -> str:
    latin = " ".join(lazy_pinyin(text or "", errors="default"))
    latin = re.sub(r"[^\w\s-]", " ", latin)  # "112+1" -> "112-1", not "1121"
    slug = slugify(latin)[:max_length].strip("-")
    return slug or FALLBACK_SLUG


def unique_slug(instance, text: str, field_name: str = "slug") -> str:
    """A pinyin slug for `text` that no other row of the instance's model uses."""
    max_length = instance._meta.get_field(field_name).max_length
    base = pinyin_slug(text, max_length=max_length - 6)
    others = type(instance)._default_manager.exclude(pk=instance.pk) if instance.pk else type(instance)._default_manager.all()
    taken = set(others.filter(**{f"{field_name}__startswith": base}).values_list(field_name, flat=True))
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


class SluggedMixin:
    """Fill an empty `slug` from `slug_source` (a field name) before saving."""

    slug_source = "title"

    def ensure_slug(self):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source))

    def save(self, *args, **kwargs):
        self.ensure_slug()
        super().save(*args, **kwargs)
