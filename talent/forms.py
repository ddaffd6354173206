"""The public nomination form and the status lookup form; every rule also checked server-side."""

import secrets

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import AwardCategory, Nomination, normalise_name
from .validators import validate_pdf

FORM_TOKEN_SALT = "talent.nomination-form"
FORM_TOKEN_MAX_AGE = 60 * 60 * 24 * 2  # a form left open for two days must be reloaded


def model_max_length(name: str) -> int:
    """The model's limit, so the form refuses what the database would (PostgreSQL enforces it)."""
    return Nomination._meta.get_field(name).max_length


def new_form_token() -> str:
    """A signed one-time token for one rendering of the form (the database keeps it unique)."""
    return signing.dumps(secrets.token_urlsafe(16), salt=FORM_TOKEN_SALT)


# Shown after the label of every required field; the form's legend explains it.
REQUIRED_MARK = mark_safe(' <span class="required-mark" aria-hidden="true">*</span>')


def text_errors(what: str, *, required: str = "") -> dict:
    """Plain-Chinese messages for a text field named `what` (Django's own read "确保该值…")."""
    return {
        "required": required or _("请填写%(what)s。") % {"what": what},
        "max_length": _("%(what)s最多 %%(limit_value)d 个字，现在是 %%(show_value)d 个字，请删减。") % {"what": what},
        "min_length": _("%(what)s至少要写 %%(limit_value)d 个字，现在只有 %%(show_value)d 个字。") % {"what": what},
    }


# The form fields written to a Nomination column of the same name (validated by the model too).
MODEL_TEXT_FIELDS = ("nominee_name", "nominee_organisation", "statement", "nominator_name", "nominator_email", "nominator_phone")


class NominationForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("提名类别"),
        queryset=AwardCategory.objects.none(),
        empty_label=_("请选择"),  # nothing preselected: the nominator chooses the category
        error_messages={"required": _("请选择提名类别。"), "invalid_choice": _("所选类别不属于本奖项，请重新选择。")},
    )
    nominee_name = forms.CharField(
        label=_("被提名人姓名"), max_length=model_max_length("nominee_name"), error_messages=text_errors(_("被提名人姓名"))
    )
    nominee_organisation = forms.CharField(
        label=_("被提名人工作单位"),
        max_length=model_max_length("nominee_organisation"),
        error_messages=text_errors(_("被提名人工作单位")),
    )
    statement = forms.CharField(
        label=_("推荐理由"),
        max_length=model_max_length("statement"),  # the minimum is the model's validator, checked in _post_clean
        error_messages=text_errors(_("推荐理由")),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("被提名人的主要贡献与成果，20 至 5000 字。"),
    )
    supporting_document = forms.FileField(
        label=_("证明材料（PDF）"),
        validators=[validate_pdf],
        help_text=_("一个 PDF 文件，不超过 10 MB。"),
        error_messages={
            "required": _("请选择证明材料（PDF 文件）。"),
            "empty": _("所选文件是空的，请重新选择。"),
            "invalid": _("文件没有上传成功，请重新选择。"),
            "missing": _("文件没有上传成功，请重新选择。"),
            "max_length": _("文件名太长（最多 %(max)d 个字符，现在是 %(length)d 个），请改短文件名后重新选择。"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    nominator_name = forms.CharField(
        label=_("提名人姓名"), max_length=model_max_length("nominator_name"), error_messages=text_errors(_("提名人姓名"))
    )
    nominator_email = forms.EmailField(
        label=_("提名人电子邮箱"),
        max_length=model_max_length("nominator_email"),
        error_messages={
            **text_errors(_("提名人电子邮箱")),
            "invalid": _("电子邮箱地址的格式不对，请检查，例如：name@example.com。"),
        },
        help_text=_("受理编号和审核进展将发到这个邮箱。"),
    )
    nominator_phone = forms.CharField(
        label=_("提名人电话"),
        max_length=model_max_length("nominator_phone"),
        required=False,
        error_messages=text_errors(_("提名人电话")),
    )
    confirm_eligibility = forms.BooleanField(
        label=_("我已阅读参评条件，并确认被提名人符合所选类别的条件。"),
        error_messages={"required": _("请阅读参评条件后勾选这一项：确认被提名人符合所选类别的条件。")},
    )
    consent = forms.BooleanField(
        label=_("我同意主办单位为评选目的处理以上信息，并已征得被提名人同意。"),
        error_messages={"required": _("请勾选这一项：同意主办单位处理以上信息，并已征得被提名人同意。")},
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, cycle, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["category"].queryset = AwardCategory.objects.filter(award_id=cycle.award_id)
        self.fields["nominator_email"].widget.attrs["autocomplete"] = "email"
        self.fields["nominator_name"].widget.attrs["autocomplete"] = "name"
        self.fields["nominator_phone"].widget.attrs["autocomplete"] = "tel"
        for field in self.fields.values():
            if field.required and not field.widget.is_hidden:
                field.label_suffix = REQUIRED_MARK
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())

    def clean_form_token(self):
        """The token's random part (what the database keeps unique), once its signature holds."""
        token = self.cleaned_data["form_token"]
        try:
            nonce = signing.loads(token, salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(_("表单已过期，请刷新页面后重新填写。"), code="bad_token") from None
        if not isinstance(nonce, str) or not nonce or len(nonce) > 64:
            raise forms.ValidationError(_("表单已过期，请刷新页面后重新填写。"), code="bad_token")
        return nonce

    def clean_nominator_email(self):
        return self.cleaned_data["nominator_email"].strip().lower()

    def clean_nominee_name(self):
        return " ".join(self.cleaned_data["nominee_name"].split())

    def _post_clean(self):
        """Run the model's validation, as submit_nomination() does before saving, on what was typed:
        a value the model (or PostgreSQL) refuses becomes a message on its field, never a 500."""
        super()._post_clean()
        typed = [name for name in MODEL_TEXT_FIELDS if name in self.cleaned_data]
        nomination = Nomination(**{name: self.cleaned_data[name] for name in typed})
        checked = set(typed)
        if "nominee_name" in checked:
            nomination.nominee_name_normalised = normalise_name(nomination.nominee_name)
            checked.add("nominee_name_normalised")
        exclude = {field.name for field in Nomination._meta.fields} - checked
        try:
            nomination.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.error_dict.items():
                if name == "nominee_name_normalised":
                    # Width folding can lengthen a name (㍿ → 株式会社) past the column.
                    self.add_error("nominee_name", _("被提名人姓名过长。"))
                else:
                    self.add_error(name, [self.plain_message(name, message) for message in messages])

    def plain_message(self, name: str, error: ValidationError) -> ValidationError:
        """The model's error in this form's wording for its code (min_length, max_length…)."""
        wording = self.fields[name].error_messages.get(error.code) if name in self.fields else None
        if not wording:
            return error
        return ValidationError(wording, code=error.code, params=error.params)


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label=_("受理编号"), max_length=20, help_text=_("例如：NOM-2026-7K3F9Q"))
    email = forms.EmailField(label=_("提名时填写的电子邮箱"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def find(self) -> Nomination | None:
        """The nomination with this reference *and* e-mail, or None: both must match."""
        return (
            Nomination.objects.select_related("cycle__award", "category")
            .filter(reference=self.cleaned_data["reference"], nominator_email=self.cleaned_data["email"])
            .first()
        )
