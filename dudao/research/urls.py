from django.urls import path

from dudao.research.views import calls, projects

app_name = "research"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # calls: 征集评选：作品、专家评分、排名、获奖与文集 (views/calls.py)
    path("calls/", calls.call_list, name="call_list"),

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
