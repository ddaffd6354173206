"""What each section offers to the shared shell: navigation, home blocks, search, sitemaps.

Apps register here from their AppConfig.ready(), the way admin.site.register works, so the
portal never imports a section and a new section touches no shared code.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.db.models import Model


@dataclass(frozen=True)
class NavItem:
    """A page of the site: its name (the link text, and the <title>, breadcrumb and <h1> of a list
    page), its URL name and what it offers (the page's meta description). In a SectionNav,
    `top_order` also puts it in the site's top navigation (sorted by that number); the
    section's own row lists every item in the given order. `quick_order` puts it among the home
    page's quick entries (the services people come for), sorted by that number."""

    label: str
    url_name: str
    description: str = ""
    top_order: int | None = None
    quick_order: int | None = None


@dataclass(frozen=True)
class SectionNav:
    """The row of links on every page of a section (its own pages, in order)."""

    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True)
class HomeBlock:
    """A block on the home page: `template` rendered with what `get_context(request)` returns."""

    name: str
    template: str
    get_context: Callable
    order: int = 50


@dataclass(frozen=True)
class SearchDocument:
    """What site search knows of one row: the title a result shows, the texts around a hit
    (in reading order; labels such as the row's kind belong here too, so they are found),
    and the row's own date as it displays ("1992年9月"), or none when the row has none."""

    title: str
    body: Iterable[str] = ()
    date: datetime.date | None = None
    date_display: str = ""


@dataclass(frozen=True)
class SearchSource:
    """The rows of `model` that site search finds, labelled `label` (the section's name for
    them, itself searchable), each described by `document(row)`.

    `related` names the lookups `document` reads beyond the row and its published parents
    ("partners", "metric", "sections", "cycle__award"): the index selects or prefetches them
    (public rows only) to build every row in a fixed number of queries, and re-indexes a row
    when one of them is saved, deleted or linked. Published parents are followed unnamed.
    """

    model: type[Model]
    label: str
    document: Callable[[Any], SearchDocument]
    related: tuple[str, ...] = ()
    order: int = 50


@dataclass(frozen=True)
class DemoData:
    """What a part of the site adds to `manage.py generate_demo_data` (see portal.demo).

    `generate(run)` bulk-inserts the part's rows, reading scale, random numbers, dates and the
    generated photos from `run` (a portal.demo.DemoRun), one `run.step(model)` per model.
    `generated()` returns querysets of every row it generates, in deletion order (children
    before what they point to); `remove_sample_data`, and a new run before it generates, delete
    them. Parts generate in ascending `order` (the portal's photos and articles come first, at 0)
    and are removed in descending order."""

    order: int
    generate: Callable[[Any], None]
    generated: Callable[[], list]


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    quick_links: list[NavItem] = field(default_factory=list)
    home_blocks: list[HomeBlock] = field(default_factory=list)
    search_sources: list[SearchSource] = field(default_factory=list)
    sitemap_models: list = field(default_factory=list)
    section_navs: dict = field(default_factory=dict)
    sample_models: list = field(default_factory=list)
    removed_last: set = field(default_factory=set)
    sample_hooks: list[Callable] = field(default_factory=list)
    home_structured_data: list[Callable] = field(default_factory=list)
    demo_data: list[DemoData] = field(default_factory=list)
    api_resources: list[tuple[str, type]] = field(default_factory=list)

    def page(self, url_name: str) -> NavItem | None:
        """The registered page named `url_name` (from a section's row or the top navigation)."""
        items = [item for nav in self.section_navs.values() for item in nav.items] + self.nav
        return next((item for item in items if item.url_name == url_name), None)

    def section_home(self, view_name: str) -> NavItem | None:
        """The home page of the section `view_name` ("talent:laureate-list") belongs to: the first
        item of the SectionNav registered under its URL namespace; None on that page itself and
        outside a section."""
        namespace = view_name.rpartition(":")[0]
        nav = self.section_navs.get(namespace)
        if nav is None or not nav.items or nav.items[0].url_name == view_name:
            return None
        return nav.items[0]

    def register_nav(self, item: NavItem) -> None:
        """Put `item` in the top navigation, at its `top_order`."""
        self.nav.append(item)
        self.nav.sort(key=lambda entry: entry.top_order)

    def register_quick_link(self, item: NavItem) -> None:
        """Put `item` among the home page's quick entries, at its `quick_order`."""
        if item.quick_order is None:
            raise ValueError(f"{item.url_name} has no quick_order.")
        self.quick_links.append(item)
        self.quick_links.sort(key=lambda entry: entry.quick_order)

    def register_home_block(self, block: HomeBlock) -> None:
        self.home_blocks.append(block)
        self.home_blocks.sort(key=lambda entry: entry.order)

    def register_search(self, source: SearchSource) -> None:
        """Index the rows of `source.model` for site search (one source per model)."""
        if any(other.model is source.model for other in self.search_sources):
            raise ValueError(f"{source.model._meta.label} already has a search source.")
        self.search_sources.append(source)
        self.search_sources.sort(key=lambda entry: entry.order)

    def register_api_resources(self, resources) -> None:
        """(URL prefix, viewset) pairs of the open-data API (/api/v1/<prefix>/, portal.api)."""
        self.api_resources.extend(resource for resource in resources if resource not in self.api_resources)

    def register_sitemap_models(self, models) -> None:
        """Models whose published rows have a detail page of their own (listed in sitemap.xml)."""
        self.sitemap_models.extend(model for model in models if model not in self.sitemap_models)

    def register_sample_models(
        self, models: list, after_load: Callable[[], None] | None = None, *, removed_last: bool = False
    ) -> None:
        """Models with an `is_sample` flag whose flagged rows `remove_sample_data` deletes.

        Give them in deletion order (children before what they point to). `removed_last` is for
        models that other sections' rows point to (the portal's photos): the portal registers
        before any section, yet they must be deleted after every section's rows. `after_load`, if
        given, runs after `load_sample_data` has inserted fixtures/sample/*.json, e.g. to place
        sample dates relative to today.
        """
        for model in models:
            if model not in self.sample_models:
                self.sample_models.append(model)
            if removed_last:
                self.removed_last.add(model)
        self.sample_models.sort(key=lambda model: model in self.removed_last)  # stable: order kept otherwise
        if after_load is not None and after_load not in self.sample_hooks:
            self.sample_hooks.append(after_load)

    def register_section(self, registrations) -> None:
        """Everything a section's `registrations` module offers; each name is optional:
        section_nav, quick_links (NavItems with `quick_order` for pages outside the section's
        row; items of the row with `quick_order` count too), home_blocks, search_sources,
        sitemap_models, api_resources ((prefix, viewset) pairs of the open-data API), sample_models,
        sample_after_load, home_structured_data (callables `(request) -> list of schema.org nodes`
        for the home page, e.g. the zone as an organisation). The section is named after
        the module's package (e.g. "parks"). `demo_data` (a DemoData) feeds generate_demo_data."""
        section_nav = getattr(registrations, "section_nav", None)
        if section_nav is not None:
            self.section_navs[registrations.__name__.split(".")[0]] = section_nav
            for item in section_nav.items:
                if item.top_order is not None:
                    self.register_nav(item)
                if item.quick_order is not None:
                    self.register_quick_link(item)
        for item in getattr(registrations, "quick_links", ()):
            self.register_quick_link(item)
        for block in getattr(registrations, "home_blocks", ()):
            self.register_home_block(block)
        for source in getattr(registrations, "search_sources", ()):
            self.register_search(source)
        self.register_sitemap_models(getattr(registrations, "sitemap_models", ()))
        self.register_api_resources(getattr(registrations, "api_resources", ()))
        self.home_structured_data.extend(getattr(registrations, "home_structured_data", ()))
        sample_models = getattr(registrations, "sample_models", ())
        if sample_models:
            self.register_sample_models(sample_models, after_load=getattr(registrations, "sample_after_load", None))
        demo_data = getattr(registrations, "demo_data", None)
        if demo_data is not None and demo_data not in self.demo_data:
            self.demo_data.append(demo_data)
            self.demo_data.sort(key=lambda entry: entry.order)


registry = Registry()


class SectionConfig(AppConfig):
    """AppConfig of a section: on ready, registers what its `registrations` module offers."""

    def ready(self):
        registry.register_section(import_module(f"{self.name}.registrations"))
