"""Downloads of a whole filtered list: what a list page's filters select, every row of it (not
one page), as one CSV or JSON file — the "下载 CSV / JSON" links of the list pages.

A download is the API resource's list with `?download=1` (and `format=csv` or `format=json`):
the same rows, filters, order and fields as /api/v1/<resource>/, without the pages. It is
streamed: rows are read `CHUNK_SIZE` at a time (each chunk one query, plus one per prefetched
relation), serialised and written as they come, so memory stays flat however large the list;
the time grows with the rows, as a file's size does. The page cache never stores it (it is
streamed) and nothing in it is computed per request beyond the rows themselves.
"""

import csv
import io
import json
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

DOWNLOAD_PARAMETER = "download"
CHUNK_SIZE = 2000


def wants_download(request) -> bool:
    return request.query_params.get(DOWNLOAD_PARAMETER) == "1"


def attachment_header(ascii_name: str, name: str) -> str:
    """Content-Disposition of a download named plainly for old clients (filename=) and in full,
    Chinese included, for the others (filename*=)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def csv_lines(columns: list[str], records):
    """UTF-8 CSV with a byte-order mark, line by line (portal.api.csv_cell writes each value)."""
    from .api import csv_cell

    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(columns)
    yield out.getvalue().encode("utf-8")
    for record in records:
        out.seek(0)
        out.truncate()
        writer.writerow([csv_cell(record.get(column)) for column in columns])
        yield out.getvalue().encode("utf-8")


def json_lines(records):
    """A JSON array, one row per line."""
    yield b"["
    for index, record in enumerate(records):
        prefix = b"\n" if index == 0 else b",\n"
        yield prefix + json.dumps(record, cls=JSONEncoder, ensure_ascii=False).encode("utf-8")
    yield b"\n]\n"


def download_response(viewset, rows, kind: str, ascii_stem: str, stem: str) -> StreamingHttpResponse:
    """Every row of `rows` through the viewset's serializer, as a CSV or JSON attachment named
    after the resource and the day: "honours-20261128.csv" / "园区荣誉-20261128.csv"."""
    serializer = viewset.get_serializer()
    columns = list(serializer.fields)

    def records():
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            yield viewset.get_serializer(row).data

    if kind == "csv":
        content, content_type = csv_lines(columns, records()), "text/csv; charset=utf-8"
    else:
        content, content_type = json_lines(records()), "application/json; charset=utf-8"
    response = StreamingHttpResponse(content, content_type=content_type)
    day = f"{timezone.localdate():%Y%m%d}"
    response["Content-Disposition"] = attachment_header(f"{ascii_stem}-{day}.{kind}", f"{stem}-{day}.{kind}")
    return response
