"""The read-only open-data API under /api/v1/ (Django REST framework, schema by drf-spectacular):
the building blocks every section's `api.py` uses, and the router built from what the sections
register (`api_resources` in their registrations.py, portal.registry).

What a resource shows is what its public page shows, by the same rules:
- rows are the model's `published()` ones (published under published parents), ordered by the
  model's own ordering then the primary key, so pages never skip or repeat a row;
- sample rows (`is_sample`) only with `?include_samples=1`; each carries `is_sample`;
- filters are the list page's FilterSet (django-filter's DRF backend), so `?year=2017` means the
  same on /parks/indicators/ and /api/v1/parks/indicators/;
- `?format=csv` (resources that are tables) gives the same rows as UTF-8 CSV with a BOM, which
  Excel on a Chinese Windows opens without garbling.

One URL has one representation: the `format` parameter chooses it, never the Accept header, so
responses do not vary on Accept and the page cache (portal.page_cache) stores them like pages —
never stale, with an ETag and Last-Modified, and 304 on revalidation. Requests the views answer
are throttled per client address (portal.ratelimits.client_ip, the rate limits' own rule) in the
shared cache; a cache error lets the request through rather than failing it.
"""

import copy
import csv
import io
import json
import logging
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import pagination, renderers, routers, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.throttling import SimpleRateThrottle

from .dates import iso_precise_date
from .downloads import DOWNLOAD_PARAMETER, download_response, wants_download
from .generic import public_rows
from .models import without_samples
from .ratelimits import client_ip

logger = logging.getLogger(__name__)

INCLUDE_SAMPLES_PARAMETER = "include_samples"
# What the path converters of build_router() let through: Django's `slug` and `int`.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
SCHEMA_ENUM_LIMIT = 200  # a slug choice over more rows than this is described as "a slug", not listed
NO_NUL_PATTERN = "^[^\\x00]*$"  # Django's form fields refuse a NUL character in text
ERROR_SCHEMA = {
    "type": "object",
    "description": '出错说明：{"detail": 说明}，或 {参数名: [该参数的错误]}。',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
# A CSV body (CSVRenderer) read as rows of cells: the header (the field names), then one row per item.
CSV_SCHEMA = {
    "type": "array",
    "description": "UTF-8 CSV（带 BOM）：首行为字段名，此后每行一条。",
    "minItems": 1,
    "items": {"type": "array", "items": {"type": "string"}},
}
# Refused by gunicorn before the site sees the request (its limit_request_line), in its own HTML.
REQUEST_LINE_TOO_LONG = {
    "description": "请求行（地址与查询参数）超过 4094 字节，服务器拒绝处理。",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
ERROR_DESCRIPTIONS = {
    "400": _("参数有误（每个出错的参数及其错误）。"),
    "404": _("没有这条公开内容、这一页或这种格式。"),
    "429": _("请求过于频繁：Retry-After 秒后再试。"),
}


class ClientThrottle(SimpleRateThrottle):
    """Requests per client address (settings.REST_FRAMEWORK's "api" rate), counted in the shared
    cache; when that cache fails the request is let through and the error logged (as the
    nomination rate limits do), never answered with a 500."""

    scope = "api"

    def get_rate(self):
        return settings.PORTAL_API_RATE  # read per request: a test or deploy may change it

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 — any cache backend's error: fail open, loudly
            logger.exception("API throttle: the cache failed; request let through")
            return True


class FormatParameterNegotiation(DefaultContentNegotiation):
    """The representation is chosen by `?format=` only (JSON by default); the Accept header is not
    read, so a URL always answers the same bytes and the responses need no `Vary: Accept`."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested is None:  # an empty ?format= names no format: refused below, like any other
            return renderers[0], renderers[0].media_type
        for renderer in renderers:
            if renderer.format == requested:
                return renderer, renderer.media_type
        raise Http404(_("不支持的格式：%(format)s") % {"format": requested[:20]})


class CSVRenderer(renderers.BaseRenderer):
    """A list as CSV: UTF-8 with a byte-order mark (Excel), one row per item, the serializer's
    field names as the header; lists are joined with "、", objects written as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results") if isinstance(data, dict) and "results" in data else data
        if isinstance(rows, dict):
            rows = [rows]  # a single row, or an error's {"detail": …}
        out = io.StringIO()
        out.write("\ufeff")
        columns = list(rows[0]) if rows else []
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(column)) for column in columns])
        return out.getvalue().encode("utf-8")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(csv_cell(item) if not isinstance(item, dict) else json.dumps(item, ensure_ascii=False) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class PagePagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (up to PORTAL_API_MAX_PAGE_SIZE); the count and the next and
    previous page's links come with every page."""

    page_size = settings.PORTAL_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.PORTAL_API_MAX_PAGE_SIZE

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            return ""  # DRF would read it as page 1; Django's paginator refuses it like any non-number (404)
        return super().get_page_number(request, paginator)


DOWNLOAD = OpenApiParameter(
    "download",
    OpenApiTypes.STR,
    enum=["1"],
    description="为 1 时不分页，以附件形式返回筛选出的全部内容（配合 format=csv 或 json）。",
)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the row's public page."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", _("本条内容在门户网站上的页面地址。"))
        super().__init__(**kwargs)

    def to_representation(self, row):
        request = self.context.get("request")
        url = row.get_absolute_url()
        return request.build_absolute_uri(url) if request is not None else url


@extend_schema_field({"type": "string", "nullable": True, "example": "2017-09"})
class PreciseDateField(serializers.Field):
    """A date as precisely as it is known, in ISO 8601: "2005", "1992-09" or "2010-09-01"; null
    when nobody knows it. Never a day or month that was not known (portal.dates)."""

    def __init__(self, date_field: str = "date", precision_field: str = "date_precision", **kwargs):
        self.date_field, self.precision_field = date_field, precision_field
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault(
            "help_text", _("已知精度的日期（ISO 8601）：只知道年份时为“2005”，知道月份时为“1992-09”；未知时为 null。")
        )
        super().__init__(**kwargs)

    def to_representation(self, row):
        return iso_precise_date(getattr(row, self.date_field), getattr(row, self.precision_field)) or None


class ApiSchema(AutoSchema):
    """The OpenAPI description of a resource, exact enough that a client (or a fuzzer such as
    schemathesis) sending what it allows is answered 2xx, and one sending anything else is
    refused (400/404), never surprised:
    - each filter parameter says what its form field accepts: integers, the choices (a slug
      choice lists its rows' slugs), text without NUL and up to its max_length;
    - `page` and `page_size` are positive integers, `include_samples` is 0 or 1, a slug in the
      path is what the `slug` converter lets through;
    - the error answers (400, 404, 429) are described, in each format the resource offers.
    The filters are described from a copy of the FilterSet's filters: building a data choice's
    form field caches its choices on the filter, and on the class that would freeze them for
    every later request of the process."""

    def _get_filter_parameters(self):
        view = self.view
        original = getattr(view, "filterset_class", None)
        if original is None or not self._is_list_view():
            return super()._get_filter_parameters()
        view.filterset_class = type(original.__name__, (original,), {})  # this schema's view only
        view.filterset_class.base_filters = copy.deepcopy(original.base_filters)
        try:
            parameters = super()._get_filter_parameters()
            filters = view.filterset_class.base_filters
            for parameter in parameters:
                if parameter["name"] in filters:
                    describe_form_field(parameter["schema"], filters[parameter["name"]].field)
        finally:
            view.filterset_class = original
        return parameters

    def _get_pagination_parameters(self):
        parameters = super()._get_pagination_parameters()
        for parameter in parameters:
            if parameter["name"] in ("page", "page_size"):
                parameter["schema"]["minimum"] = 1
        return parameters

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if getattr(self.view, "lookup_value_converter", None) == "slug":
                parameter["schema"]["pattern"] = SLUG_PATTERN
            elif parameter["schema"].get("type") == "integer":
                parameter["schema"]["minimum"] = 0
        return parameters

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        model = getattr(getattr(self.view, "serializer_class", None), "Meta", None)
        model = getattr(model, "model", None)
        if model is not None and any(field.name == "is_sample" for field in model._meta.get_fields()):
            parameters.append(
                OpenApiParameter(
                    INCLUDE_SAMPLES_PARAMETER,
                    str,
                    enum=["0", "1"],
                    description=_("为 1 时也列出示例数据（is_sample 为 true 的内容）；默认不含。"),
                )
            )
        return parameters

    def offers_download(self) -> bool:
        return any(getattr(parameter, "name", None) == DOWNLOAD_PARAMETER for parameter in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():  # drf-spectacular gives every format the JSON's schema
            if CSVRenderer.media_type in response.get("content", {}):
                response["content"][CSVRenderer.media_type] = {"schema": CSV_SCHEMA}
        as_json = responses.get("200", {}).get("content", {}).get("application/json")
        if as_json and self._is_list_view() and self.offers_download():
            # ?download=1 answers every row as a plain array (portal.downloads), not a page. The
            # array first: schemathesis infers the list → detail links from the first alternative
            # only, and finds none through a page's $ref.
            every_row = {"type": "array", "items": self.resolve_serializer(self.get_response_serializers(), direction).ref}
            as_json["schema"] = {"oneOf": [every_row, as_json["schema"]]}
        media_types = self.map_renderers("media_type")
        for code, description in ERROR_DESCRIPTIONS.items():
            content = {
                media_type: {"schema": ERROR_SCHEMA if media_type == "application/json" else CSV_SCHEMA}
                for media_type in media_types
            }
            responses.setdefault(code, {"description": str(description), "content": content})
        if "{" in self.path:
            # A path value its converter refuses ("ä", "-1") matches no route: the site's own 404 page.
            responses["404"]["content"]["text/html"] = {"schema": {"type": "string"}}
        responses.setdefault("414", REQUEST_LINE_TOO_LONG)
        return responses


def describe_form_field(schema: dict, field: forms.Field) -> None:
    """Narrow a query parameter's `schema` to what its filter's form `field` accepts. A single
    choice is a string among the choices' values (a slug choice: its rows' slugs), or empty for
    "any": the values the data has today, which may be none."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        values = list(field.queryset.order_by(key).values_list(key, flat=True)[: SCHEMA_ENUM_LIMIT + 1])
        if len(values) > SCHEMA_ENUM_LIMIT:  # a big table: the schema stays small, says "a slug"
            schema.update(pattern=SLUG_PATTERN, maxLength=100)
            return
    elif isinstance(field, forms.ChoiceField):
        values = [value for value, label in field.choices if not isinstance(label, list | tuple)]
    else:
        values = None
    if values is not None:
        for key in ("format", "minimum", "maximum"):
            schema.pop(key, None)
        schema["type"] = "string"
        schema["enum"] = ["", *(str(value) for value in values if value not in field.empty_values)]
        return
    if isinstance(field, forms.IntegerField):
        schema.pop("format", None)
        schema["type"] = "integer"
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    elif isinstance(field, forms.CharField) and schema.get("type") == "string":
        schema["pattern"] = NO_NUL_PATTERN
        if field.max_length is not None:
            schema["maxLength"] = field.max_length


def linked_rows(model, lookup, include_samples: bool):
    """A prefetch of `lookup` that names linked rows only while they are public themselves, as on
    the pages (portal.generic.public_rows), and sample rows only when they were asked for."""
    if not isinstance(lookup, str):
        return lookup
    prefetch = public_rows(model, lookup)
    if include_samples:
        return prefetch
    if isinstance(prefetch, str):
        *path, name = lookup.split("__")
        for step in path:
            model = model._meta.get_field(step).related_model
        return Prefetch(lookup, queryset=without_samples(model._meta.get_field(name).related_model.objects.all()))
    return Prefetch(lookup, queryset=without_samples(prefetch.queryset))


class PublishedViewSet(viewsets.ReadOnlyModelViewSet):
    """A resource: list and detail of a model's public rows (see the module docstring).

    A subclass sets `serializer_class` (a ModelSerializer), optionally `filterset_class` (the list
    page's), `select_related`/`prefetch_related` (so the query count does not grow with the rows),
    `lookup_field` (the slug, where rows have one) and `tabular = True` to offer `?format=csv`."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    tabular = False
    filter_backends = [DjangoFilterBackend]
    pagination_class = PagePagination
    throttle_classes = [ClientThrottle]
    content_negotiation_class = FormatParameterNegotiation
    schema = ApiSchema()

    def get_renderers(self):
        chosen = [renderers.JSONRenderer()]
        if self.tabular:
            chosen.append(CSVRenderer())
        return chosen

    @property
    def default_response_headers(self):
        headers = super().default_response_headers
        headers.pop("Vary", None)  # the Accept header is never read (FormatParameterNegotiation)
        return headers

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_query_parameters(request.query_params)

    def check_query_parameters(self, params) -> None:
        """Refuse (400) what the schema does not allow rather than guess: a parameter that takes
        one value given twice (which one would count?), a `page_size` that is not a positive
        integer (DRF would quietly use the default size), `include_samples` other than 0 or 1,
        `download` other than 1; and (404, DRF's answer) a `page` that is not a page number,
        also when a download does not read it."""
        errors = {}
        single = {"page", "page_size", "format", INCLUDE_SAMPLES_PARAMETER, DOWNLOAD_PARAMETER}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            single |= {
                name
                for name, found in filterset_class.base_filters.items()
                if not issubclass(found.field_class, forms.MultipleChoiceField)
            }
        for name in sorted(single):
            if len(params.getlist(name)) > 1:
                errors[name] = [_("这个参数只能给一个值。")]
        page_size = params.get("page_size")
        if "page_size" not in errors and page_size is not None and not re.fullmatch(r"[1-9][0-9]*", page_size):
            errors["page_size"] = [_("每页条数须为正整数。")]
        if params.get(INCLUDE_SAMPLES_PARAMETER, "0") not in ("0", "1"):
            errors[INCLUDE_SAMPLES_PARAMETER] = [_("只能是 0 或 1。")]
        if params.get(DOWNLOAD_PARAMETER, "1") != "1":
            errors[DOWNLOAD_PARAMETER] = [_("只能是 1。")]
        if errors:
            raise ValidationError(errors)
        page = params.get("page")
        if page is not None and not re.fullmatch(r"[1-9][0-9]*", page):
            raise NotFound(_("无效页面。"))

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        include_samples = self.request.query_params.get(INCLUDE_SAMPLES_PARAMETER) == "1"
        rows = model.objects.published()
        if not include_samples:
            rows = without_samples(rows)
        if self.select_related:
            rows = rows.select_related(*self.select_related)
        if self.prefetch_related:
            rows = rows.prefetch_related(*(linked_rows(model, lookup, include_samples) for lookup in self.prefetch_related))
        return rows.order_by(*rows.query.order_by or model._meta.ordering, "pk")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The detail route's path converter (portal.api.build_router): only an id or a slug gets in.
        cls.lookup_value_converter = "int" if cls.lookup_field == "pk" else "slug"

    @extend_schema(parameters=[DOWNLOAD])
    def list(self, request, *args, **kwargs):
        """A page of rows; with `?download=1` every row the filters select, as a file
        (portal.downloads)."""
        if wants_download(request):
            rows = self.filter_queryset(self.get_queryset())
            model = self.serializer_class.Meta.model
            kind = request.accepted_renderer.format
            return download_response(self, rows, kind, model._meta.model_name, str(model._meta.verbose_name_plural))
        return super().list(request, *args, **kwargs)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("没有找到这条公开内容。")) from None


class ApiRoot(routers.APIRootView):
    """开放数据接口：各资源的地址。说明与结构见 /api/v1/docs/ 和 /api/v1/schema/。"""

    throttle_classes = [ClientThrottle]
    content_negotiation_class = FormatParameterNegotiation
    renderer_classes = [renderers.JSONRenderer]


class ApiRouter(routers.DefaultRouter):
    """The API's routes; its root (/api/v1/) lists every resource."""

    include_format_suffixes = False
    APIRootView = ApiRoot


def build_router(resources) -> ApiRouter:
    """A router with every registered (prefix, viewset) pair; a prefix used twice is a mistake.
    Its routes are path() patterns with converters (a slug is a `slug`, an id an `int`), like
    every other URL of the site, so nothing else reaches a view."""
    router = ApiRouter(use_regex_path=False)
    seen = set()
    for prefix, viewset in resources:
        if prefix in seen:
            raise ImproperlyConfigured(f"API prefix {prefix!r} is registered twice")
        seen.add(prefix)
        router.register(prefix, viewset, basename=prefix.replace("/", "-"))
    return router


def urls() -> list:
    """/api/v1/: the root listing every resource, each registered resource, the OpenAPI schema
    and its browsable documentation (Swagger UI served from this site, its script a file of its
    own so the page keeps the strict Content-Security-Policy)."""
    from csp.decorators import csp_update
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

    from .registry import registry

    # GET only: the page's renderer has no template for an OPTIONS answer (it was a 500). Swagger
    # UI sets style attributes from its script: inline styles (never scripts) are allowed on
    # this one page, or it draws its panels without them.
    docs = SpectacularSwaggerSplitView.as_view(url_name="api:schema", http_method_names=["get", "head"])
    docs = csp_update({"style-src": ["'unsafe-inline'"]})(docs)
    return [
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", docs, name="docs"),
        *build_router(registry.api_resources).urls,
    ]
