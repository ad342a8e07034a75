"""One error hierarchy, rendered as RFC 9457 problem+json by one handler.

422 is for payload validation only; business rules that are broken answer 400 or 409.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillcert import context
from skillcert.pii import scrub

log = logging.getLogger("skillcert.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str
    code: str = "invalid"


class Problem(BaseModel):
    """RFC 9457 problem details, with the invalid fields listed in `errors`."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = []
    correlation_id: str | None = None


class AppError(Exception):
    status_code = 400
    slug = "bad-request"
    title = "请求有误"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers


class NotFound(AppError):
    status_code = 404
    slug = "not-found"
    title = "资源不存在"


class Unauthorized(AppError):
    status_code = 401
    slug = "unauthorized"
    title = "未登录或登录已过期"


class Forbidden(AppError):
    status_code = 403
    slug = "forbidden"
    title = "无权执行此操作"


class Conflict(AppError):
    status_code = 409
    slug = "conflict"
    title = "状态冲突"


class RuleViolation(AppError):
    """A business rule forbids the operation (window closed, quota exceeded, …)."""

    status_code = 400
    slug = "rule-violation"
    title = "不符合业务规则"


class InvalidInput(AppError):
    """Field-level validation done in the domain (ID checksum, overlapping dates, …)."""

    status_code = 422
    slug = "invalid-input"
    title = "提交的数据有误"


class RateLimited(AppError):
    status_code = 429
    slug = "rate-limited"
    title = "请求过于频繁，请稍后再试"


class ServiceUnavailable(AppError):
    status_code = 503
    slug = "unavailable"
    title = "服务暂不可用"


# Chinese messages for pydantic's error types; candidates read these.
_MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "uuid_parsing": "编号格式不正确",
    "uuid_type": "编号格式不正确",
    "enum": "不是允许的选项",
    "literal_error": "不是允许的选项",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "value_error": "内容不正确",
    "json_invalid": "请求体不是有效的 JSON",
    "body_invalid": "请求体无法解析（应为 UTF-8 编码的 JSON 或表单）",
    "model_attributes_type": "格式不正确",
    "dict_type": "格式不正确",
    "list_type": "应为列表",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "extra_forbidden": "不允许的字段",
    "url_parsing": "网址格式不正确",
    "value_error.email": "电子邮箱格式不正确",
    "timezone_aware": "时间须带时区（如 2026-05-01T09:00:00+08:00）",
    "timezone_naive": "时间不应带时区",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数字位数过多",
    "multiple_of": "数值不符合步长要求",
    "string_not_ascii": "只能包含英文字母、数字和符号",
    "missing_argument": "此项为必填项",
    "url_scheme": "网址协议不正确",
}


def _field_path(loc: tuple[Any, ...], code: str = "") -> str:
    if code == "json_invalid":
        return "body"  # the loc's second part is the character offset of the error
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:] if parts[0] == "body" else parts
    return ".".join(str(p) for p in parts) or "body"


def validation_errors(raw: list[dict[str, Any]]) -> list[FieldError]:
    out: list[FieldError] = []
    for err in raw:
        code = str(err.get("type", "invalid"))
        message = _MESSAGES.get(code)
        if code == "value_error":
            # A validator's own message (already Chinese) is more precise than the generic one.
            ctx_error = (err.get("ctx") or {}).get("error")
            message = str(ctx_error) if ctx_error else message
        out.append(
            FieldError(
                field=_field_path(tuple(err.get("loc", ())), code),
                message=message or str(err.get("msg", "内容不正确")),
                code=code,
            )
        )
    return out


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=f"https://skillcert.example/problems/{slug}",
        title=title,
        status=status,
        detail=scrub(detail) if detail else None,
        instance=request.url.path,
        errors=errors or [],
        correlation_id=context.correlation_id.get(),
    )
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return problem_response(
            request,
            status=exc.status_code,
            slug=exc.slug,
            title=exc.title,
            detail=exc.detail,
            errors=exc.errors,
            headers=exc.headers,
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(
            request,
            status=422,
            slug="validation",
            title="提交的数据有误",
            detail="请根据提示修改后重新提交",
            errors=validation_errors(list(exc.errors())),
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:
            # Starlette and FastAPI answer 400 to a body they cannot even decode (not UTF-8, a
            # broken multipart form); our own code raises AppErrors. A payload problem like
            # invalid JSON: the same 422 every operation declares, not a 400 none does.
            return problem_response(
                request,
                status=422,
                slug="validation",
                title="提交的数据有误",
                detail=f"请求体无法解析（{exc.detail}）",
                errors=[
                    FieldError(field="body", message=_MESSAGES["body_invalid"], code="body_invalid")
                ],
            )
        titles = {404: "资源不存在", 405: "不支持的请求方法", 401: "未登录或登录已过期"}
        return problem_response(
            request,
            status=exc.status_code,
            slug=f"http-{exc.status_code}",
            title=titles.get(exc.status_code, "请求有误"),
            detail=str(exc.detail) if exc.detail else None,
            headers=getattr(exc, "headers", None),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request, status=500, slug="internal", title="服务器内部错误，请稍后再试"
        )

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry declaring problem+json for the given statuses."""
    return {status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in statuses}
