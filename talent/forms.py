"""The public nomination form and the status lookup form; every rule also checked server-side."""

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import AwardCategory, Nomination
from .validators import validate_pdf

FORM_TOKEN_SALT = "talent.nomination-form"
FORM_TOKEN_MAX_AGE = 60 * 60 * 24 * 2  # a form left open for two days must be reloaded


def new_form_token() -> str:
    """A signed one-time token for one rendering of the form (the database keeps it unique)."""
    return signing.dumps(secrets.token_urlsafe(16), salt=FORM_TOKEN_SALT)


class NominationForm(forms.Form):
    category = forms.ModelChoiceField(label=_("提名类别"), queryset=AwardCategory.objects.none(), empty_label=None)
    nominee_name = forms.CharField(label=_("被提名人姓名"), max_length=50)
    nominee_organisation = forms.CharField(label=_("被提名人工作单位"), max_length=100)
    statement = forms.CharField(
        label=_("推荐理由"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("被提名人的主要贡献与成果，20 至 5000 字。"),
    )
    supporting_document = forms.FileField(
        label=_("证明材料（PDF）"),
        validators=[validate_pdf],
        help_text=_("一个 PDF 文件，不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    nominator_name = forms.CharField(label=_("提名人姓名"), max_length=50)
    nominator_email = forms.EmailField(label=_("提名人电子邮箱"), help_text=_("受理编号和审核进展将发到这个邮箱。"))
    nominator_phone = forms.CharField(label=_("提名人电话"), max_length=30, required=False)
    confirm_eligibility = forms.BooleanField(label=_("我已阅读参评条件，并确认被提名人符合所选类别的条件。"))
    consent = forms.BooleanField(label=_("我同意主办单位为评选目的处理以上信息，并已征得被提名人同意。"))
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, cycle, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["category"].queryset = AwardCategory.objects.filter(award_id=cycle.award_id)
        self.fields["nominator_email"].widget.attrs["autocomplete"] = "email"
        self.fields["nominator_name"].widget.attrs["autocomplete"] = "name"
        self.fields["nominator_phone"].widget.attrs["autocomplete"] = "tel"
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
