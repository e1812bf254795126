from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureau.models import INNOVATION_GOALS_MAX, Kind, Outcome


class SubmissionCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    year = forms.IntegerField(label=_("报告年度（仅年度报告）"), required=False, min_value=2000)
    project = forms.ModelChoiceField(label=_("项目（仅资金解除限制核准）"), queryset=None, required=False)
    amount = forms.DecimalField(label=_("申请解除限制的金额（元）"), required=False, max_digits=18, decimal_places=2,
                                min_value=Decimal("0.01"))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # the alliance's projects, read in its scope

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.ANNUAL_REPORT and not data.get("year"):
            self.add_error("year", _("年度报告须填写报告年度。"))
        return data


class NarrativeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    lead_unit = forms.CharField(label=_("牵头单位"), max_length=200, required=False)
    supervising_department = forms.CharField(label=_("主管部门"), max_length=200, required=False)
    postcode = forms.CharField(label=_("邮编"), max_length=20, required=False)
    fax = forms.CharField(label=_("传真"), max_length=50, required=False)
    innovation_goals = forms.CharField(
        label=_("二、技术创新目标（限500字）"), max_length=INNOVATION_GOALS_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    industry_status = forms.CharField(label=_("四、产业发展状况"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    technology_trends = forms.CharField(
        label=_("五、产业技术发展的特点、趋势及我市存在的差距和不足"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    policy_fit = forms.CharField(
        label=_("六、联盟技术创新活动与国家和市战略目标、产业发展政策的关联性"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    alliance_role = forms.CharField(
        label=_("七、联盟组建对推动产业技术创新的作用"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    body = forms.CharField(label=_("正文说明"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    FORM_KEYS = ("lead_unit", "supervising_department", "postcode", "fax")
    RECOGNITION_ONLY = FORM_KEYS + ("innovation_goals",)
    NARRATIVE_KINDS = (Kind.RECOGNITION_APPLICATION, Kind.NECESSITY_STATEMENT)

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Kind.RECOGNITION_APPLICATION:
            for name in self.RECOGNITION_ONLY:
                self.fields.pop(name)
        if kind not in self.NARRATIVE_KINDS:
            for name in ("industry_status", "technology_trends", "policy_fit", "alliance_role"):
                self.fields.pop(name)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        form = {k: data.pop(k) for k in self.FORM_KEYS if k in data}
        return {**data, "form": form or None}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=Outcome.choices)
    necessity_opinion = forms.CharField(
        label=_("联盟组建必要性和技术性审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    necessity_office = forms.CharField(label=_("审核单位"), max_length=200, required=False)
    necessity_date = forms.DateField(label=_("审核日期"), required=False, initial=timezone.localdate)
    organisation_opinion = forms.CharField(label=_("联盟组织形式审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    organisation_office = forms.CharField(label=_("复核单位"), max_length=200, required=False)
    organisation_date = forms.DateField(label=_("复核日期"), required=False, initial=timezone.localdate)
    comments = forms.CharField(label=_("修改意见（退回时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
