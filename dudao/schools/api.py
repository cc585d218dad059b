"""GET /api/v1/schools (filters, paginated) and /api/v1/schools/{code}, scoped like the pages."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.schools import selectors

router = Router(tags=["学校"])


class SchoolOut(Schema):
    code: str
    name: str
    school_type: str
    school_type_label: str = Field(alias="get_school_type_display")
    ownership: str
    is_puhui: bool
    urban_rural: str
    region_code: str = Field(alias="region_id")
    region_name: str = Field(alias="region.name")
    students_preschool: int
    students_primary: int
    students_junior: int
    students_senior: int
    students_other: int


class CampusOut(Schema):
    name: str
    is_main: bool
    stages: list[str] = Field(alias="stage_list")
    region_code: str = Field(alias="region_id")
    address: str
    students: int


class GroupOut(Schema):
    code: str
    name: str
    kind: str


class SchoolDetailOut(SchoolOut):
    address: str
    principal: str
    phone: str
    founded_year: int | None
    classes_preschool: int
    classes_primary: int
    classes_junior: int
    classes_senior: int
    classes_other: int
    competent_unit_code: str | None
    management_centre_code: str | None
    supervision_units: int
    longitude: float | None = None  # WGS-84 degrees (area: map)
    latitude: float | None = None
    campuses: list[CampusOut]
    education_groups: list[GroupOut]

    @staticmethod
    def resolve_competent_unit_code(obj) -> str | None:
        return obj.competent_unit.code if obj.competent_unit else None

    @staticmethod
    def resolve_management_centre_code(obj) -> str | None:
        return obj.management_centre.code if obj.management_centre else None

    @staticmethod
    def resolve_supervision_units(obj) -> int:
        return selectors.supervision_units(obj)

    @staticmethod
    def resolve_campuses(obj):
        return list(obj.campuses.all())

    @staticmethod
    def resolve_education_groups(obj):
        return list(obj.education_groups.all())


class SchoolFilters(Schema):
    region: str = ""
    school_type: str = ""
    ownership: str = ""
    urban_rural: str = ""
    q: str = ""


@router.get("", response=list[SchoolOut])
@paginate(ApiPagination, page_size=50)
def list_schools(request, filters: Query[SchoolFilters]):
    return selectors.school_list(request.user, **filters.dict())


@router.get("/{code}", response=SchoolDetailOut)
def get_school(request, code: str):
    return selectors.get_school_by_code_for(request.user, code)
