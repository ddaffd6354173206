"""Template helpers shared by every section."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def rendition(photo, size="card"):
    """The stored rendition of `photo` at `size` ({url, width, height}), or None."""
    if photo is None:
        return None
    return photo.rendition(size or "card")


@register.filter
def figure(value):
    """A Decimal without meaningless trailing zeros and, as Chinese reports write figures,
    without thousands separators: 1829.84, 9651, 120.8."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    normalised = value.normalize()
    places = max(0, -normalised.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=False)


@register.filter
def signed_percent(value):
    """A year-on-year change: +9.19%, −3.5%, 0%."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = figure(abs(value))
    if value > 0:
        return f"+{text}%"
    if value < 0:
        return f"−{text}%"
    return f"{text}%"
