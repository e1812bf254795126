from django import forms
from django.utils.translation import gettext_lazy as _

from membership.models import MemberUnit
from projects import links
from projects.api.serializers import RESULT_KINDS
from projects.models import Project


class ProposalForm(forms.Form):
    """The proposal's head: the rest (participants, budget, milestones, IP agreement) is edited on the project page."""

    code = forms.CharField(label=_("项目编号"), max_length=40, required=False, help_text=_("留空则自动编号"))
    title = forms.CharField(label=_("项目名称"), max_length=200)
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=MemberUnit.objects.none())
    lead_tasks = forms.CharField(label=_("牵头单位任务分工"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    technology_field = forms.CharField(label=_("技术领域"), max_length=200, required=False)
    goals_near = forms.CharField(label=_("近期目标"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    goals_long = forms.CharField(label=_("远期目标"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description = forms.CharField(label=_("项目内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    government_programme = forms.BooleanField(label=_("政府科技计划项目（须报市科技局批准）"), required=False)
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = links.project_eligible_units()


class ParticipantForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("成员单位"), queryset=MemberUnit.objects.none())
    tasks = forms.CharField(label=_("任务分工"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = links.project_eligible_units()


class AcceptanceForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("验收结论"), coerce=lambda v: v == "yes", choices=[("yes", _("通过验收")), ("no", _("不通过"))]
    )
    opinion = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 4}))
    results = forms.CharField(
        label=_("登记成果（每行一项：类型|名称|申请号）"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the labels in the reader's language.
        self.fields["results"].help_text = str(_("类型：")) + str(_("、")).join(
            f"{code}={label}" for code, label in RESULT_KINDS)

    def clean_results(self):
        kinds = {code for code, _label in RESULT_KINDS}
        rows = []
        for number, line in enumerate(self.cleaned_data["results"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or parts[0] not in kinds or not parts[1]:
                raise forms.ValidationError(_("第%(n)s行格式有误。") % {"n": number})
            row = {"kind": parts[0], "title": parts[1]}
            if len(parts) > 2 and parts[2]:
                row["application_number"] = parts[2]
            rows.append(row)
        return rows
