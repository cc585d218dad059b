"""institutions API (issue 23): GET /api/v1/institutions (民办学校、民办幼儿园 and 校外培训机构 in scope, filters,
paginated) and GET /api/v1/institutions/{id}, with licence, scope, 白名单, latest 年检 and flags. The fund
account is never sent (not even masked: a client has no use for it)."""

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.checks.selectors import institutions as selectors
from dudao.core.listing import ApiPagination

router = Router(tags=["专项检查与民办教育"])


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(description="private_school 民办学校 / private_kindergarten 民办幼儿园 / training 校外培训机构")
    kind_label: str
    region_code: str
    region_name: str
    licence_no: str
    licence_valid_until: datetime.date | None
    licence_state: str = Field(description="missing 未登记 / expired 已过期 / expiring 即将到期 / valid 有效")
    expired: bool
    scope_kind: str = Field(description="subject 学科类 / non_subject 非学科类 / both 两者兼有；空：未填写")
    subjects: list[str]
    whitelist: str = Field(description="listed 已列入 / not_listed 未列入 / removed 已移出；空：未填写")
    annual_year: int | None = Field(description="最近一次有结论的年检年度")
    annual_result: str = Field(description="pass 合格 / basic 基本合格 / fail 不合格 / rectify 限期整改；空：尚无")
    open_violations: int
    flags: list[str] = Field(description="expired / missing / fail_twice / removed")


class InstitutionDetailOut(InstitutionOut):
    licence_authority: str
    licence_issued_on: datetime.date | None
    fee_standard: str
    fund_bank: str
    insurance: str
    insurance_valid_until: datetime.date | None
    legal_representative: str
    premises_address: str
    premises_area: float | None
    premises_owned: bool | None


def _out(row: selectors.Row, detail: bool = False) -> dict:
    school, profile = row.school, row.profile
    data = {
        "id": school.pk, "code": school.code, "name": school.name, "kind": row.kind, "kind_label": row.kind_label,
        "region_code": school.region_id, "region_name": school.region.name,
        "licence_no": profile.licence_no if profile else "",
        "licence_valid_until": profile.licence_valid_until if profile else None,
        "licence_state": row.state, "expired": row.state == "expired",
        "scope_kind": profile.scope_kind if profile else "", "subjects": profile.subjects if profile else [],
        "whitelist": profile.whitelist if profile else "",
        "annual_year": school.annual_year, "annual_result": school.annual_result or "",
        "open_violations": school.open_violations, "flags": row.flags,
    }
    if detail:
        names = ("licence_authority", "fee_standard", "fund_bank", "insurance", "legal_representative",
                 "premises_address")
        data.update({name: getattr(profile, name) if profile else "" for name in names})
        data.update({
            "licence_issued_on": profile.licence_issued_on if profile else None,
            "insurance_valid_until": profile.insurance_valid_until if profile else None,
            "premises_area": float(profile.premises_area) if profile and profile.premises_area else None,
            "premises_owned": profile.premises_owned if profile else None,
        })
    return data


class InstitutionFilters(Schema):
    kind: str = Field("", description="private_school / private_kindergarten / training")
    town: str = Field("", description="乡镇（街道）区划代码")
    expired: bool | None = Field(None, description="true：只列许可证已过期的；false：只列未过期的（含未登记）")
    flag: str = Field("", description="any / expired / missing / fail_twice / removed / expiring")
    whitelist: str = ""
    q: str = ""


class _Rows:
    """A lazily sliced list of rows over the annotated queryset: the paginator counts and slices the queryset,
    and only the page's schools become rows (one PolicyTable read per page)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        return [_out(row) for row in selectors.rows(self.queryset[window])]


@router.get("/institutions", response=list[InstitutionOut])
@paginate(ApiPagination, page_size=50)
def list_institutions(request, filters: Query[InstitutionFilters]):
    data = filters.dict()
    expired = data.pop("expired")
    qs = selectors.institution_list(request.user, **data)
    today = timezone.localdate()
    if expired is True:
        qs = qs.filter(institution__licence_valid_until__lt=today).exclude(institution__licence_no="")
    elif expired is False:
        qs = qs.exclude(institution__licence_valid_until__lt=today, institution__licence_no__gt="")
    return _Rows(qs)


@router.get("/institutions/{school_id}", response=InstitutionDetailOut)
def get_institution(request, school_id: int):
    school = selectors.get_institution_for(request.user, school_id)
    return _out(selectors.rows([school])[0], detail=True)
