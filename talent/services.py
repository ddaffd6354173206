"""The one write of the public site: saving a nomination (row, document, history, mail)."""

import logging
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.dates import format_local_datetime

from .models import AwardCategory, AwardCycle, Nomination, new_reference, normalise_name

REFERENCE_ATTEMPTS = 5

logger = logging.getLogger(__name__)


class NominationError(Exception):
    """A nomination that cannot be accepted; `message` is shown to the nominator."""

    message = ""


class NominationClosed(NominationError):
    message = _("该评选周期目前不接受提名。")


@dataclass
class DuplicateNomination(NominationError):
    """The same form was sent twice (`same_form`), or this nominator already nominated this person."""

    nomination: Nomination
    same_form: bool

    def __str__(self):
        return self.nomination.reference


def submit_nomination(
    *,
    cycle: AwardCycle,
    category: AwardCategory,
    nominee_name: str,
    nominee_organisation: str,
    statement: str,
    document: UploadedFile,
    nominator_name: str,
    nominator_email: str,
    nominator_phone: str = "",
    form_token: str,
    status_url: str,
) -> Nomination:
    """Save a nomination with its document and a first revision; mail the nominator on commit.

    Raises NominationClosed outside the cycle's window and DuplicateNomination when the form
    token or (cycle, category, nominee, nominator e-mail) was seen before, ValidationError when
    a value breaks the model's rules (NominationForm checks the same rules first).
    """
    if not cycle.is_open:
        raise NominationClosed()
    if category.award_id != cycle.award_id:
        raise ValueError("The category belongs to another award.")
    nominator_email = nominator_email.strip().lower()
    normalised = normalise_name(nominee_name)
    _raise_if_duplicate(cycle, category, normalised, nominator_email, form_token)

    for attempt in range(REFERENCE_ATTEMPTS):
        nomination = Nomination(
            reference=new_reference(),
            cycle=cycle,
            category=category,
            nominee_name=nominee_name,
            nominee_name_normalised=normalised,
            nominee_organisation=nominee_organisation,
            statement=statement,
            nominator_name=nominator_name,
            nominator_email=nominator_email,
            nominator_phone=nominator_phone,
            eligibility_confirmed=True,
            consent_given=True,
            form_token=form_token,
            is_sample=cycle.is_sample,
        )
        # The model's rules, before anything is written (SQLite would store a too-long value that
        # PostgreSQL refuses). Uniqueness is the database's, answered below by IntegrityError:
        # another reference, or DuplicateNomination. The document is checked by the form; its
        # stored name is ours.
        nomination.full_clean(exclude={"supporting_document"}, validate_unique=False, validate_constraints=False)
        nomination.supporting_document.save("document.pdf", document, save=False)
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment(_("公开提名表提交"))
                nomination.save()
                transaction.on_commit(lambda nomination=nomination: _mail_nominator(nomination, status_url))
            return nomination
        except IntegrityError:
            nomination.supporting_document.delete(save=False)
            # A concurrent duplicate, or (rarely) a reference already taken: check which.
            _raise_if_duplicate(cycle, category, normalised, nominator_email, form_token)
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _raise_if_duplicate(cycle, category, normalised, email, form_token):
    same_form = Nomination.objects.filter(form_token=form_token).first()
    if same_form is not None:
        raise DuplicateNomination(nomination=same_form, same_form=True)
    same_nominee = Nomination.objects.filter(
        cycle=cycle, category=category, nominee_name_normalised=normalised, nominator_email=email
    ).first()
    if same_nominee is not None:
        raise DuplicateNomination(nomination=same_nominee, same_form=False)


def _mail_nominator(nomination: Nomination, status_url: str) -> None:
    # The nomination is saved whatever happens to the mail: a failing mail server is logged,
    # never shown to the nominator as an error (the confirmation page has the reference).
    context = {
        "nomination": nomination,
        "status_url": status_url,
        "closes": format_local_datetime(nomination.cycle.nomination_closes),
    }
    try:
        send_mail(
            subject=(_("【示例】提名已收到：%(reference)s") if nomination.is_sample else _("提名已收到：%(reference)s"))
            % {"reference": nomination.reference},
            message=render_to_string("talent/email/nomination_received.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[nomination.nominator_email],
        )
    except Exception:
        logger.exception("Could not mail the confirmation of nomination %s", nomination.reference)
