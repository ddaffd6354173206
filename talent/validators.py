"""Supporting documents: a PDF by content, not by name — its header at offset 0 and a PDF library
that opens it with at least one page — limited in size, not encrypted, and with nothing that runs.

Reviewers open these files on their own computers, where a PDF reader would run a document's
JavaScript or its "launch" action (start a program): such a file is refused, not cleaned, and so
is one that cannot be checked completely (encrypted, broken, or too large a structure to walk).
"""

import time
from collections import deque

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal.validators import validate_file_size

PDF_MAGIC = b"%PDF-"
# The walk over a document's objects is bounded, so a crafted file can neither hang the request
# nor fill the memory: past either bound the file is refused as one we could not check. Real
# documents (scans, exported text with fonts) stay far below both.
MAX_PDF_OBJECTS = 50_000  # dictionaries and arrays visited
MAX_PDF_SECONDS = 5.0

MESSAGES = {
    "not_a_pdf": _("文件不是 PDF（按文件内容检查，而不是文件名）。请上传 PDF 格式的证明材料。"),
    "corrupt": _("文件已损坏或不是有效的 PDF，请重新导出 PDF 后上传。"),
    "encrypted": _("PDF 文件设置了密码或加密，请去掉密码保护后重新上传。"),
    "no_pages": _("PDF 文件没有任何页面，请检查后重新上传。"),
    "javascript": _("PDF 文件含有脚本（JavaScript），出于安全考虑不能接收。请用“打印为 PDF”另存一份后重新上传。"),
    "launch": _("PDF 文件含有启动其他程序的操作，出于安全考虑不能接收。请用“打印为 PDF”另存一份后重新上传。"),
    "too_complex": _("PDF 文件结构过于复杂，无法完成安全检查。请用“打印为 PDF”另存一份后重新上传。"),
}


class TooComplex(Exception):
    """The document's objects could not all be visited within MAX_PDF_OBJECTS and MAX_PDF_SECONDS."""


def validate_pdf(file) -> None:
    validate_file_size(file, settings.NOMINATION_MAX_UPLOAD_BYTES)
    if not file.size:
        raise ValidationError(_("文件是空的。"), code="empty")
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    try:
        problem = "not_a_pdf" if head != PDF_MAGIC else pdf_problem(file)
    finally:
        file.seek(0)
    if problem:
        raise ValidationError(MESSAGES[problem], code=problem)


def pdf_problem(file) -> str | None:
    """Why this PDF is refused (a key of MESSAGES), or None when it may be stored."""
    try:
        file.seek(0)
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            return "encrypted"
        if len(reader.pages) == 0:
            return "no_pages"
        return active_content(reader.trailer)
    except TooComplex:
        return "too_complex"
    except Exception:
        # A broken file makes pypdf raise its own errors and plain ones alike (KeyError,
        # RecursionError…): whichever it is, the file is not a PDF we can read, never a 500.
        return "corrupt"


def active_content(trailer: DictionaryObject) -> str | None:
    """ "javascript" or "launch" when an object reachable from the trailer is such an action or
    holds document-level scripts, else None. Breadth-first over every dictionary and array —
    catalog (/OpenAction, /AA, the /Names /JavaScript tree), pages, annotations' /A and /AA,
    form fields, outlines — each indirect object once (pages point back to their parents)."""
    deadline = time.monotonic() + MAX_PDF_SECONDS
    seen: set[tuple[int, int]] = set()
    queue = deque([trailer])
    visited = 0
    while queue:
        node = queue.popleft()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams too: their dictionary
            kind = action_kind(node)
            if kind:
                return kind
            children = dict.values(node)  # raw: references stay references, resolved once above
        elif isinstance(node, ArrayObject):
            children = list.__iter__(node)
        else:
            continue
        visited += 1
        if visited > MAX_PDF_OBJECTS or time.monotonic() > deadline:
            raise TooComplex()
        queue.extend(child for child in children if isinstance(child, (IndirectObject, DictionaryObject, ArrayObject)))
    return None


def action_kind(dictionary: DictionaryObject) -> str | None:
    """What a dictionary would make a reader do: "javascript" for a JavaScript action, a /JS
    entry or a /JavaScript name tree; "launch" for a Launch action; else None."""
    if "/JS" in dictionary or "/JavaScript" in dictionary:
        return "javascript"
    action = dictionary.get("/S")
    action = action.get_object() if action is not None else None  # an indirect /S counts too
    if action == "/JavaScript":
        return "javascript"
    if action == "/Launch":
        return "launch"
    return None
