"""Helpers for HTML views: who may open a page (`require_role`) and running a write with its message (`attempt`).

They guard pages only; the services still refuse whatever the user may not do."""

from functools import wraps

from django.contrib import messages
from django.http import Http404

from dudao.core.errors import ApplicationError
from dudao.core.scope import scope_for


def has_role(user, *roles: str) -> bool:
    """Administrators, and users holding one of `roles` somewhere; with no roles: any user with some scope."""
    scope = scope_for(user)
    return scope.everything or (scope.has_role(*roles) if roles else not scope.is_empty)


def ensure_role(user, *roles: str) -> None:
    """The same 404 as a missing page for anyone `has_role` refuses."""
    if not has_role(user, *roles):
        raise Http404


def require_role(*roles: str):
    """View decorator: 404 unless the user `has_role(*roles)`. Put it under `@login_required` (and under
    `@require_POST`), so anonymous users still get the login page and a wrong method still gets 405."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            ensure_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def form_errors_text(form) -> str:
    return "输入有误：" + "；".join(v[0] for v in form.errors.values())


def attempt(request, write, success: str | None = None, *, form=None, invalid: str | None = None) -> bool:
    """Run a write and flash how it went: a refusal becomes its Chinese error message, else the success message
    (`success`, or what the write returned). With a form, an invalid form is refused first, with `invalid` (else
    the form's own errors), and nothing is written. True if it went through."""
    if form is not None and not form.is_valid():
        messages.error(request, invalid or form_errors_text(form))
        return False
    try:
        done = write()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success if success is not None else done)
    return True
