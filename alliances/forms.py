from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from alliances.models import Organ, Role, Seat, member_unit_model


class AllianceCreateForm(forms.Form):
    name = forms.CharField(label=_("中文名称"), max_length=200)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    slug = forms.SlugField(label=_("标识"), max_length=60)
    code = forms.CharField(label=_("简称代码"), max_length=8)
    technology_field = forms.CharField(label=_("技术领域"), max_length=200, required=False)
    secretary_general_email = forms.EmailField(label=_("秘书长电子邮箱"))
    secretary_general_name = forms.CharField(label=_("秘书长姓名"), max_length=100, required=False)


class SecretaryGeneralRecoverForm(forms.Form):
    email = forms.EmailField(label=_("秘书长电子邮箱"))
    display_name = forms.CharField(label=_("秘书长姓名"), max_length=100, required=False)
    reason = forms.CharField(label=_("恢复任命的理由"), widget=forms.Textarea(attrs={"rows": 3}))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"))
    display_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    username = forms.CharField(label=_("用户名"), max_length=150, required=False, help_text=_("留空则以电子邮箱为用户名。"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    seat = forms.ModelChoiceField(label=_("席位"), queryset=Seat.objects.none(), required=False)
    member_unit = forms.ModelChoiceField(label=_("成员单位"), queryset=None, required=False)
    resolution_number = forms.CharField(label=_("理事会决议编号"), max_length=40, required=False,
                                        help_text=_("任命审计须引用理事会的人事任命决议。"))
    replace_holder = forms.BooleanField(label=_("替换在任理事"), required=False,
                                        help_text=_("席位已有在任理事时，由此人接替（理事长席位不得空缺）。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are built here, inside the request's tenant scope, never at import.
        self.fields["seat"].queryset = Seat.objects.filter(
            organ__kind__in=[Organ.Kind.COUNCIL, Organ.Kind.EXPERT_COMMITTEE], vacated_at__isnull=True
        ).select_related("organ", "unit")
        self.fields["member_unit"].queryset = member_unit_model().objects.all()


class LoginForm(AuthenticationForm):
    """Django's login form, refusing with a clear message an address past its failed-login ceiling
    and an account that axes has locked (alliances/login.py)."""

    def clean(self):
        from alliances import login

        if not login.LoginFailureThrottle().allow_request(self.request, None):
            raise forms.ValidationError(login.address_throttled_message(), code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if login.is_locked_out(self.request):
                raise forms.ValidationError(login.locked_out_message(), code="locked_out")
            raise


class ActivityFilterForm(forms.Form):
    """The activity log's filters, the same on the page and in the API (`alliances.activity`)."""

    person = forms.TypedChoiceField(label=_("操作人"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("对象类型"), required=False)
    object = forms.IntegerField(label=_("对象编号"), required=False, min_value=1)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, alliance):
        from alliances.activity import kind_choices
        from alliances.models import RoleGrant, User

        super().__init__(data)
        people = User.objects.filter(pk__in=RoleGrant.objects.filter(alliance=alliance).values("user_id"))
        self.fields["person"].choices = [("", _("全部")), *((u.pk, str(u)) for u in people.order_by("username"))]
        self.fields["kind"].choices = [("", _("全部")), *kind_choices()]

    def clean(self):
        data = super().clean()
        if data.get("object") and not data.get("kind"):
            self.add_error("object", _("按对象筛选时须同时选择对象类型。"))
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不得早于起始日期。"))
        return data

    def filters(self):
        from alliances.activity import Filters

        return Filters(**{name: self.cleaned_data.get(name) or None for name in self.fields})
