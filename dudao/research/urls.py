from django.urls import path

from dudao.research.views import calls, projects

app_name = "research"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # calls: 征集评选：作品、专家评分、排名、获奖与文集 (views/calls.py)
    path("calls/", calls.call_list, name="call_list"),

    # projects: 课题：成员、开题、中期、结题 (views/projects.py)
    path("projects/", projects.project_list, name="project_list"),
]
