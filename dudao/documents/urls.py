from django.urls import path

from dudao.documents import views

app_name = "documents"

urlpatterns = [
    path("f/<str:token>/", views.file_download, name="file"),
    path("f/<str:token>/thumb/", views.file_thumb, name="thumb"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:key>.docx", views.template_download, name="template_download"),
    path("templates/<str:key>/upload/", views.template_upload, name="template_upload"),
]
