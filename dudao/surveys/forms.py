"""Forms for the office's survey pages: they parse input; the services write."""

from django import forms

from dudao.schools.models import SchoolType
from dudao.surveys.models import RespondentGroup
from dudao.surveys.questionnaire import TYPES

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
CHECK = {"class": "form-check-input"}


class QuestionForm(forms.Form):
    section = forms.CharField(label="栏目", max_length=64, initial="调查内容", widget=forms.TextInput(attrs=TEXT))
    type = forms.ChoiceField(label="题型", choices=list(TYPES.items()), widget=forms.Select(attrs=SELECT))
    text = forms.CharField(label="题干", max_length=255, widget=forms.TextInput(attrs=TEXT))
    options = forms.CharField(label="选项或陈述（每行一个）", required=False,
                              widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    labels = forms.CharField(label="量表等级名称（可选：5 个，用“/”分隔，从好到差）", max_length=128, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "非常满意/满意/基本满意/不满意/非常不满意", **TEXT}))
    required = forms.BooleanField(label="必答", required=False, initial=True, widget=forms.CheckboxInput(attrs=CHECK))
    show_if_code = forms.CharField(label="显示条件：题号", max_length=16, required=False,
                                   widget=forms.TextInput(attrs=TEXT))
    show_if_value = forms.CharField(label="等于", max_length=64, required=False, widget=forms.TextInput(attrs=TEXT))
    minimum = forms.FloatField(label="最小值", required=False, widget=forms.NumberInput(attrs=TEXT))
    maximum = forms.FloatField(label="最大值", required=False, widget=forms.NumberInput(attrs=TEXT))

    def question(self) -> dict:
        data = self.cleaned_data
        lines = [line.strip() for line in data["options"].splitlines() if line.strip()]
        question = {"type": data["type"], "text": data["text"].strip(), "required": data["required"]}
        if data["type"] in ("single", "multi"):
            question["options"] = lines
        if data["type"] == "matrix":
            question["rows"] = lines
        if data["type"] in ("scale", "matrix") and data["labels"].strip():
            question["labels"] = [label.strip() for label in data["labels"].split("/")]
        if data["type"] == "number":
            question.update(min=data["minimum"], max=data["maximum"])
        if data["show_if_code"].strip():
            question["show_if"] = {"code": data["show_if_code"].strip(), "equals": data["show_if_value"].strip()}
        return question


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label="问卷标题", max_length=128, widget=forms.TextInput(attrs=TEXT))
    intro = forms.CharField(label="卷首语", required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    group = forms.ChoiceField(label="调查对象", choices=RespondentGroup.choices, widget=forms.Select(attrs=SELECT))
    definition = forms.JSONField(label="题目（JSON，高级）", widget=forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace small"}))


class RoundForm(forms.Form):
    questionnaire = forms.TypedChoiceField(label="问卷（已发布）", coerce=int, widget=forms.Select(attrs=SELECT))
    name = forms.CharField(label="调查名称", max_length=128, widget=forms.TextInput(attrs=TEXT))
    year = forms.IntegerField(label="年度（学年）", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    school_types = forms.MultipleChoiceField(
        label="参与学校类型", choices=[c for c in SchoolType.choices if c[0] != SchoolType.TRAINING],
        widget=forms.CheckboxSelectMultiple(attrs=CHECK))
    town = forms.ChoiceField(label="乡镇（街道）", required=False, widget=forms.Select(attrs=SELECT))
    opens_at = forms.DateTimeField(label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local", **TEXT}))
    closes_at = forms.DateTimeField(label="截止时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local", **TEXT}))
    use_codes = forms.BooleanField(label="凭访问码作答（按班级发放，一码一次）", required=False,
                                   widget=forms.CheckboxInput(attrs=CHECK))
    feeds_recognition = forms.BooleanField(label="结果计入本县（区）社会认可度", required=False,
                                           widget=forms.CheckboxInput(attrs=CHECK))

    def __init__(self, *args, questionnaires, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = [(q.pk, str(q)) for q in questionnaires]
        self.fields["town"].choices = [("", "全县（区）")] + [(t.code, t.name) for t in towns]


class FindingForm(forms.Form):
    school = forms.IntegerField()
    item = forms.CharField(max_length=16)
    due_date = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CodesForm(forms.Form):
    school = forms.IntegerField()
    label = forms.CharField(label="班级", max_length=32, required=False)
    count = forms.IntegerField(label="数量", min_value=1, max_value=2000)
