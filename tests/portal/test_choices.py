"""`get_FOO_display()` reads its labels once per field and language (portal.choices), and says
exactly what Django's own implementation says, for every choice field of every content model."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from portal.choices import ChoiceLabelsMixin, choice_labels

CONTENT_APPS = ("portal", "parks", "talent", "innovation")
CHOICE_FIELDS = [
    pytest.param(model, field, id=f"{model._meta.label}.{field.name}")
    for app in CONTENT_APPS
    for model in apps.get_app_config(app).get_models()
    for field in model._meta.concrete_fields
    if field.choices and issubclass(model, ChoiceLabelsMixin)
]


def test_every_public_model_with_choices_reads_cached_labels():
    """Every model a public page shows (Publishable) and the park's profile lines and metrics."""
    uncached = [
        model._meta.label
        for app in ("parks", "talent", "innovation")
        for model in apps.get_app_config(app).get_models()
        if any(field.choices for field in model._meta.concrete_fields)
        and not issubclass(model, ChoiceLabelsMixin)
        and model._meta.label != "talent.Nomination"  # staff-only: the admin shows it
    ]
    assert uncached == []
    assert len(CHOICE_FIELDS) >= 15


@pytest.mark.parametrize("model, field", CHOICE_FIELDS)
def test_display_matches_django_for_every_choice_and_unknown_values(model, field):
    row = model()
    for value in [*(value for value, _label in field.flatchoices), "no-such-choice", None]:
        setattr(row, field.attname, value)
        assert row._get_FIELD_display(field) == models.Model._get_FIELD_display(row, field)


def test_labels_are_built_once_per_field_and_language():
    from innovation.models import Platform, PlatformKind

    field = Platform._meta.get_field("kind")
    choice_labels.cache_clear()
    row = Platform(kind=PlatformKind.choices[0][0])
    with translation.override("zh-hans"):
        for _ in range(3):
            assert row.get_kind_display() == str(PlatformKind.choices[0][1])
    with translation.override("en"):
        row.get_kind_display()
    info = choice_labels.cache_info()
    assert (info.misses, info.hits) == (2, 2)
    assert isinstance(choice_labels(field, "zh-hans")[row.kind], str)  # translated once, not lazy
