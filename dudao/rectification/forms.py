"""Forms only parse input; they never write."""

from django import forms


class NoticeIssueForm(forms.Form):
    findings = forms.CharField(widget=forms.HiddenInput)
    due_date = forms.DateField(label="整改期限（日期）", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="或整改天数", required=False, min_value=1, max_value=365)
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_findings(self):
        try:
            return [int(x) for x in self.cleaned_data["findings"].split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError("问题编号有误。") from None


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(label="核查结论", choices=[("1", "核查通过"), ("0", "退回整改")],
                                      coerce=lambda v: v == "1")
    on_site = forms.BooleanField(label="实地核查", required=False)
    note = forms.CharField(label="核查意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OrderRespondForm(forms.Form):
    response = forms.CharField(label="督办落实情况", widget=forms.Textarea(attrs={"rows": 4}))


class FindingEditForm(forms.Form):
    category_label = forms.CharField(label="类别", max_length=128, required=False)
    severity = forms.TypedChoiceField(label="严重程度", choices=[(1, "一般"), (2, "较重"), (3, "严重")], coerce=int)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.CharField(label="责任人", max_length=64, required=False)
    due_date = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))

