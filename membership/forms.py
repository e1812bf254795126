from django import forms
from django.utils.translation import gettext_lazy as _

from membership.models import ExpulsionCase, MemberUnit


class MemberForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=40, help_text=_("18位，GB 32100-2015"))
    kind = forms.ChoiceField(label=_("单位类型"), choices=MemberUnit.Kind.choices)
    alliance_role = forms.ChoiceField(label=_("联盟职务"), choices=MemberUnit.AllianceRole.choices,
                                      initial=MemberUnit.AllianceRole.ORDINARY, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=100, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    contact_person = forms.CharField(label=_("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=_("电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    standing = forms.CharField(label=_("在行业中的地位"), max_length=200, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    application_statement = forms.CharField(label=_("申请说明"), max_length=5000, required=False,
                                            widget=forms.Textarea(attrs={"rows": 4}))


class PublicApplicationForm(MemberForm):
    # A field people never see: bots that fill every input reveal themselves.
    website = forms.CharField(label=_("网站（请留空）"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["alliance_role"]
        for name in ("legal_representative", "address", "contact_person", "phone", "standing"):
            self.fields[name].required = True


class AdmissionForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("表决截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    title = forms.CharField(label=_("议案标题"), max_length=200, required=False)


class AccessionForm(forms.Form):
    signed_on = forms.DateField(label=_("签署日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), required=False)


class WithdrawRequestForm(forms.Form):
    reason = forms.CharField(label=_("退出理由"), widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label=_("退出生效日期"), widget=forms.DateInput(attrs={"type": "date"}))


class WithdrawCompleteForm(forms.Form):
    resolution_number = forms.CharField(label=_("理事会决议编号"), max_length=40, required=False)


class ExpelForm(forms.Form):
    grounds = forms.ChoiceField(label=_("除名事由"), choices=ExpulsionCase.Grounds.choices)
    statement = forms.CharField(label=_("事实与理由"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("证据"), widget=forms.Textarea(attrs={"rows": 3}))
    closes_at = forms.DateTimeField(label=_("表决截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class BarForm(forms.Form):
    grounds = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))
    resolution_number = forms.CharField(label=_("理事会决议编号"), max_length=40)
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV文件（UTF-8）"))


class ApplicationFormSettingsForm(forms.Form):
    is_open = forms.BooleanField(label=_("公开接受申请"), required=False)
    intro = forms.CharField(label=_("申请须知"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
