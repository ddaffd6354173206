"""Factories for the park models that tests/factories.py does not have yet."""

import itertools

from portal.publishing import Status
from tests.factories import make_park

_counter = itertools.count(1)


def make_area(**kwargs):
    from parks.models import Area

    kwargs.setdefault("park", make_park())
    kwargs.setdefault("name", f"示例片区 {next(_counter)}")
    kwargs.setdefault("status", Status.PUBLISHED)
    return Area.objects.create(**kwargs)


def make_industry(**kwargs):
    from parks.models import Industry, IndustryRole

    kwargs.setdefault("park", make_park())
    kwargs.setdefault("name", f"示例产业 {next(_counter)}")
    kwargs.setdefault("role", IndustryRole.STRATEGIC)
    kwargs.setdefault("status", Status.PUBLISHED)
    return Industry.objects.create(**kwargs)


def make_profile_item(**kwargs):
    from parks.models import ProfileItem, ProfileItemKind

    kwargs.setdefault("park", make_park())
    kwargs.setdefault("kind", ProfileItemKind.MISSION)
    kwargs.setdefault("text", f"示例条目 {next(_counter)}")
    return ProfileItem.objects.create(**kwargs)
