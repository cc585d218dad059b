"""Helpers every list page uses: pagination with a bounded page size, and Excel export of a filtered list."""

import datetime
import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from dudao.core.errors import ApplicationError

PAGE_SIZES = (20, 50, 100, 200)
# A capped list (more rows than its count cap) is served up to this offset; deeper pages would make the database
# walk the whole scope for nothing a person reads: the client is asked to filter instead.
CAPPED_MAX_OFFSET = 200_000
NARROW_SORT_ROWS = 5_000  # CappedApiPagination: up to this many matches are sorted, not walked to


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (then says "more than"): on lists of millions the exact count costs more than
    the page itself. Pages beyond the cap are not offered; the user narrows the filters instead."""

    def __init__(self, object_list, per_page, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return min(self.object_list.order_by()[: self.cap + 1].count(), self.cap)

    @cached_property
    def capped(self) -> bool:
        return self.object_list.order_by()[self.cap : self.cap + 1].exists()


def filter_given(queryset, **lookups):
    """Apply the list filters that were given: each `lookup=value` whose value is not empty (a blank filter on a
    list page or an API query means "any")."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return queryset.filter(**given) if given else queryset


def paginate(request, queryset, default_size: int = 50, count_cap: int | None = None):
    """The requested page (bad numbers fall back to the nearest page) and the page size in force."""
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    size = size if size in PAGE_SIZES else default_size
    paginator = CappedPaginator(queryset, size, count_cap) if count_cap else Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    return page, size


class ApiPagination(PageNumberPagination):
    """?page=&page_size= for API lists. A page past the last one is an empty page (with the true count), however
    large the number: the offset never reaches the database, where a huge one overflows ("datatype mismatch" on
    SQLite, "bigint out of range" on PostgreSQL). Zero, negative and non-numeric pages are 422."""

    class Input(Schema):
        page: int = Field(1, ge=1, description="页码，从 1 开始；超过最后一页时返回空列表")
        page_size: int | None = Field(None, ge=1, description="每页条数；超过接口上限时按上限")

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * page_size
        items = queryset[offset : offset + page_size] if offset < count else queryset[:0]
        return {self.items_attribute: items, "count": count}

    async def apaginate_queryset(self, queryset, pagination: Input, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        count = await self._aitems_count(queryset)
        offset = (pagination.page - 1) * page_size
        window = queryset[offset : offset + page_size] if offset < count else queryset[:0]
        items = [obj async for obj in window] if hasattr(window, "__aiter__") else window
        return {self.items_attribute: items, "count": count}


class CappedApiPagination(ApiPagination):
    """ApiPagination for lists of millions (the 问题台账): counts at most `count_cap` rows, like the ledger page's
    CappedPaginator; `count_capped` then says there are more. Pages beyond the cap are served up to
    CAPPED_MAX_OFFSET rows deep (the offset is then not checked against the count), deeper ones refused. `ids_first` reads a page's ids, then its rows (deep pages of big lists)."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="符合条件的条数；count_capped 为 true 时只数到上限")
        count_capped: bool = Field(False, description="true：符合条件的超过 count 条，请缩小筛选范围")

    def __init__(self, *, count_cap: int = 10_000, ids_first: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.count_cap = count_cap
        self.ids_first = ids_first

    def paginate_queryset(self, queryset, pagination: ApiPagination.Input, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        counted = queryset.order_by()[: self.count_cap + 1].count()  # one COUNT over a LIMIT subquery
        capped = counted > self.count_cap
        offset = (pagination.page - 1) * page_size
        if capped and offset >= CAPPED_MAX_OFFSET:
            raise ApplicationError(f"超过 {self.count_cap} 条的列表只能翻阅前 {CAPPED_MAX_OFFSET} 条，请缩小筛选范围。")
        reachable = offset < counted or capped
        if not reachable:
            items = queryset[:0]
        elif self.ids_first:
            # The page's ids first (an index-only walk past the offset, no joins), then its rows by id: a deep
            # page then reads 50 rows, not offset + 50.
            ordered = queryset
            if counted <= NARROW_SORT_ROWS:
                # Few matches (the count saw them all): sort just those. Walking the whole list's date order to
                # find them reads every row in between (a county's text search: 35,000 rows for 50).
                ordered = queryset.model._default_manager.filter(
                    pk__in=queryset.order_by().values("pk")[:NARROW_SORT_ROWS + 1]).order_by(*queryset.query.order_by)
            ids = list(ordered.values_list("pk", flat=True)[offset : offset + page_size])
            items = queryset.filter(pk__in=ids)
        else:
            items = queryset[offset : offset + page_size]
        return {self.items_attribute: items, "count": min(counted, self.count_cap), "count_capped": capped}


def query_without_page(request) -> str:
    """The current query string minus page=, for pagination links and the export button."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def _local_text(value: datetime.date) -> str:
    """A date as 2026-03-06; a timestamp as its Asia/Shanghai time, 2026-03-06 00:30:00 (never the UTC one)."""
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


def xlsx_response(filename: str, sheet: str, columns: list[tuple[str, Callable]], rows: Iterable) -> HttpResponse:
    """An .xlsx download: one header row with Chinese titles, one row per object, streamed from an iterator."""
    return xlsx_sheets_response(filename, [(sheet, columns, rows)])


def xlsx_sheets_response(filename: str, sheets: list[tuple[str, list[tuple[str, Callable]], Iterable]]) -> HttpResponse:
    """An .xlsx download with several sheets, each (name, columns, rows) as in xlsx_response."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for sheet, columns, rows in sheets:
        worksheet = workbook.add_worksheet(sheet)
        for col, (title, _getter) in enumerate(columns):
            worksheet.write_string(0, col, title, bold)
            worksheet.set_column(col, col, max(10, len(title) * 2 + 2))
        for row_index, obj in enumerate(rows, start=1):
            for col, (_title, getter) in enumerate(columns):
                value = getter(obj)
                if value is None:
                    continue
                if isinstance(value, bool):
                    worksheet.write_string(row_index, col, "是" if value else "否")
                elif isinstance(value, int | float):
                    worksheet.write_number(row_index, col, value)
                elif isinstance(value, datetime.date):
                    worksheet.write_string(row_index, col, _local_text(value))
                else:
                    worksheet.write_string(row_index, col, str(value))
    workbook.close()
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}_{stamp}.xlsx')}"
    return response
