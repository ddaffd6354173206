"""The one write of the public site: saving a nomination (row, document, history, mail)."""

import logging
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import AwardCategory, AwardCycle, Nomination, new_reference, normalise_name

REFERENCE_ATTEMPTS = 5
MAIL_COUNT_SECONDS = 60 * 60 * 25  # a day's count outlives its day; the date is in the key

logger = logging.getLogger(__name__)


class NominationError(Exception):
    """A nomination that cannot be accepted; `message` is shown to the nominator."""

    message = ""


class NominationClosed(NominationError):
    message = _("该评选周期目前不接受提名。")


@dataclass
class DuplicateNomination(NominationError):
    """The same form (its one-time token) was sent twice: a double click or a reload. Only the
    browser that loaded the form knows its token, so telling it so reveals nothing."""

    nomination: Nomination

    def __str__(self):
        return self.nomination.reference


@dataclass(frozen=True)
class Submission:
    """What a submission came to. The visitor's page is the same whether `created` or not;
    `mailed` is False when today's mails to the address were used up (nothing was sent)."""

    nomination: Nomination
    created: bool
    mailed: bool


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
) -> Submission:
    """Save a nomination with its document and a first revision; mail the nominator on commit.

    A repeat — this e-mail address already nominated this person in this category and cycle —
    is not stored twice: the earlier nomination stands, as reviewers already see it, and only
    the address's owner learns of it, by a reminder of its reference mailed to that address.
    Whoever typed the address sees the same confirmation page as for a new nomination, so the
    form cannot be used to find out whom an address has nominated.

    Raises NominationClosed outside the cycle's window, DuplicateNomination when the same form
    token was seen before, ValidationError when a value breaks the model's rules (NominationForm
    checks the same rules first).
    """
    if not cycle.is_open:
        raise NominationClosed()
    if category.award_id != cycle.award_id:
        raise ValueError("The category belongs to another award.")
    nominator_email = nominator_email.strip().lower()
    normalised = normalise_name(nominee_name)
    earlier = _earlier_nomination(cycle, category, normalised, nominator_email, form_token)
    if earlier is not None:
        return _repeat(earlier, status_url)

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
        # another reference, or a repeat. The document is checked by the form; its stored name
        # is ours.
        nomination.full_clean(exclude={"supporting_document"}, validate_unique=False, validate_constraints=False)
        nomination.supporting_document.save("document.pdf", document, save=False)
        try:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_comment(_("公开提名表提交"))
                nomination.save()
        except IntegrityError:
            nomination.supporting_document.delete(save=False)
            # A concurrent repeat, or (rarely) a reference already taken: check which.
            earlier = _earlier_nomination(cycle, category, normalised, nominator_email, form_token)
            if earlier is not None:
                return _repeat(earlier, status_url)
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            continue
        return Submission(nomination=nomination, created=True, mailed=_mail_on_commit(nomination, status_url))
    raise AssertionError("unreachable")


def _earlier_nomination(cycle, category, normalised, email, form_token) -> Nomination | None:
    """The nomination this one repeats, if any; DuplicateNomination when it is the same form."""
    same_form = Nomination.objects.filter(form_token=form_token).first()
    if same_form is not None:
        raise DuplicateNomination(nomination=same_form)
    return Nomination.objects.filter(
        cycle=cycle, category=category, nominee_name_normalised=normalised, nominator_email=email
    ).first()


def _repeat(earlier: Nomination, status_url: str) -> Submission:
    logger.info("Nomination %s was submitted again by its nominator; not stored twice", earlier.reference)
    return Submission(nomination=earlier, created=False, mailed=_mail_on_commit(earlier, status_url, repeat=True))


def mail_allowed(address: str) -> bool:
    """Count one mail to `address` today; False past settings.PORTAL_MAILS_PER_ADDRESS_PER_DAY.

    Anyone can type anyone's address into the form, so this bounds what the portal sends to
    one mailbox. name+tag@domain counts as name@domain (the same mailbox). The count lives in
    the default cache, shared by every worker, under a keyed hash: the cache holds no address.
    """
    local, _at, domain = address.strip().lower().rpartition("@")
    mailbox = f"{local.split('+', 1)[0]}@{domain}"
    key = f"talent.mails:{timezone.localdate():%Y%m%d}:{salted_hmac('talent.mails-per-address', mailbox).hexdigest()}"
    cache.add(key, 0, timeout=MAIL_COUNT_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=MAIL_COUNT_SECONDS)
        count = 1
    return count <= settings.PORTAL_MAILS_PER_ADDRESS_PER_DAY


def _mail_on_commit(nomination: Nomination, status_url: str, *, repeat: bool = False) -> bool:
    """Mail the nominator once the transaction commits, if the address has mails left today."""
    if not mail_allowed(nomination.nominator_email):
        logger.warning("Mail limit reached for the nominator of %s: no confirmation sent", nomination.reference)
        return False
    transaction.on_commit(lambda: _mail_nominator(nomination, status_url, repeat=repeat))
    return True


def _mail_nominator(nomination: Nomination, status_url: str, *, repeat: bool) -> None:
    """The confirmation, plain text. Nobody has confirmed that the address belongs to whoever
    typed it, so the mail carries nothing a visitor wrote (no names, no statement): only the
    reference, the award and cycle, and the status page's address — it cannot carry a
    stranger's message, or a link of theirs, under the portal's name.

    The nomination is saved whatever happens to the mail: a failing mail server is logged,
    never shown to the nominator as an error."""
    context = {
        "reference": nomination.reference,
        "cycle": nomination.cycle,
        "sample": nomination.is_sample,
        "repeat": repeat,
        "status_url": status_url,
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
