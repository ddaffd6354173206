"""Upload checks every section's file fields share."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_file_size(file, max_bytes: int, *, what: str = "") -> None:
    """Refuse a file larger than `max_bytes`, saying how large it is and what the limit is.
    `what` names the kind of file in the message (图片文件过大…)."""
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("%(what)s文件过大（%(size)s），上限为 %(limit)s。"),
            code="file_too_large",
            params={"what": what, "size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
