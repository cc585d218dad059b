"""Login, password, audit log and account pages. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from dudao.core import selectors, services
from dudao.core.api_errors import bad_request_message, error_body
from dudao.core.errors import ApplicationError
from dudao.core.forms import AuditFilterForm, LoginForm, PasswordChangeForm, RoleAssignForm, UserCreateForm
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role, RoleAssignment
from dudao.core.registries import role_target
from dudao.core.web import attempt, require_role


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("未找到该接口或对象，或您无权查看。"), status=404,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """Requests Django refuses before a view runs (an unparsable multipart body, too many fields, ...)."""
    message = bad_request_message(exception)
    if _wants_json(request):
        return JsonResponse(error_body(message), status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=400)


def login_view(request):
    form = LoginForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        result = services.login_attempt(request=request, username=form.cleaned_data["username"],
                                        password=form.cleaned_data["password"], via="web")
        if result.user is not None:
            login(request, result.user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "dashboard:home"
            return redirect(target)
        error, status = result.error, 429 if result.refused else 400
    return render(request, "core/login.html", {"form": form, "error": error}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:login")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", "原密码不正确。")
        else:
            try:
                services.user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password"])
            except ApplicationError as exc:
                form.add_error("new_password", exc.message)
            else:
                login(request, request.user)  # keep the session valid after the hash changed
                messages.success(request, "密码已修改。")
                return redirect("dashboard:home")
    return render(request, "core/password_change.html", {"form": form})


AUDIT_EXPORT = [
    ("时间", lambda a: a.at),
    ("操作人", lambda a: a.actor_name), ("操作", lambda a: a.action), ("对象类型", lambda a: a.object_type),
    ("对象编号", lambda a: a.object_id), ("对象", lambda a: a.object_repr), ("IP", lambda a: a.ip),
    ("请求编号", lambda a: a.request_id),
]


@login_required
def inbox(request):
    """消息: what needs this user's action or is due soon (notices, 督办单, reminders, 约谈 proposals)."""
    if request.method == "POST":
        services.notification_read(user=request.user)
        return redirect("core:inbox")
    page, _size = paginate(request, selectors.inbox(request.user, unread_only=request.GET.get("unread") == "1"))
    return render(request, "core/inbox.html", {"page": page, "query": query_without_page(request)})


@login_required
def inbox_open(request, pk: int):
    """Open one message: mark it read and go to the page it is about (own messages, site-relative links only)."""
    note = selectors.inbox(request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    services.notification_read(user=request.user, ids=[note.pk])
    target = note.url if note.url.startswith("/") and not note.url.startswith("//") else ""
    return redirect(target or "core:inbox")


@login_required
@require_role(Role.OFFICE)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.audit_list(request.user, **{k: v for k, v in filters.items() if v})
    if request.GET.get("export") == "xlsx":
        return xlsx_response("审计日志", "审计日志", AUDIT_EXPORT, records.iterator())
    page, size = paginate(request, records)
    return render(request, "core/audit_list.html", {
        "form": form, "page": page, "size": size, "query": query_without_page(request),
        "actions": selectors.audit_actions(request.user),
    })


@login_required
@require_role(Role.ADMIN)
def user_list(request):
    users = selectors.user_list(request.user, q=request.GET.get("q", ""), role=request.GET.get("role", ""))
    page, size = paginate(request, users)
    return render(request, "core/user_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "roles": Role.choices,
    })


@login_required
@require_role(Role.ADMIN)
def user_new(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"账号“{user.username}”已创建，请为其分配角色。")
            return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/user_new.html", {"form": form})


@login_required
@require_safe
def user_detail(request, pk: int):
    return _user_page(request, selectors.get_user_for(request.user, pk))


def _user_page(request, account, role_form=None):
    """The account's page; shown again with the refused role form (400) when an assignment is invalid."""
    lock = services.account_lock_state(account.username)
    return render(request, "core/user_detail.html", {
        "account": account, "role_form": role_form or RoleAssignForm(),
        "locked": lock["account"] or bool(lock["addresses"]), "lock": lock,
        "tokens": selectors.tokens_of(request.user, account), "now": timezone.now(),
    }, status=400 if role_form is not None else 200)


# ---- an account's actions: one URL each; the services refuse whoever is not an administrator -----------------

@login_required
@require_POST
def user_role_assign(request, pk: int):
    account = selectors.get_user_for(request.user, pk)
    form = RoleAssignForm(request.POST)
    if not form.is_valid():
        return _user_page(request, account, form)
    if attempt(request, lambda: services.role_assign(
            actor=request.user, user=account, **_role_targets(request.user, form.cleaned_data)), "角色已分配。"):
        return redirect("core:user_detail", pk=pk)
    return _user_page(request, account, form)


@login_required
@require_POST
def user_role_revoke(request, pk: int, assignment_pk: int):
    account = selectors.get_user_for(request.user, pk)
    assignment = RoleAssignment.objects.filter(pk=assignment_pk, user=account).first()
    if assignment is None:
        raise Http404
    attempt(request, lambda: services.role_revoke(actor=request.user, assignment=assignment), "角色已撤销。")
    return redirect("core:user_detail", pk=pk)


@login_required
@require_POST
def user_activate(request, pk: int):
    account = selectors.get_user_for(request.user, pk)
    attempt(request, lambda: services.user_set_active(actor=request.user, user=account, active=True), "账号已启用。")
    return redirect("core:user_detail", pk=pk)


@login_required
@require_POST
def user_deactivate(request, pk: int):
    account = selectors.get_user_for(request.user, pk)
    attempt(request, lambda: services.user_set_active(actor=request.user, user=account, active=False), "账号已停用。")
    return redirect("core:user_detail", pk=pk)


@login_required
@require_POST
def user_unlock(request, pk: int):
    account = selectors.get_user_for(request.user, pk)
    attempt(request, lambda: services.user_unlock(actor=request.user, user=account), "账号已解锁。")
    return redirect("core:user_detail", pk=pk)


@login_required
@require_POST
def user_password_reset(request, pk: int):
    account = selectors.get_user_for(request.user, pk)
    attempt(request, lambda: services.user_set_password(
        actor=request.user, user=account, password=request.POST.get("password", "")), "密码已重置。")
    return redirect("core:user_detail", pk=pk)


@login_required
def my_tokens(request):
    """我的接口令牌: the user's own API tokens (never anyone else's, also for an administrator)."""
    return render(request, "core/my_tokens.html", {
        "tokens": selectors.tokens_of(request.user, request.user), "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one token: the user's own, or (administrators) any user's; others get 404."""
    token = selectors.get_token_for(request.user, pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"令牌 #{token.pk} 已撤销。")
    if token.user_id == request.user.pk:
        return redirect("core:my_tokens")
    return redirect("core:user_detail", pk=token.user_id)


def _role_targets(actor, data: dict) -> dict:
    """Turn the codes typed in the role form into objects the actor may see (404 otherwise)."""
    targets: dict = {"role": data["role"]}
    for field in ("region", "school", "unit"):  # resolvers registered by regions and schools
        if data[field]:
            targets[field] = role_target(field, actor, data[field])
    return targets


def legacy_public_redirect(request, *, prefix: str, rest: str):
    """Old public prefixes (gs/ gk/ dc/, printed on plaques and notices) → the readable ones.

    Permanent, query string kept; 308 for a POST so a complaint sent from a page cached before the move
    is re-sent with its method and body rather than dropped.
    """
    if any(part in (".", "..") for part in rest.split("/")) or "\\" in rest:
        raise Http404  # a printed code never has them: no walking out of the public prefix
    target = iri_to_uri(prefix + rest)
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    response = HttpResponsePermanentRedirect(target)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308
    return response
