from django.urls import path

from dudao.dashboard.views import cockpit, home, maps, profiles

app_name = "dashboard"

# The profile pages keep the addresses they had under schools/ and regions/ (dashboard's urls come first).
urlpatterns = [
    path("", home.home, name="home"),
    path("schools/<int:pk>/", profiles.school_detail, name="school_detail"),
    path("regions/units/<int:pk>/", profiles.unit_detail, name="unit_detail"),
    # 驾驶舱 (?region=<code>&year=<yyyy>)
    path("cockpit/", cockpit.cockpit, name="cockpit"),
    path("cockpit/metrics/<str:key>/", cockpit.cockpit_metric, name="cockpit_metric"),
    path("cockpit/export.pdf", cockpit.cockpit_pdf, name="cockpit_pdf"),
    path("cockpit/export.xlsx", cockpit.cockpit_xlsx, name="cockpit_xlsx"),
    # 地图 (?region=<code>&year=<yyyy>&layer=<key>)
    path("cockpit/map/", maps.map_page, name="map"),
    path("cockpit/map/data/", maps.map_data, name="map_data"),
]
