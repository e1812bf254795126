from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from finance.models import Account, Fund
from membership.models import MemberUnit
from projects.models import Project

CURRENCIES = [(c, c) for c in settings.CURRENCIES]


class EntryForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("摘要"), max_length=300)


class LineForm(forms.Form):
    account = forms.ChoiceField(label=_("科目"), required=False)
    fund = forms.ChoiceField(label=_("资金"), required=False)
    debit = forms.DecimalField(label=_("借方"), max_digits=18, decimal_places=2, min_value=0, required=False,
                               widget=forms.NumberInput(attrs={"step": "0.01", "class": "debit"}))
    credit = forms.DecimalField(label=_("贷方"), max_digits=18, decimal_places=2, min_value=0, required=False,
                                widget=forms.NumberInput(attrs={"step": "0.01", "class": "credit"}))
    currency = forms.ChoiceField(label=_("币种"), choices=CURRENCIES, initial="CNY", required=False)
    member_unit = forms.ChoiceField(label=_("成员单位"), required=False)
    project = forms.ChoiceField(label=_("项目"), required=False)
    memo = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["account"].choices = blank + [(a.code, str(a)) for a in Account.objects.filter(is_active=True)]
        self.fields["fund"].choices = blank + [(f.pk, str(f)) for f in Fund.objects.select_related("project")]
        self.fields["member_unit"].choices = blank + [(u.pk, u.name) for u in MemberUnit.objects.all()]
        self.fields["project"].choices = blank + [(p.pk, str(p)) for p in Project.objects.all()]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("account") and not data.get("debit") and not data.get("credit")

    def to_line(self) -> dict:
        from djmoney.money import Money

        data = self.cleaned_data
        currency = data.get("currency") or "CNY"
        fund = Fund.objects.filter(pk=data["fund"]).first() if data.get("fund") else None
        return {
            "account": data.get("account") or "",
            "fund": fund,
            "debit": Money(data["debit"], currency) if data.get("debit") is not None else None,
            "credit": Money(data["credit"], currency) if data.get("credit") is not None else None,
            "member_unit": MemberUnit.objects.filter(pk=data["member_unit"]).first() if data.get("member_unit") else None,
            "project": Project.objects.filter(pk=data["project"]).first() if data.get("project") else None,
            "memo": data.get("memo") or "",
        }


LineFormSet = forms.formset_factory(LineForm, extra=4, min_num=2, validate_min=False, max_num=50)


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=1900, max_value=9999)
    month = forms.IntegerField(label=_("月"), min_value=1, max_value=12)


class ReopenForm(PeriodForm):
    reason = forms.CharField(label=_("理由"), max_length=2000)


class CommitmentForm(forms.Form):
    member_unit = forms.ModelChoiceField(label=_("成员单位"), queryset=MemberUnit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2200)
    amount = forms.DecimalField(label=_("承诺金额（元）"), max_digits=18, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_unit"].queryset = MemberUnit.objects.all()


class ReceiptForm(forms.Form):
    amount = forms.DecimalField(label=_("到账金额（元）"), max_digits=18, decimal_places=2, min_value=0)
    date = forms.DateField(label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"}))
    prepayment_year = forms.IntegerField(label=_("预缴年度"), min_value=2000, max_value=2200, required=False,
                                         widget=forms.NumberInput(attrs={"placeholder": _("预缴年度（可选）")}))


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class StatementDatesForm(forms.Form):
    """The dates of a statement page: `as_of` (资产负债表) or `date_from`/`date_to` (the others)."""

    as_of = forms.DateField(label=_("截至日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
