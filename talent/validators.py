"""Supporting documents: a PDF by content (magic bytes), not by name, and limited in size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.validators import validate_file_size

PDF_MAGIC = b"%PDF-"
# The PDF specification lets a header follow up to 1024 bytes of junk; real files start with it.
HEADER_WINDOW = 1024


def validate_pdf(file) -> None:
    validate_file_size(file, settings.NOMINATION_MAX_UPLOAD_BYTES)
    if not file.size:
        raise ValidationError(_("文件是空的。"), code="empty")
    file.seek(0)
    head = file.read(HEADER_WINDOW)
    file.seek(0)
    if PDF_MAGIC not in head[:HEADER_WINDOW]:
        raise ValidationError(_("文件不是 PDF（按文件内容检查，而不是文件名）。请上传 PDF 格式的证明材料。"), code="not_a_pdf")
