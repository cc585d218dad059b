"""Background tasks of the core (run by `manage.py db_worker`)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mass_mail
from django_tasks import task


@task()
def send_notification_mail(items: list[list]) -> int:
    """E-mail inbox items [user_id, title, body, url] to the users who have an address; returns how many were
    sent. Not repeated when its worker is killed (a mail may already be out); an SMTP error fails the task with
    the error recorded."""
    addresses = dict(get_user_model().objects.filter(pk__in={i[0] for i in items}).exclude(email="").values_list(
        "pk", "email"))
    base = getattr(settings, "SITE_URL", "")
    mails = [(f"【督导管理平台】{title}", f"{body}\n\n{base}{url}".strip(), None, [addresses[uid]])
             for uid, title, body, url in items if uid in addresses]
    if not mails:
        return 0
    return send_mass_mail(mails, fail_silently=False, connection=get_connection())
