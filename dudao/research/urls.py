from django.urls import path

from dudao.research.views import calls, projects

app_name = "research"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # calls: 征集评选：作品、专家评分、排名、获奖与文集 (views/calls.py)
    path("calls/", calls.call_list, name="call_list"),
    path("calls/new/", calls.call_create, name="call_create"),
    path("calls/framework/", calls.call_default_framework, name="call_default_framework"),
    path("calls/<int:pk>/", calls.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/open/", calls.call_open, name="call_open"),
    path("calls/<int:pk>/close/", calls.call_close, name="call_close"),
    path("calls/<int:pk>/rate/", calls.call_rate, name="call_rate"),
    path("calls/<int:pk>/reopen/", calls.call_reopen, name="call_reopen"),
    path("calls/<int:pk>/publish/", calls.call_publish, name="call_publish"),
    path("calls/<int:pk>/experts/", calls.call_expert_assign, name="call_expert_assign"),
    path("calls/<int:pk>/experts/<int:assignment>/remove/", calls.call_expert_remove, name="call_expert_remove"),
    path("calls/<int:pk>/entries/<int:entry>/award/", calls.call_award_adjust, name="call_award_adjust"),
    path("calls/<int:pk>/anthology/", calls.call_anthology, name="call_anthology"),
    path("calls/<int:pk>/anthology.docx", calls.call_anthology_download, name="call_anthology_download"),
    path("calls/<int:pk>/submit/", calls.call_entry_submit, name="call_entry_submit"),
    path("calls/entries/<int:pk>/withdraw/", calls.call_entry_withdraw, name="call_entry_withdraw"),
    path("calls/entries/<int:pk>/document/", calls.call_entry_document, name="call_entry_document"),
    path("calls/<int:pk>/score/", calls.call_score_list, name="call_score_list"),
    path("calls/score/<int:pk>/", calls.call_score, name="call_score"),
    path("calls/score/<int:pk>/document/", calls.call_score_document, name="call_score_document"),

    # projects: 课题：成员、开题、中期、结题 (views/projects.py)
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/members/", projects.member_add, name="project_member_add"),
    path("projects/<int:pk>/members/<int:member_pk>/remove/", projects.member_remove, name="project_member_remove"),
    path("projects/<int:pk>/milestones/", projects.milestone_add, name="project_milestone_add"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/submit/", projects.milestone_submit,
         name="project_milestone_submit"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/review/", projects.milestone_review,
         name="project_milestone_review"),
    path("projects/<int:pk>/conclude/", projects.project_conclude, name="project_conclude"),
    path("projects/<int:pk>/terminate/", projects.project_terminate, name="project_terminate"),
]
