"""The cockpit map in a browser (area: map): the demo leader opens 地图 at 1024 and 1920 px, sees the demo county's
outline with its towns shaded and the schools as points with a legend, switches the town figure, and clicking a
school opens its page. Screenshots are saved for a person to look at."""

import pytest

from dudao.demo import dashboard as demo_map
from dudao.regions.models import Boundary
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_map(page, selector="#dudao-map"):
    page.wait_for_selector(f"{selector} canvas")
    page.wait_for_function("document.getElementById('map-status') === null || "
                           "!document.getElementById('map-status').textContent.includes('正在加载')")
    page.wait_for_timeout(300)


@pytest.mark.parametrize("width", [1024, 1920])
def test_map_page_draws_outline_points_and_opens_a_school(demo_snapshot, live_server, browser, shot, width):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    sign_in(page, base, "demo_leader", passwords["demo_leader"])
    page.goto(f"{base}/cockpit/map/")
    wait_for_map(page)
    status = page.inner_text("#map-status")
    assert "共 150 所学校，图上显示 150 所" in status, status
    assert "尚未上传" not in status
    assert page.locator("#map-layer option").count() >= 1
    assert page.locator("#map-figure option").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"dashboard-map-{width}")

    # the figure picker reloads the page with the other figure
    figures = page.eval_on_selector_all("#map-figure option", "os => os.map(o => o.value)")
    if len(figures) > 1:
        with page.expect_event("load"):
            page.select_option("#map-figure", figures[1])
        wait_for_map(page)
        assert f"figure={figures[1]}" in page.url

    # clicking a school's point opens the school's page
    target = page.evaluate("""() => {
      const holder = document.getElementById('dudao-map');
      const chart = echarts.getInstanceByDom(holder);
      const option = chart.getOption();
      const series = option.series.find(s => s.type === 'scatter' && s.data.length);
      const point = series.data[0];
      const xy = chart.convertToPixel({geoIndex: 0}, [point.value[0], point.value[1]]);
      const box = holder.getBoundingClientRect();
      return {x: box.left + xy[0], y: box.top + xy[1], url: point.url};
    }""")
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(200)
    with page.expect_event("load"):
        page.mouse.click(target["x"], target["y"])
    assert page.url.endswith(target["url"]) or "/schools/" in page.url


def test_map_without_boundary_still_shows_points(demo_snapshot, live_server, browser, shot, tmp_path):
    passwords = restore(demo_snapshot)
    Boundary.objects.all().delete()
    page = browser.new_page(viewport={"width": 1024, "height": 800}, locale="zh-CN")
    sign_in(page, live_server.url, "demo_office", passwords["demo_office"])
    page.goto(f"{live_server.url}/cockpit/map/")
    wait_for_map(page)
    assert "尚未上传区划边界" in page.inner_text("#map-status")
    shot(page, "dashboard-map-no-boundary-1024")

    # the office uploads a projected file (refused, in Chinese) and then the county's outline
    follow(page, "a[href$='/990102/boundary/']")
    projected = tmp_path / "投影坐标.geojson"
    projected.write_text('{"type": "Polygon", "coordinates": [[[38500000, 3800000], [38510000, 3800000], '
                         '[38510000, 3810000], [38500000, 3800000]]]}', encoding="utf-8")
    page.set_input_files("#id_own_file", str(projected))
    follow(page, "form[action$='/boundary/upload/'] button")
    assert "请转换为 WGS-84 经纬度" in page.inner_text(".alert-danger")
    assert not Boundary.objects.exists()
    page.set_input_files("#id_own_file", str(demo_map.COUNTY_FILE))
    follow(page, "form[action$='/boundary/upload/'] button")
    page.set_input_files("#id_towns_file", str(demo_map.TOWNS_FILE))
    follow(page, "button:has-text('上传下级区划边界')")
    assert "已保存 8 个下级区划的边界" in page.inner_text(".alert-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "regions-boundary-1024")
