"""The API's one error shape, the handlers that produce it, and the error responses every operation declares.

Every 4xx the API sends is `ErrorOut`: `detail` is a Chinese sentence a user can read, `errors` lists details
(request parameters for 422, rows of an import file for 400/409). The OpenAPI schema declares, for every
operation, the error statuses it can answer (`declare_error_responses`), so a client (and schemathesis) knows
what to expect; an operation with an extra status (409, 429, or 404 without an object in its path) declares
it with `openapi_extra=error_responses(409)` (documentation only: the view's responses are unchanged).
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from dudao.core.errors import ApplicationError, NulCharacterSent

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"

STATUS_MESSAGES = {
    400: "请求格式错误。",
    401: "未登录，或令牌无效、已过期或已撤销。请先登录，或在 Authorization 头中提供有效的 Bearer 令牌。",
    403: "您无权执行此操作。",
    404: "未找到该对象，或您无权查看。",
    405: "该接口不支持此请求方法。",
    409: "请求与当前状态冲突。",
    413: "上传内容过大。",
    422: "请求参数有误。",
    429: "请求过于频繁，请稍后再试。",
}

# What each error status means on this API; shown in the OpenAPI document.
STATUS_DESCRIPTIONS = {
    400: "请求被拒绝：数据不符合业务规则，请求体无法解析，或含有空字符（detail 说明原因，errors 列出每一处问题）",
    401: "未认证：没有会话或 Bearer 令牌，或令牌无效、过期、已撤销",
    403: "无权执行此操作（角色或数据范围不允许，或浏览器会话缺少 CSRF 令牌）",
    404: "对象不存在，或不在您的数据范围内",
    409: "与当前状态冲突（例如需要确认的导入提示、重复提交）",
    422: "请求参数不符合接口定义（errors 列出每个参数的问题）",
    429: "请求过于频繁",
}

# Messages of errors ninja and Django raise in English, in Chinese.
_KNOWN_MESSAGES = {
    "Cannot parse request body": "请求体不是有效的 JSON，无法解析。",
    "CSRF check Failed": "浏览器会话的请求缺少有效的 CSRF 令牌，请刷新页面后重试。",
}

_UPLOAD_PARSE_MESSAGE = "上传内容格式错误（multipart/form-data 请求体无法解析：边界缺失、不匹配或内容不完整），未做任何更改。"


class ErrorItem(Schema):
    """One problem: `field` names a request parameter (422); `sheet`/`row`/`column` a place in an import file."""

    message: str
    field: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# pydantic error types → Chinese; `{...}` fields come from the error's ctx.
_VALIDATION_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值过大",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为字符串",
    "string_too_short": "长度不能少于 {min_length}",
    "string_too_long": "长度不能超过 {max_length}",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "datetime_type": "应为日期时间（ISO 8601）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
}


def _validation_item(error: dict) -> dict:
    loc = [str(part) for part in error.get("loc", ())]
    template = _VALIDATION_MESSAGES.get(error.get("type", ""), "取值无效")
    try:
        message = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        message = "取值无效"
    return {"field": ".".join(loc) or None, "message": message}


def _field_label(field: str | None) -> str:
    """query.page → page; body.payload.username → username; file.file → file."""
    if not field:
        return "请求"
    parts = field.split(".")
    return ".".join(parts[2:] if len(parts) > 2 and parts[0] == "body" else parts[1:] or parts)


def validation_error_body(errors: list[dict]) -> dict:
    items = [_validation_item(e) for e in errors]
    shown = "；".join(f"{_field_label(i['field'])} {i['message']}" for i in items[:5])
    more = f"等 {len(items)} 处问题" if len(items) > 5 else ""
    return error_body(f"请求参数有误：{shown}{more}。", items)


def install_error_handlers(api) -> None:
    """Every error the API can raise becomes ErrorOut with a Chinese detail (ninja's defaults are English)."""

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(request, error_body(exc.message, [e.as_dict() for e in exc.errors]),
                                   status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return api.create_response(request, validation_error_body(exc.errors), status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        message = str(exc)
        return api.create_response(request, error_body(message if _is_chinese(message) else STATUS_MESSAGES[404]),
                                   status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = _KNOWN_MESSAGES.get(exc.message, exc.message)
        if not _is_chinese(message):
            message = STATUS_MESSAGES.get(exc.status_code, "请求无法处理。")
        response = api.create_response(request, error_body(message), status=exc.status_code)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        if isinstance(exc, Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    # Form bodies are normally parsed (and refused) before the view by RejectNulMiddleware, through handler400
    # (core.views.bad_request); these handlers keep the API's answer a Chinese 400, not ninja's DEBUG 500
    # traceback, wherever else the body gets parsed first.
    @api.exception_handler(MultiPartParserError)
    def multipart_error(request, exc: MultiPartParserError):
        return api.create_response(request, error_body(_UPLOAD_PARSE_MESSAGE), status=400)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(request, error_body("请求内容超过大小上限，未做任何更改。"), status=400)

    @api.exception_handler(TooManyFieldsSent)
    def too_many_fields(request, exc):
        return api.create_response(request, error_body("请求包含的字段过多，未做任何更改。"), status=400)

    @api.exception_handler(TooManyFilesSent)
    def too_many_files(request, exc):
        return api.create_response(request, error_body("一次上传的文件过多，未做任何更改。"), status=400)


def bad_request_message(exception) -> str:
    """The Chinese sentence for a request Django refused before any view ran (handler400)."""
    if isinstance(exception, MultiPartParserError):
        return _UPLOAD_PARSE_MESSAGE
    if isinstance(exception, NulCharacterSent):
        return "请求中包含不允许的空字符（U+0000），未做任何更改。"
    if isinstance(exception, RequestDataTooBig):
        return "请求内容超过大小上限，未做任何更改。"
    if isinstance(exception, TooManyFieldsSent):
        return "请求包含的字段过多，未做任何更改。"
    if isinstance(exception, TooManyFilesSent):
        return "一次上传的文件过多，未做任何更改。"
    return "请求格式错误，无法处理。"


def _error_response(status: int) -> dict:
    return {"description": STATUS_DESCRIPTIONS.get(status, STATUS_MESSAGES.get(status, "")),
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}}}


def error_responses(*statuses: int) -> dict:
    """`openapi_extra` for an operation's own error statuses beyond the defaults, e.g. error_responses(409, 429)."""
    return {"responses": {status: _error_response(status) for status in statuses}}


def default_error_statuses(path: str, method: str, operation: dict) -> set[int]:
    """The error statuses any operation of this shape can answer, whatever its view does:
    400 always (a NUL character anywhere, an unparsable body, a business rule); 401 when it needs
    authentication; 403 for authenticated writes (role checks, and the CSRF check on session requests);
    404 when the path names an object; 422 when it takes parameters or a body."""
    statuses = {400}
    has_body = "requestBody" in operation
    if operation.get("security"):
        statuses.add(401)
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if operation.get("parameters") or has_body:
        statuses.add(422)
    return statuses


def declare_error_responses(schema: dict) -> dict:
    """Add the default error responses (and the ErrorOut component) to every operation of an OpenAPI dict;
    statuses an operation declares itself are kept as they are."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorItem", ErrorItem.model_json_schema())
    components.setdefault("ErrorOut", _error_out_schema())
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(default_error_statuses(path, method, operation)):
                responses.setdefault(status, _error_response(status))
    return schema


def _error_out_schema() -> dict:
    out = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    out.pop("$defs", None)
    return out
