from django.urls import path

from dudao.core import views

app_name = "core"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.my_tokens, name="my_tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("audit/", views.audit_list, name="audit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views.user_role_assign, name="user_role_assign"),
    path("users/<int:pk>/roles/<int:assignment_pk>/revoke/", views.user_role_revoke, name="user_role_revoke"),
    path("users/<int:pk>/activate/", views.user_activate, name="user_activate"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
]
