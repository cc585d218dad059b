"""Forms only parse input; they never write."""

from django import forms

from dudao.core.forms import style_form
from dudao.rectification.models import (
    CaseStep,
    DecisionForm,
    FindingSource,
    PublicationKind,
    SevereGround,
    Situation,
    TargetKind,
)


class Styled(forms.Form):
    """Bootstrap classes on every widget (includes/form_fields.html renders them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class NoticeIssueForm(Styled):
    findings = forms.CharField(widget=forms.HiddenInput)
    due_date = forms.DateField(label="整改期限（日期）", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="或整改天数", required=False, min_value=1, max_value=365)
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_findings(self):
        try:
            ids = [int(x) for x in self.cleaned_data["findings"].split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError("问题编号有误。") from None
        if len(set(ids)) != len(ids):
            raise forms.ValidationError("同一个问题不能在一份整改通知书中选择两次。")
        return ids


class VerifyForm(Styled):
    accepted = forms.TypedChoiceField(label="核查结论", choices=[("1", "核查通过"), ("0", "退回整改")],
                                      coerce=lambda v: v == "1")
    on_site = forms.BooleanField(label="实地核查", required=False)
    note = forms.CharField(label="核查意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OrderRespondForm(Styled):
    response = forms.CharField(label="督办落实情况", widget=forms.Textarea(attrs={"rows": 4}))


class FindingEditForm(Styled):
    category_label = forms.CharField(label="类别", max_length=128, required=False)
    severity = forms.TypedChoiceField(label="严重程度", choices=[(1, "一般"), (2, "较重"), (3, "严重")], coerce=int)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.CharField(label="责任人", max_length=64, required=False)
    due_date = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))



class TalkProposeForm(Styled):
    findings = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="约谈事由", widget=forms.Textarea(attrs={"rows": 3}))

    clean_findings = NoticeIssueForm.clean_findings


COMMITMENT_ROWS = 3


class TalkHoldForm(Styled):
    held_on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    conducted_by = forms.CharField(label="约谈主持单位", max_length=200,
                                   help_text="如：区教育督导委员会办公室会同区委组织部")
    persons = forms.CharField(label="被约谈人（姓名、职务）", max_length=300)
    content = forms.CharField(label="约谈内容", widget=forms.Textarea(attrs={"rows": 4}))
    recipients = forms.CharField(label="约谈记录抄送", max_length=300, required=False, help_text="如：镇党委、区教育局")
    record = forms.FileField(label="约谈记录（扫描件或照片）", required=False)

    def commitments(self, post) -> list[tuple[str, object]]:
        """Commitment rows (text + deadline); a row with only one of the two is kept so the service refuses it."""
        rows = []
        for k in range(COMMITMENT_ROWS):
            text, due = (post.get(f"commit_text_{k}") or "").strip(), (post.get(f"commit_due_{k}") or "").strip()
            if text or due:
                field = forms.DateField(required=False)
                try:
                    rows.append((text, field.clean(due)))
                except forms.ValidationError:
                    rows.append((text, None))
        return rows


class TalkDismissForm(Styled):
    reason = forms.CharField(label="不予约谈理由", widget=forms.Textarea(attrs={"rows": 2}))


class CaseFileForm(Styled):
    target_kind = forms.ChoiceField(label="问责对象类别", choices=TargetKind.choices)
    code = forms.CharField(label="学校标识码或单位编码", max_length=32, help_text="个人问责填写其所在学校或单位")
    person_name = forms.CharField(label="被问责人姓名", max_length=64, required=False)
    person_post = forms.CharField(label="职务", max_length=64, required=False)
    situation = forms.ChoiceField(label="问责情形", choices=Situation.choices)
    facts = forms.CharField(label="问题事实", widget=forms.Textarea(attrs={"rows": 4}))
    filed_on = forms.DateField(label="立案日期", widget=forms.DateInput(attrs={"type": "date"}))
    grounds = forms.MultipleChoiceField(
        label="从重情形（“一年内被问责两次及以上”由系统按记录自动判断）", required=False,
        choices=[c for c in SevereGround.choices if c[0] != SevereGround.REPEAT], widget=forms.CheckboxSelectMultiple)
    document = forms.FileField(label="立案审批表", required=False)
    talk = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseStepForm(Styled):
    step = forms.ChoiceField(choices=CaseStep.choices, widget=forms.HiddenInput)
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(label="文书", required=False)
    decision_form = forms.ChoiceField(label="问责方式", choices=[("", "—")] + DecisionForm.choices, required=False)
    decision_basis = forms.CharField(label="事实与依据", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CommendationForm(Styled):
    title = forms.CharField(label="表彰名称", max_length=128)
    person_name = forms.CharField(label="受表彰个人（表彰单位时不填）", max_length=64, required=False)
    person_post = forms.CharField(label="职务", max_length=64, required=False)
    reason = forms.CharField(label="表彰事由", widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label="依据的督导结果", max_length=255)
    awarded_by = forms.CharField(label="表彰单位", max_length=128)
    awarded_on = forms.DateField(label="表彰日期", widget=forms.DateInput(attrs={"type": "date"}))


class RecheckDrawForm(Styled):
    region = forms.CharField(label="区划代码", max_length=12)
    closed_from = forms.DateField(label="办结日期自", widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = forms.DateField(label="办结日期至", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(label="问题来源", choices=[("", "全部来源")] + FindingSource.choices, required=False)
    size = forms.IntegerField(label="抽取数量", min_value=1, max_value=500)
    seed = forms.IntegerField(label="随机种子（留空由系统生成并记录）", required=False, min_value=0, max_value=2**31 - 1)


class RecheckResultForm(Styled):
    passed = forms.TypedChoiceField(label="复查结果", choices=[("1", "复查通过"), ("0", "复查未通过，重新整改")],
                                    coerce=lambda v: v == "1")
    note = forms.CharField(label="复查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublicationForm(Styled):
    kind = forms.ChoiceField(label="类别", choices=PublicationKind.choices)
    region = forms.CharField(label="区划代码", max_length=12)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}))


class WithdrawForm(Styled):
    reason = forms.CharField(label="撤回原因", max_length=200)
