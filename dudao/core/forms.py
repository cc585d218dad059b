"""Forms only parse input; they never write."""

from django import forms
from django.contrib import messages

from dudao.core.models import Role
from dudao.core.web import attempt as attempt  # re-exported: views import it from here too


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError("两次输入的新密码不一致。")
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150)
    email = forms.EmailField(label="电子邮箱", required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput)


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = forms.CharField(label="行政区划代码", required=False, help_text="督导室、领导填写")
    school = forms.CharField(label="学校标识码", required=False, help_text="督学、学校用户填写")
    unit = forms.CharField(label="单位编码", required=False, help_text="单位用户填写")


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="操作", required=False)
    actor = forms.CharField(label="操作人", required=False)
    q = forms.CharField(label="对象/请求编号", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget, so templates can render fields with includes/form_fields.html."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = ""
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css:
            widget.attrs["class"] = css
    return form


def form_error(request, form) -> None:
    messages.error(request, "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}{v[0]}"
                                                 for k, v in form.errors.items()))
