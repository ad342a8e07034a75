from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from gateway.accounts import cookies
from gateway.accounts.models import Account
from gateway.accounts.schemas import (
    CityReviewerIn,
    DutyAccountIn,
    InstitutionAdminIn,
    LoginIn,
    PasswordResetIn,
    PhoneProofIn,
    PhoneProofOut,
    RefreshIn,
    RegisterIn,
    SmsCodeIn,
    SmsCodeSentOut,
    StaffAccountIn,
    StaffAccountOut,
    TokenOut,
)
from gateway.accounts.service import AccountService, IdentityKit, IssuedTokens, SessionEnded
from gateway.context import context
from gateway.ratelimits.limiter import client_ip, rate_limited
from skillcert.access import Owner, access, public
from skillcert.auth import CurrentPrincipal, Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router
from skillcert.pii import mask_phone

router = service_router("/api/v1/gateway", tags=["gateway"])
# Key publishing touches no database: a plain router, no transaction.
jwks_router = APIRouter(tags=["gateway"])

Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]
InstitutionHead = Annotated[Principal, Depends(require_roles(Role.INSTITUTION_HEAD))]
ProvinceAdmin = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN))]
Institution = Annotated[
    Principal, Depends(require_roles(Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD))
]
OrgAdmin = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]


def kit_of(request: Request) -> IdentityKit:
    return context(request).resources.identity


def _service(request: Request, session: DbSession) -> AccountService:
    return AccountService(session, kit_of(request))


Accounts = Annotated[AccountService, Depends(_service)]


async def _tokens(
    request: Request, response: Response, service: AccountService, account: Account
) -> TokenOut:
    issued = await service.start_session(account)
    return _token_out(request, response, service, issued, cookies.wants_cookie(request))


def _token_out(
    request: Request,
    response: Response,
    service: AccountService,
    issued: IssuedTokens,
    in_cookie: bool,
) -> TokenOut:
    """The tokens; with `in_cookie` the refresh token goes only into the HttpOnly cookie."""
    if in_cookie:
        cookies.set_refresh_cookie(
            request, response, service.settings, issued.refresh_token, issued.refresh_expires_in
        )
    return TokenOut(
        account_id=issued.account.id,
        access_token=issued.access_token,
        expires_in=service.settings.access_token_ttl_s,
        role=Role(issued.account.role),
        refresh_token=None if in_cookie else issued.refresh_token,
        refresh_expires_in=issued.refresh_expires_in,
    )


@router.post(
    "/sms-codes",
    status_code=202,
    response_model=SmsCodeSentOut,
    dependencies=[Depends(rate_limited("sms-codes"))],
    responses=problem_responses(409, 422, 429),
    **public("发送短信验证码（限流）"),
)
async def send_sms_code(body: SmsCodeIn, request: Request, accounts: Accounts) -> SmsCodeSentOut:
    """Send a 6-digit SMS code (短信验证码) for sign-up, login or password reset. For login
    and reset the answer is the same whether the phone has an account or not."""
    await accounts.issue_code(body.phone, body.purpose, client_ip(request))
    settings = accounts.settings
    return SmsCodeSentOut(
        expires_in_s=settings.sms_code_ttl_s, resend_after_s=settings.sms_resend_after_s
    )


@router.post(
    "/accounts",
    status_code=201,
    response_model=TokenOut,
    dependencies=[Depends(rate_limited("accounts"))],
    responses=problem_responses(400, 409, 422, 429),
    **public("考生注册（限流）"),
)
async def register(
    body: RegisterIn, request: Request, response: Response, accounts: Accounts
) -> TokenOut:
    """Candidate sign-up (考生注册) with phone, SMS code and password; signs the candidate in.
    Honours Idempotency-Key. With `X-Refresh-Cookie: 1` the refresh token is set as an
    HttpOnly cookie instead of returned."""
    account = await accounts.register(body.phone, body.code, body.password, body.name)
    return await _tokens(request, response, accounts, account)


@router.post(
    "/phone-proofs",
    response_model=PhoneProofOut,
    dependencies=[Depends(rate_limited("accounts"))],
    responses=problem_responses(400, 409, 422, 429),
    **public("手机验证（限流）"),
)
async def prove_phone(body: PhoneProofIn, accounts: Accounts) -> PhoneProofOut:
    """Exchange a sign-up SMS code (purpose `register`) for a short-lived phone proof, which
    institution sign-up (`POST /api/v1/institution/sign-ups`) takes instead of the code."""
    proof = await accounts.prove_phone(body.phone, body.code)
    return PhoneProofOut(phone_proof=proof, expires_in_s=accounts.settings.phone_proof_ttl_s)


@router.post(
    "/sessions",
    response_model=TokenOut,
    dependencies=[Depends(rate_limited("sessions"))],
    responses=problem_responses(400, 401, 422, 423, 429),
    **public("登录（限流）"),
)
async def login(
    body: LoginIn, request: Request, response: Response, accounts: Accounts
) -> TokenOut:
    """登录 with phone (or staff username) and password, or phone and SMS code. Wrong
    passwords hold back the login from the caller's address with growing delays (429); many
    from everywhere lock the account (423 for the right password) until an SMS-code login.
    With `X-Refresh-Cookie: 1` (the web app) the refresh token is set as an HttpOnly cookie
    instead of returned."""
    source = client_ip(request)
    if body.code is not None:
        account = await accounts.login_with_code(body.login, body.code, source)
    else:
        assert body.password is not None  # the schema requires one of the two
        account = await accounts.login(body.login, body.password, source)
    return await _tokens(request, response, accounts, account)


@router.post(
    "/sessions/refresh",
    response_model=TokenOut,
    dependencies=[Depends(rate_limited("sessions"))],
    responses=problem_responses(401, 403, 422, 429),
    **public("以刷新令牌续期"),
)
async def refresh_session(
    body: RefreshIn, request: Request, response: Response, accounts: Accounts
) -> TokenOut:
    """刷新登录: a refresh token for a new access token and a new refresh token. Each refresh
    token works once; presenting a used one again ends the whole session (both holders must
    log in again). The token comes in the body, or, when the body has none, from the HttpOnly
    cookie — then only from a page of this host (`Origin`, else 403) and the new token goes
    back into the cookie."""
    if body.refresh_token is not None:
        issued = await accounts.refresh(body.refresh_token)
        return _token_out(request, response, accounts, issued, cookies.wants_cookie(request))
    cookies.check_same_origin(request)
    token = request.cookies.get(cookies.COOKIE_NAME)
    if not token:
        raise SessionEnded()
    return _token_out(request, response, accounts, await accounts.refresh(token), True)


@router.post(
    "/logout",
    status_code=204,
    responses=problem_responses(401),
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
    ),
)
async def logout(
    principal: CurrentPrincipal, request: Request, response: Response, accounts: Accounts
) -> None:
    """退出登录: revokes every refresh token of the account (all its sessions, every device)
    and clears the browser's refresh cookie; access tokens already issued lapse within their
    short lifetime."""
    await accounts.end_sessions(principal.account_id, "logout")
    cookies.clear_refresh_cookie(request, response, accounts.settings)


@router.post(
    "/password-resets",
    status_code=204,
    dependencies=[Depends(rate_limited("password-resets"))],
    responses=problem_responses(400, 422, 429),
    **public("以短信验证码重置密码（限流）"),
)
async def reset_password(body: PasswordResetIn, accounts: Accounts) -> None:
    """找回密码 with an SMS code sent for purpose reset_password."""
    await accounts.reset_password(body.phone, body.code, body.new_password)


@router.get(
    "/me",
    response_model=Principal,
    responses=problem_responses(401),
    **access(
        candidate=Owner.OWN,
        reviewer=Owner.OWN,
        org_admin=Owner.OWN,
        institution_admin=Owner.OWN,
        institution_head=Owner.OWN,
        province_admin=Owner.OWN,
        city_reviewer=Owner.OWN,
        invigilator=Owner.OWN,
        inspector=Owner.OWN,
        ops=Owner.OWN,
    ),
)
async def me(principal: CurrentPrincipal) -> Principal:
    """The caller as the token names them."""
    return principal


@router.post(
    "/staff",
    status_code=201,
    response_model=StaffAccountOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(ops=Owner.ANY),
)
async def create_staff(body: StaffAccountIn, ops: Ops, accounts: Accounts) -> StaffAccountOut:
    """Create a staff account (工作人员账号); ops only."""
    account = await accounts.create_staff(
        username=body.username,
        name=body.name,
        role=body.role,
        org_id=body.org_id,
        phone=body.phone,
        password=body.password,
        creator=ops,
    )
    return StaffAccountOut(
        account_id=account.id,
        username=body.username,
        name=account.name,
        role=Role(account.role),
        org_id=account.org_id,
        phone=mask_phone(account.phone),
    )


@router.post(
    "/institution-admins",
    status_code=201,
    response_model=StaffAccountOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(institution_head=Owner.INSTITUTION),
)
async def create_institution_admin(
    body: InstitutionAdminIn, head: InstitutionHead, accounts: Accounts
) -> StaffAccountOut:
    """试点院校业务管理员: the institution head creates admins of their own institution."""
    account = await accounts.create_institution_admin(
        head, body.username, body.name, body.phone, body.password
    )
    return StaffAccountOut(
        account_id=account.id,
        username=body.username,
        name=account.name,
        role=Role(account.role),
        org_id=account.org_id,
        phone=mask_phone(account.phone),
    )


@router.post(
    "/city-reviewers",
    status_code=201,
    response_model=StaffAccountOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(province_admin=Owner.PROVINCE),
)
async def create_city_reviewer(
    body: CityReviewerIn, admin: ProvinceAdmin, accounts: Accounts
) -> StaffAccountOut:
    """地市级审核员: a province admin creates reviewers of a city of their own province
    (org_id `CITY-<city code>`), who review pilot applications where a batch wants the city
    first."""
    account = await accounts.create_city_reviewer(
        admin, body.username, body.name, body.phone, body.password, body.city
    )
    return StaffAccountOut(
        account_id=account.id,
        username=body.username,
        name=account.name,
        role=Role(account.role),
        org_id=account.org_id,
        phone=mask_phone(account.phone),
    )


def _staff_out(account: Account, username: str) -> StaffAccountOut:
    return StaffAccountOut(
        account_id=account.id,
        username=username,
        name=account.name,
        role=Role(account.role),
        org_id=account.org_id,
        phone=mask_phone(account.phone),
    )


@router.post(
    "/invigilators",
    status_code=201,
    response_model=StaffAccountOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(institution_admin=Owner.INSTITUTION, institution_head=Owner.INSTITUTION),
)
async def create_invigilator(
    body: DutyAccountIn, principal: Institution, accounts: Accounts
) -> StaffAccountOut:
    """监考人员: an institution's admin or head makes an invigilator account of their own
    institution; the first password is sent to the phone by SMS. Exam-scheduling assigns it
    to rooms and sessions, and it sees only those."""
    account = await accounts.create_duty_account(
        principal, Role.INVIGILATOR, body.username, body.name, body.phone
    )
    return _staff_out(account, body.username)


@router.post(
    "/inspectors",
    status_code=201,
    response_model=StaffAccountOut,
    responses=problem_responses(401, 403, 409, 422),
    **access(org_admin=Owner.ORG),
)
async def create_inspector(
    body: DutyAccountIn, principal: OrgAdmin, accounts: Accounts
) -> StaffAccountOut:
    """巡考人员: an organisation admin makes an inspector account of their own organisation;
    the first password is sent to the phone by SMS."""
    account = await accounts.create_duty_account(
        principal, Role.INSPECTOR, body.username, body.name, body.phone
    )
    return _staff_out(account, body.username)


@jwks_router.get("/.well-known/jwks.json", tags=["gateway"], **public("令牌验签公钥"))
async def jwks(request: Request) -> JSONResponse:
    """The public keys that verify gateway tokens (JWKS)."""
    keys: dict[str, Any] = kit_of(request).issuer.jwks()
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})
