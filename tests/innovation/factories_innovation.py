"""Factories for the innovation models: make_<model>(**overrides) with sensible defaults."""

import itertools

from portal.publishing import Status

_counter = itertools.count(1)


def _m2m(kwargs, *names):
    return {name: kwargs.pop(name) for name in names if name in kwargs}


def _set(obj, relations):
    for name, values in relations.items():
        getattr(obj, name).set(values)
    return obj


def make_tech_field(**kwargs):
    from innovation.models import TechField

    kwargs.setdefault("name", f"示例领域 {next(_counter)}")
    return TechField.objects.create(**kwargs)


def make_qualification(**kwargs):
    from innovation.models import Qualification

    kwargs.setdefault("name", f"示例资质 {next(_counter)}")
    return Qualification.objects.create(**kwargs)


def make_partner(**kwargs):
    from innovation.models import PartnerInstitution, PartnerKind

    kwargs.setdefault("name", f"示例大学 {next(_counter)}")
    kwargs.setdefault("kind", PartnerKind.UNIVERSITY)
    kwargs.setdefault("status", Status.PUBLISHED)
    return PartnerInstitution.objects.create(**kwargs)


def make_platform(**kwargs):
    from innovation.models import Platform, PlatformKind, PlatformState

    relations = _m2m(kwargs, "partners", "tech_fields", "photos")
    kwargs.setdefault("name", f"示例平台 {next(_counter)}")
    kwargs.setdefault("kind", PlatformKind.RESEARCH_INSTITUTE)
    kwargs.setdefault("state", PlatformState.OPERATING)
    kwargs.setdefault("status", Status.PUBLISHED)
    return _set(Platform.objects.create(**kwargs), relations)


def make_enterprise(**kwargs):
    from innovation.models import Enterprise

    relations = _m2m(kwargs, "qualifications", "incubated_at")
    kwargs.setdefault("name", f"示例企业 {next(_counter)}")
    kwargs.setdefault("status", Status.PUBLISHED)
    return _set(Enterprise.objects.create(**kwargs), relations)


def make_event(**kwargs):
    from innovation.models import Event, EventKind

    relations = _m2m(kwargs, "photos")
    kwargs.setdefault("name", f"示例大赛 {next(_counter)}")
    kwargs.setdefault("year", 2017)
    kwargs.setdefault("kind", EventKind.COMPETITION)
    kwargs.setdefault("status", Status.PUBLISHED)
    return _set(Event.objects.create(**kwargs), relations)


def make_achievement(**kwargs):
    from innovation.models import Achievement, AchievementKind

    kwargs.setdefault("title", f"示例许可项目 {next(_counter)}")
    kwargs.setdefault("kind", AchievementKind.IP_LICENCE)
    kwargs.setdefault("status", Status.PUBLISHED)
    return Achievement.objects.create(**kwargs)


def make_enterprise_achievement(**kwargs):
    """An achievement of a new enterprise of its own (the enterprise is its published parent)."""
    if "enterprise" not in kwargs:
        kwargs["enterprise"] = make_enterprise()
    return make_achievement(**kwargs)


def make_cooperation(**kwargs):
    from innovation.models import Cooperation, CooperationState

    relations = _m2m(kwargs, "partners", "tech_fields")
    kwargs.setdefault("title", f"示例合作 {next(_counter)}")
    kwargs.setdefault("state", CooperationState.INTENT)
    kwargs.setdefault("status", Status.PUBLISHED)
    return _set(Cooperation.objects.create(**kwargs), relations)


def make_figure(**kwargs):
    from innovation.models import FigureGroup, InnovationFigure

    kwargs.setdefault("group", FigureGroup.ENTREPRENEURSHIP)
    kwargs.setdefault("label", f"示例数据 {next(_counter)}")
    kwargs.setdefault("value", "10")
    kwargs.setdefault("unit", "家")
    kwargs.setdefault("year", 2017)
    kwargs.setdefault("status", Status.PUBLISHED)
    return InnovationFigure.objects.create(**kwargs)


def make_policy(**kwargs):
    from innovation.models import Policy, PolicyTopic

    kwargs.setdefault("title", f"示例管理办法 {next(_counter)}")
    kwargs.setdefault("topic", PolicyTopic.CAPITAL_MARKET)
    kwargs.setdefault("status", Status.PUBLISHED)
    return Policy.objects.create(**kwargs)
