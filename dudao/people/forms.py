"""Forms parse input only; writes go through people.services."""

from django import forms
from django.utils import timezone

from dudao.core.forms import style_form
from dudao.people.models import Expert, ExpertCategory, Inspector, InspectorGrade, InspectorStatus
from dudao.people.services import parse_categories
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import School

DATE = {"type": "date"}


class InspectorForm(forms.ModelForm):
    photo_upload = forms.FileField(label="照片", required=False, help_text="JPEG/PNG 图片，用于挂牌公示牌")

    class Meta:
        model = Inspector
        fields = ["card_no", "name", "gender", "phone", "employer", "position", "kind", "source", "region",
                  "home_school", "retirement_date", "appointed_on", "term_start", "term_no", "note"]
        widgets = {"retirement_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "appointed_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "term_start": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY)
        self.fields["home_school"].queryset = School.objects.visible_to(user).only("id", "name", "code")
        style_form(self)

    def validate_unique(self):
        """Uniqueness (督学证号) is the service's job, with its own message."""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("photo_upload", None)
        for name in ("region", "home_school"):
            value = data.pop(name)
            data[f"{name}_id"] = value.pk if value else None
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="变更为", choices=InspectorStatus.choices)
    reason = forms.CharField(label="原因", required=False, max_length=255)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)


class RenewForm(forms.Form):
    term_start = forms.DateField(label="新聘期开始日期", widget=forms.DateInput(attrs=DATE))


class TrainingForm(forms.Form):
    date = forms.DateField(label="培训日期", widget=forms.DateInput(attrs=DATE))
    title = forms.CharField(label="培训名称", max_length=200)
    organizer = forms.CharField(label="主办单位", max_length=128, required=False)
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1)
    credits = forms.DecimalField(label="学分", max_digits=5, decimal_places=1, required=False)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label="考核年度")
    grade = forms.ChoiceField(label="考核等次", choices=InspectorGrade.choices)
    comment = forms.CharField(label="考核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExpertForm(forms.ModelForm):
    category_codes = forms.MultipleChoiceField(label="专业领域", choices=ExpertCategory.choices,
                                               widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Expert
        fields = ["id_key", "name", "phone", "employer", "title", "region", "is_active", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).exclude(level="town")
        if self.instance.pk:
            self.fields["category_codes"].initial = self.instance.category_list
        style_form(self)

    def validate_unique(self):
        """Uniqueness (专家编号) is the service's job, with its own message."""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["categories"] = parse_categories(data.pop("category_codes"))
        data["region_id"] = data.pop("region").pk
        return data


class SupervisorForm(forms.Form):
    """学校督导管理员: the school only when appointing; the account only while none is linked."""

    school = forms.ModelChoiceField(label="学校", queryset=School.objects.none())
    name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="联系电话", max_length=32)
    position = forms.CharField(label="职务", max_length=64, required=False)
    appointed_on = forms.DateField(label="任命日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    username = forms.CharField(label="登录账号", max_length=150, required=False,
                               help_text="填写已有账号即关联；新账号请同时填写初始密码。账号将获得本校学校角色，接收本校督导任务。")
    password = forms.CharField(label="初始密码（仅新建账号）", required=False, widget=forms.PasswordInput)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, schools=None, supervisor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisor is not None:
            del self.fields["school"]
            if supervisor.user_id:
                del self.fields["username"], self.fields["password"]
        else:
            self.fields["school"].queryset = schools
        style_form(self)


class SupervisorEndForm(forms.Form):
    date = forms.DateField(label="离任日期", widget=forms.DateInput(attrs=DATE), initial=timezone.localdate)
    reason = forms.CharField(label="离任原因", max_length=255)
