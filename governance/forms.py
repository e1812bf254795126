from django import forms
from django.utils.translation import gettext_lazy as _

from alliances.models import Role, RoleGrant
from governance.models import Choice, MotionKind, Opinion
from membership.models import MemberUnit

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MotionForm(forms.Form):
    kind = forms.ChoiceField(label=_("议案类型"), choices=MotionKind.choices)
    title = forms.CharField(label=_("标题"), max_length=300)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    closes_at = forms.DateTimeField(label=_("表决截止时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    secret = forms.BooleanField(label=_("无记名投票"), required=False)
    subject_unit = forms.ModelChoiceField(label=_("回避的成员单位"), queryset=MemberUnit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        from governance.outcomes import owned_kinds

        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].queryset = MemberUnit.objects.all()
        # Kinds a process owns are proposed from that process's page, not here.
        owned = owned_kinds()
        self.fields["kind"].choices = [(k, label) for k, label in MotionKind.choices if k not in owned]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Choice.choices,
                               widget=forms.RadioSelect(attrs={"class": "vote-choice"}))


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=300)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    location = forms.CharField(label=_("地点"), max_length=300, required=False)


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=300, required=False)
    motion = forms.ModelChoiceField(label=_("关联议案"), queryset=MemberUnit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        from governance.models import Motion

        super().__init__(*args, **kwargs)
        self.fields["motion"].queryset = Motion.objects.all()


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 10}))


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    question = forms.CharField(label=_("征询问题"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateTimeField(label=_("截止时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    experts = forms.ModelMultipleChoiceField(label=_("专家"), queryset=RoleGrant.objects.none(), widget=forms.CheckboxSelectMultiple)
    concerned_units = forms.ModelMultipleChoiceField(label=_("相关单位（其专家回避）"), queryset=MemberUnit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = RoleGrant.objects.filter(role=Role.EXPERT, revoked_at__isnull=True).select_related("user", "member_unit")
        self.fields["experts"].label_from_instance = lambda g: (
            _("%(person)s（%(unit)s）") % {"person": g.user, "unit": g.member_unit} if g.member_unit_id else str(g.user))
        self.fields["concerned_units"].queryset = MemberUnit.objects.all()


class OpinionForm(forms.Form):
    stance = forms.ChoiceField(label=_("意见"), choices=Opinion.Stance.choices, widget=forms.RadioSelect)
    score = forms.IntegerField(label=_("评分（0-100，可选）"), min_value=0, max_value=100, required=False)
    text = forms.CharField(label=_("意见正文"), widget=forms.Textarea(attrs={"rows": 6}))


class ConsultationCloseForm(forms.Form):
    summary = forms.CharField(label=_("秘书处汇总（可选）"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
