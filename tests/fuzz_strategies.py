"""What tests/test_fuzz.py sends: the site's public URL patterns, read from the resolver; the
forms found on its pages, read from their HTML; and Hypothesis strategies for the values a
visitor (or a scanner) can put in a path, a query string, a form field or an uploaded file.

Nothing here names a page or a field: a new URL pattern, filter or form field is fuzzed as soon
as it exists. The texts include markup and script payloads around a marker `<fzN>`
(`MARKER`): a page that shows it unescaped is an injection hole.
"""

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.actions import JavaScript

MARKER = re.compile(rb"<fz\d+")
SKIPPED_PREFIXES = ("admin/",)  # staff pages: not public, and guarded by login


# --- the URL patterns -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A public URL pattern: its full route ("talent/awards/<slug:slug>/") and its view."""

    route: str
    converters: tuple  # ((keyword, converter), ...) in the order they appear
    callback: object = field(compare=False, repr=False)

    def url(self, values: dict[str, str]) -> str:
        """The path with each `<converter:keyword>` replaced by values[keyword] (percent-quoted)."""
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(values[m.group(1)], safe=""), self.route)

    @property
    def filterset_class(self):
        view_class = getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)  # DRF: cls
        return getattr(view_class, "filterset_class", None)


def public_routes(patterns=None, prefix: str = "", converters: tuple = ()) -> list[Route]:
    """Every URL pattern of the site but the admin and the media files (which serve what is
    uploaded, not pages), walking the includes of the root URLconf."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            # Only the media files are a regex (settings.SERVE_MEDIA); a new regex page would be
            # missed silently, so refuse it here instead.
            assert str(pattern).startswith(f"^{settings.MEDIA_URL.lstrip('/')}"), f"regex pattern {pattern}"
            continue
        route = prefix + str(pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        found = converters + tuple(pattern.converters.items())
        if isinstance(entry, URLResolver):
            routes += public_routes(entry.url_patterns, route, found)
        elif isinstance(entry, URLPattern):
            routes.append(Route(route, found, entry.callback))
    return routes


def filter_parameters(route: Route) -> dict[str, list[str]]:
    """{query parameter: the values its filter offers} for a list view's FilterSet: the names
    its form's widgets write (a range filter writes two), with the choices each offers."""
    filterset_class = route.filterset_class
    if filterset_class is None:
        return {}
    form = filterset_class(data=None, queryset=filterset_class._meta.model._default_manager.none()).form
    parameters = {}
    for name, form_field in form.fields.items():
        choices = [str(getattr(value, "value", value)) for value, _label in getattr(form_field, "choices", ())]
        context = form_field.widget.get_context(name, None, {})["widget"]
        for widget in context.get("subwidgets") or [context]:
            parameters[widget["name"]] = [value for value in choices if value]
    return parameters


# --- the forms on the site's pages ----------------------------------------------------------


@dataclass
class FormSpec:
    """A <form> as a browser would send it: where, how, and each named control."""

    page: str
    action: str
    method: str
    multipart: bool
    fields: dict = field(default_factory=dict)  # name -> {"type": ..., "options": [...], "value": ...}

    @property
    def key(self):
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """The forms of one HTML page: inputs, textareas, selects (with their options) and named
    submit buttons (a button's value is a choice, as for the 关怀版 switch)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.form, self.select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            method = (attrs.get("method") or "get").upper()
            multipart = attrs.get("enctype") == "multipart/form-data"
            self.form = FormSpec(self.page, urljoin(self.page, attrs.get("action") or self.page), method, multipart)
            self.forms.append(self.form)
        if tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))
        if self.form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            spec = self.form.fields.setdefault(name, {"type": kind, "options": [], "value": attrs.get("value", "")})
            if kind in ("radio", "checkbox"):
                spec["options"].append(attrs.get("value", "on"))
        elif tag == "button":
            self.form.fields.setdefault(name, {"type": "choice", "options": [], "value": ""})["options"].append(
                attrs.get("value", "")
            )
        elif tag == "textarea":
            self.form.fields[name] = {"type": "textarea", "options": [], "value": ""}
        elif tag == "select":
            self.select = self.form.fields[name] = {"type": "choice", "options": [], "value": ""}

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def forms_in(html: str, page: str) -> list[FormSpec]:
    parser = FormParser(page)
    parser.feed(html)
    return parser.forms


# --- values ---------------------------------------------------------------------------------


def marked(n: int) -> str:
    """The marker: a tag no page writes, so its raw presence in a page is a reflection."""
    return f"<fz{n}>"


markers = st.integers(0, 10**9).map(marked)

# Markup and script payloads, each around a marker: attribute break-outs, script, URLs.
payloads = st.builds(
    lambda n, template: template.format(m=marked(n)),
    st.integers(0, 10**9),
    st.sampled_from(
        [
            "{m}",
            "\"'>{m}<script>alert(1)</script>",
            "'><img src=x onerror=alert(1)>{m}",
            '" onmouseover="alert(1)" x="{m}',
            "</textarea></title></script>{m}",
            "javascript:alert(1)//{m}",
            "{{{{ {m} }}}}{{% debug %}}",
            "<!--{m}-->",
            "<svg/onload=alert(1)>{m}",
            "%3Cfz1%3E{m}",
        ]
    ),
)

ODD_CHARACTERS = [
    "\x00", "\x01", "\x08", "\x1b", "\x7f", "\t", "\r\n", "\n", "\x0b", "\x0c", "\u0085", "\u2028", "\u2029",
    "\ufeff", "\u200b", "\u200d", "\u202e", "\u2066", "\ufffd", "\uffff", "\U0010ffff",
    "😀", "👨‍👩‍👧‍👦", "🇨🇳", "\u0301", "ﷺ", "ǅ", "ß", "İ", "ﬃ", "Ⅻ", "㍿", "１２３", "٣", "％", "＜", "＞",
    "مرحبا", "שלום", "한국어", "日本語", "𠀀𪚥", "\\", "'", '"', "`", "%", "&", "#", "+", ";", "=", "?", "/", "..",
    "%00", "%ff", "%ED%A0%80", "\\ud800", "\\x00", "' OR '1'='1", "1; DROP TABLE x--", "%s%s%s%n", "${7*7}",
    "*", "_", "[]", "{}", "null", "None", "true", "undefined", "NaN",
]  # fmt: skip

cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=20)
short_text = st.text(max_size=30)  # any code point but surrogates (which UTF-8 cannot carry)
pieces = st.one_of(short_text, cjk, st.sampled_from(ODD_CHARACTERS), payloads)
texts = st.one_of(
    st.lists(pieces, max_size=5).map("".join),
    # Very long: a piece repeated past every max_length (cheap to make, unlike a long st.text).
    st.builds(lambda piece, length: (piece * length)[:length], pieces.filter(bool), st.integers(100, 6000)),
)

numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(["1e309", "-1e309", "1e-400", "-0", "0x10", "0o7", "1_000", "00000000001", "1,000", "9" * 400]),
)

dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(str),
    st.sampled_from(
        ["0000-00-00", "2017-02-30", "2017-13-01", "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01",
         "2017/06/01", "2017年6月1日", "20170601", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08+99:00"]
    ),
)  # fmt: skip

values = st.one_of(texts, numbers, dates)


def values_for(real: list[str]):
    """A value for a parameter: one it really offers (so filters narrow), or anything at all."""
    return st.one_of(st.sampled_from(real), values) if real else values


@st.composite
def query_params(draw, names: dict[str, list[str]]):
    """A query as the test client takes it: a few of `names` (and of any name), each with one
    value or two (a repeated parameter)."""
    name = st.one_of(st.sampled_from(sorted(names)), texts) if names else texts
    query = {}
    for _ in range(draw(st.integers(0, 4))):
        key = draw(name)
        value = values_for(names.get(key, []))
        query[key] = draw(st.one_of(value, st.lists(value, min_size=2, max_size=2)))
    return query


# Raw query strings, byte by byte as a client can send them (the request line carries no space,
# no '#' and no control character; anything else goes, including bytes that are not UTF-8).
RAW_BYTES = [bytes([b]) for b in range(0x21, 0x7F) if b != ord("#")] + [bytes([b]) for b in range(0x80, 0x100)]
raw_pieces = st.one_of(
    st.sampled_from(RAW_BYTES),
    st.sampled_from([b"%", b"%f", b"%ff", b"%FE", b"%00", b"%0a", b"%C0%AF", b"%ED%A0%80", b"%F4%90%80%80", b"%E4%B8"]),
    st.sampled_from([b"=", b"&", b";", b"&&", b"=="]),
    markers.map(lambda m: quote(m).encode()),
)


def raw_query_strings(names: list[str]):
    """QUERY_STRING as the WSGI server hands it over: bytes decoded as ISO-8859-1."""
    name = st.sampled_from([n.encode() for n in names]) if names else st.just(b"q")
    chunk = st.one_of(name.map(lambda n: n + b"="), raw_pieces)
    return st.lists(chunk, max_size=40).map(lambda parts: b"".join(parts).decode("iso-8859-1"))


# Header values as a client can send them: any byte but CR, LF and NUL, read as ISO-8859-1.
header_text = st.one_of(
    st.binary(max_size=60).map(lambda raw: raw.translate(None, b"\r\n\x00").decode("iso-8859-1")),
    st.lists(raw_pieces, max_size=20).map(lambda parts: b"".join(parts).decode("iso-8859-1")),
    markers,
)


@st.composite
def headers(draw, cookie_names: list[str]):
    """Request headers a page may read (WSGI names): cookies the site sets, with junk values
    or junk cookies, languages, the referrer, the client's address behind a proxy, the host."""
    cookie = st.tuples(st.one_of(st.sampled_from(cookie_names), header_text), header_text)
    candidates = {
        "HTTP_COOKIE": st.lists(cookie, max_size=4).map(lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs)),
        "HTTP_ACCEPT_LANGUAGE": st.one_of(st.sampled_from(["zh-hans", "en", "*", "zh-CN,zh;q=0.9", "q=x"]), header_text),
        "HTTP_ACCEPT": st.one_of(st.sampled_from(["*/*", "application/json", "text/html;q=x"]), header_text),
        "HTTP_REFERER": header_text,
        "HTTP_USER_AGENT": header_text,
        "HTTP_X_REAL_IP": st.one_of(st.ip_addresses().map(str), header_text),
        "HTTP_X_FORWARDED_FOR": header_text,
        "HTTP_HOST": st.one_of(st.just("testserver"), header_text),
        "HTTP_IF_MODIFIED_SINCE": st.one_of(dates, header_text),
        "HTTP_RANGE": st.one_of(st.sampled_from(["bytes=0-1", "bytes=-1", "bytes=9-1"]), header_text),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(candidates)), max_size=3, unique=True))
    return {name: draw(candidates[name]) for name in chosen}


def path_values(converter):
    """For a path converter: junk its pattern accepts, and junk it does not (which must 404)."""
    return st.one_of(
        st.from_regex(converter.regex, fullmatch=True).filter(lambda v: len(v) < 300),
        st.sampled_from(["0", "-1", "99999999999999999999999", "9" * 40, "..", ".", "%2e%2e", "a/b"]),
        texts.filter(bool),
    )


junk_paths = st.lists(
    st.one_of(st.sampled_from(["", ".", "..", "admin", "static", "media", "%2e%2e", "%00", "%ff", "index.php"]), texts),
    min_size=1,
    max_size=4,
).map(lambda parts: "/" + "/".join(quote(part, safe="%") for part in parts))


@st.composite
def form_bodies(draw, data: dict):
    """A urlencoded body and its Content-Type, in UTF-8 or in another encoding it names (or
    names wrongly, or names one that does not exist)."""
    charset = draw(st.sampled_from(["", "utf-8", "gb18030", "big5", "latin-1", "utf-16", "x-no-such-charset"]))
    encoding = draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])) if charset == "x-no-such-charset" else charset
    body = urlencode(data, doseq=True, encoding=encoding or "utf-8", errors="replace")
    return body, "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")


# --- uploads --------------------------------------------------------------------------------


def pdf(javascript: str = "") -> bytes:
    """A real one-page PDF written by pypdf, with a document-level script when asked."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


VALID_PDF = pdf()

file_names = st.one_of(
    st.sampled_from(["材料.pdf", "a.pdf", "A.PDF", ".pdf", "x.pdf.exe", "x.html", "../../etc/passwd", "..\\boot.ini", "con.pdf"]),
    # The test client writes the name between quotes in a header line: no quote or line break.
    st.builds(lambda stem: stem + ".pdf", texts.map(lambda text: re.sub(r'[\x00"\r\n]', "", text))),
    st.builds(lambda n: "长" * n + ".pdf", st.integers(100, 400)),
)
file_contents = st.one_of(
    st.just(VALID_PDF),
    st.builds(pdf, payloads),  # a real PDF that runs a script when opened
    st.integers(0, len(VALID_PDF)).map(lambda n: VALID_PDF[:n]),  # cut short
    st.tuples(st.integers(0, len(VALID_PDF) - 1), st.integers(0, 255)).map(
        lambda at: VALID_PDF[: at[0]] + bytes([at[1]]) + VALID_PDF[at[0] + 1 :]  # one byte changed
    ),
    st.binary(max_size=2048),
    st.binary(max_size=2048).map(lambda junk: b"%PDF-1.7\n" + junk),  # a PDF header and nothing real after it
    st.binary(max_size=1100).map(lambda junk: junk + b"%PDF-"),  # the header past the allowed window
    st.sampled_from([b"", b"%PDF-", b"<html><script>alert(1)</script></html>", b"MZ\x90\x00", b"\x89PNG\r\n\x1a\n"]),
    st.integers(1, 20).map(lambda kib: VALID_PDF + b"0" * 1024 * kib),  # past a small size limit
)
content_types = st.sampled_from(
    [
        "application/pdf",
        "text/html",
        "application/octet-stream",
        "image/png",
        "application/x-msdownload",
        "",
        "pdf",
        'a/b; x="<fz1>"',
    ]
)
uploads = st.builds(
    lambda name, content, content_type: SimpleUploadedFile(name, content, content_type=content_type),
    file_names,
    file_contents,
    content_types,
)
valid_uploads = st.builds(lambda: SimpleUploadedFile("材料.pdf", VALID_PDF, content_type="application/pdf"))

# --- form controls --------------------------------------------------------------------------


def offered(spec: dict) -> list[str]:
    """What a control offers: its options (select, radio, button), else its value (hidden)."""
    return [value for value in spec["options"] if value] or ([spec["value"]] if spec["value"] else [])


def valid_value(spec: dict):
    """What a careful visitor would enter in a control of this type."""
    if spec["type"] == "file":
        return valid_uploads
    if offered(spec):
        return st.sampled_from(offered(spec))
    return {
        "email": st.integers(0, 10**6).map(lambda n: f"fuzz{n}@example.com"),
        "textarea": st.builds(lambda text, n: (text + "的主要贡献与成果") * n, cjk, st.integers(3, 30)),
        "tel": st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
        "number": st.integers(1900, 2100).map(str),
        "date": st.dates().map(str),
    }.get(spec["type"], st.builds(lambda name, n: f"{name}{n}", cjk, st.integers(0, 999)))


def any_value(spec: dict):
    """Anything at all for a control: what it offers, a value of its type, or junk."""
    if spec["type"] == "file":
        return st.one_of(uploads, values)
    return st.one_of(valid_value(spec), values, payloads)


@st.composite
def form_data(draw, fields: dict):
    """A form filled in: either carefully, with one or two controls then spoilt or left out,
    or every control anything at all (or left out)."""
    names = sorted(fields)
    careful = draw(st.booleans())
    spoilt = set(draw(st.lists(st.sampled_from(names), max_size=2))) if careful and names else set(names)
    data = {}
    for name in names:
        if name in spoilt and draw(st.integers(0, 5)) == 0:
            continue  # left out
        data[name] = draw(any_value(fields[name]) if name in spoilt else valid_value(fields[name]))
    return data
