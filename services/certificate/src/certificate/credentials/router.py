from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Path, Response

from certificate.context import CurrentContext
from certificate.credentials.rules import LIST_TTL_S, VC_JWT_MEDIA_TYPE
from certificate.credentials.service import CredentialService
from skillcert.access import Owner, access, public
from skillcert.auth import Principal, Role, require_roles
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/certificate", tags=["certificate"])

Candidate = Annotated[Principal, Depends(require_roles(Role.CANDIDATE))]
OrgId = Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,64}$")]


async def _service(ctx: CurrentContext, session: DbSession) -> CredentialService:
    return CredentialService(session, ctx.settings)


Credentials = Annotated[CredentialService, Depends(_service)]

# Public documents any verifier may fetch, also from a web page or wallet on another origin:
# no credentials are involved, so any origin may read them.
OPEN_TO_ANY_ORIGIN = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}

VC_JWT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a VC-JWT (compact JWS)",
        "content": {VC_JWT_MEDIA_TYPE: {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/issuers/{org_id}",
    responses=problem_responses(404, 422),
    response_model=dict[str, Any],
    **public("发证组织的公开档案（凭证验证方读取）"),
)
async def issuer_profile(
    org_id: OrgId, credentials: Credentials, response: Response
) -> dict[str, Any]:
    """The issuing organisation's Open Badges Profile: the `issuer` of its credentials."""
    response.headers.update(OPEN_TO_ANY_ORIGIN)
    return await credentials.profile(org_id)


@router.get(
    "/issuers/{org_id}/jwks",
    responses=problem_responses(404, 422),
    response_model=dict[str, Any],
    **public("发证组织的验签公钥"),
)
async def issuer_keys(
    org_id: OrgId, credentials: Credentials, response: Response
) -> dict[str, Any]:
    """The organisation's public key (JWK set; `kid` as in the credentials' JWT header, `x5c`
    its X.509 chain): what verifiers check status lists and exported credentials against."""
    response.headers["Cache-Control"] = f"public, max-age={LIST_TTL_S}"
    response.headers.update(OPEN_TO_ANY_ORIGIN)
    return await credentials.jwks(org_id)


@router.get(
    "/status-lists/{org_id}/{list_no}",
    response_class=Response,
    responses={**VC_JWT_RESPONSE, 304: {"description": "unchanged"}, **problem_responses(404, 422)},
    **public("证书撤销状态列表（公开、可缓存）"),
)
async def status_list(
    org_id: OrgId,
    list_no: Annotated[int, Path(ge=0, le=1_000_000)],
    credentials: Credentials,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The organisation's revocation list (W3C Bitstring Status List v1.0) as a signed
    BitstringStatusListCredential, public and cacheable: the bit at a credential's
    statusListIndex is 1 once that certificate is revoked."""
    signed = await credentials.status_list(org_id, list_no)
    headers = {
        "ETag": signed.etag,
        "Cache-Control": f"public, max-age={LIST_TTL_S}",
        **OPEN_TO_ANY_ORIGIN,
    }
    if if_none_match and signed.etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(signed.jwt, media_type=VC_JWT_MEDIA_TYPE, headers=headers)


@router.get(
    "/certificates/{certificate_id}/credential",
    response_class=Response,
    responses={**VC_JWT_RESPONSE, **problem_responses(401, 403, 404, 409, 422)},
    **access(candidate=Owner.OWN),
)
async def export_credential(
    certificate_id: UUID, principal: Candidate, credentials: Credentials
) -> Response:
    """导出可验证凭证: the holder's own issued certificate as an Open Badges 3.0
    OpenBadgeCredential, signed by the organisation (VC-JWT), with its status list entry."""
    token, cert = await credentials.export(principal.account_id, certificate_id)
    return Response(
        token,
        media_type=VC_JWT_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{cert.number}.jwt"',
            "Cache-Control": "no-store",
        },
    )
