"""Benchmark for the 督导意见书 batch (issue 4): 500 opinions rendered as .docx in under 60 s, in the background
with progress. Run: .venv/bin/python bench/bench_inspections_opinions.py  (SQLite under bench/out/), or with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench.

Setup (not timed): a county with 500 schools, the school-quality template frozen, one project with 500 targets,
two scorers × 24 check points per target, and an opinion per target with two problems. Timed: the batch job
(`opinions.batch_run`, what the worker runs): per target the evaluation from its scores, the Word
document from the editable template, all zipped, with progress written every 10 documents.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_opinions.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
os.environ.setdefault("MEDIA_ROOT", str(OUT / "media"))

TARGETS = 500


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from dudao.frameworks import services as frameworks
    from dudao.frameworks.scoring import build_tree
    from dudao.inspections import opinions, services
    from dudao.inspections.models import InspectionStage, Opinion, OpinionBatch, Score, TeamMember
    from dudao.regions.models import Region
    from dudao.schools.models import School

    vendor = connection.vendor
    if vendor == "sqlite":
        connection.close()
        Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026", first_name="组长")
    expert = get_user_model().objects.create_user("expert", password="Bench-pass-2026", first_name="专家")
    province = Region.objects.create(code="980000", name="压测省", level="province")
    city = Region.objects.create(code="980100", name="压测市", level="city", parent=province)
    county = Region.objects.create(code="980102", name="压测区", level="county", parent=city)
    town = Region.objects.create(code="980102001", name="压测街道", level="town", parent=county)
    School.objects.bulk_create([School(code=f"1980{i:06d}", name=f"压测第{i}小学", school_type="primary", region=town,
                                       ownership="public", urban_rural="urban", students_primary=900)
                                for i in range(1, TARGETS + 1)])
    framework = frameworks.framework_freeze(actor=admin, framework=frameworks.framework_from_template(
        actor=admin, region=county, template_code="school"))
    project = services.inspection_create(actor=admin, county=county, name="压测区年度综合督导", kind="comprehensive",
                                         framework=framework, year=2026, starts_on=datetime.date(2026, 3, 1),
                                         ends_on=datetime.date(2026, 6, 30))
    targets = services.targets_add(actor=admin, inspection=project, schools=School.objects.all())
    leaves = build_tree(framework.definition).leaves
    rng = random.Random(5)
    TeamMember.objects.bulk_create([TeamMember(target=t, user=u, role=r) for t in targets
                                    for u, r in ((admin, "leader"), (expert, "expert"))])
    Score.objects.bulk_create([Score(target=t, leaf=n.code, scorer=u, value=rng.choice("AB") if n.rule["kind"] == "levels"
                                     else "达标") for t in targets for n in leaves for u in (admin, expert)])
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    Opinion.objects.bulk_create([Opinion(target=t, evaluation="学校办学方向端正，管理规范。", strengths="课后服务丰富。",
                                         updated_by=admin, number=f"压测区督意〔2026〕{i}号", issued_at=timezone.now(),
                                         problems=[{"text": "作业公示制度未落实。", "requirement": "每周公示。", "due_date": due},
                                                   {"text": "安全台账不完整。", "requirement": "完善台账。", "due_date": due}])
                                 for i, t in enumerate(targets, 1)])
    project.stage = InspectionStage.ISSUED
    project.save(update_fields=["stage"])
    print(f"[{vendor}] {len(targets)} targets, {Score.objects.count():,} scores, {Opinion.objects.count()} opinions")
    batch = opinions.batch_start(actor=admin, inspection=project)
    started = time.perf_counter()
    opinions.batch_run(batch.pk)  # what the worker task runs after the commit
    elapsed = time.perf_counter() - started
    batch = OpinionBatch.objects.get(pk=batch.pk)
    from django.core.files.storage import default_storage

    size = default_storage.size(batch.path) / 1048576  # a storage name (disk or bucket)
    print(f"[{vendor}] batch {batch.status}: {batch.done}/{batch.total} 意见书 in {elapsed:.1f} s "
          f"({elapsed / batch.total * 1000:.0f} ms each; target < 60 s), zip {size:.1f} MB")


if __name__ == "__main__":
    main()
