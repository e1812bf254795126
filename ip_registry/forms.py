import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ip_registry.models import IPAsset, Licence, Region, Territory
from membership.models import MemberUnit

OWNER_ROWS = 4
REGION_CHOICES = [("", "—"), *Region.choices]


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=IPAsset.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=300)
    origin = forms.ChoiceField(label=_("来源"), choices=IPAsset.Origin.choices)
    project = forms.ModelChoiceField(label=_("来源项目"), queryset=None, required=False)
    application_number = forms.CharField(label=_("申请号"), max_length=60, required=False)
    patent_number = forms.CharField(label=_("专利号"), max_length=60, required=False)
    registration_number = forms.CharField(label=_("登记号"), max_length=60, required=False)
    filing_date = forms.DateField(label=_("申请日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    grant_date = forms.DateField(label=_("授权日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expiry_date = forms.DateField(label=_("届满日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("状态"), choices=IPAsset.Status.choices, initial=IPAsset.Status.FILED)
    cost_recovery_note = forms.CharField(label=_("成本回收约定"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from projects.models import Project

        super().__init__(*args, **kwargs)
        # Querysets are built in the request's tenant scope, never at import.
        self.fields["project"].queryset = Project.objects.all()
        for n in range(OWNER_ROWS):
            self.fields[f"owner_{n}_unit"] = forms.ModelChoiceField(
                label=_("权利人%(n)d：成员单位") % {"n": n + 1}, queryset=MemberUnit.objects.all(), required=False)
            self.fields[f"owner_{n}_name"] = forms.CharField(
                label=_("或联盟外单位"), max_length=200, required=False)
            self.fields[f"owner_{n}_region"] = forms.ChoiceField(
                label=_("联盟外单位注册地"), choices=REGION_CHOICES, required=False)
            self.fields[f"owner_{n}_share"] = forms.DecimalField(
                label=_("份额（%）"), max_digits=7, decimal_places=4, required=False)

    def owners(self) -> list[tuple]:
        rows, self.owner_rows = [], []
        for n in range(OWNER_ROWS):
            unit, name, share, region = (self.cleaned_data.get(f"owner_{n}_{k}") for k in ("unit", "name", "share", "region"))
            if unit or name or share is not None:
                rows.append((unit, name or "", share if share is not None else 0, region or ""))
                self.owner_rows.append(n)
        return rows

    def owner_error_fields(self, fields: dict) -> dict:
        """The service names a co-owner `owners[i]` (i among the filled rows): show it on that row of the form."""
        mapped = {}
        for key, messages in fields.items():
            match = re.fullmatch(r"owners\[(\d+)\]", key)
            if match and int(match.group(1)) < len(getattr(self, "owner_rows", [])):
                key = f"owner_{self.owner_rows[int(match.group(1))]}_unit"
            mapped.setdefault(key, []).extend(messages)
        return mapped

    def details(self) -> dict:
        keys = ("application_number", "patent_number", "registration_number", "filing_date", "grant_date",
                "expiry_date", "status", "cost_recovery_note")
        return {k: self.cleaned_data[k] for k in keys}


class LicenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("许可方式"), choices=Licence.Kind.choices)
    licensee_unit = forms.ModelChoiceField(label=_("被许可成员单位"), queryset=None, required=False)
    licensee_name = forms.CharField(label=_("被许可联盟外单位"), max_length=200, required=False)
    licensee_region = forms.ChoiceField(label=_("被许可联盟外单位注册地"), choices=REGION_CHOICES, required=False)
    field_of_use = forms.CharField(label=_("使用领域"), max_length=200, required=False, help_text=_("留空表示全部领域。"))
    territory = forms.ChoiceField(label=_("地域范围"), choices=Territory.choices)
    start = forms.DateField(label=_("起始日"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("终止日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    royalty_kind = forms.ChoiceField(label=_("许可费方式"), choices=Licence.Royalty.choices)
    royalty_amount = forms.DecimalField(label=_("许可费金额"), max_digits=18, decimal_places=2, required=False)
    royalty_rate = forms.DecimalField(label=_("提成比例（%）"), max_digits=7, decimal_places=4, required=False)
    free_internal_rd = forms.BooleanField(label=_("成员免费用于联盟项目研发"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licensee_unit"].queryset = MemberUnit.objects.all()


class ReceiptForm(forms.Form):
    licence = forms.ModelChoiceField(label=_("许可"), queryset=None)
    reference = forms.CharField(label=_("收款凭证号"), max_length=80)
    received_on = forms.DateField(label=_("收款日期"), widget=forms.DateInput(attrs={"type": "date"}))
    gross = forms.DecimalField(label=_("收入总额"), max_digits=18, decimal_places=2)
    cost_recovery = forms.DecimalField(label=_("成本回收"), max_digits=18, decimal_places=2, required=False)

    def __init__(self, *args, asset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].queryset = Licence.objects.filter(asset=asset).exclude(royalty_kind=Licence.Royalty.NONE)
