from __future__ import annotations

from institution.context import CurrentContext
from institution.signup.rules import PROOF_PURPOSE
from institution.signup.schemas import SignUpIn, SignUpOut
from institution.signup.service import SignUpService
from skillcert.access import public
from skillcert.clock import utcnow
from skillcert.errors import problem_responses
from skillcert.http import DbSession, service_router

router = service_router("/api/v1/institution", tags=["institution"])


@router.post(
    "/sign-ups",
    status_code=201,
    response_model=SignUpOut,
    responses=problem_responses(409, 422),
    **public("院校注册，以短信验证码证明手机"),
)
async def sign_up(body: SignUpIn, ctx: CurrentContext, session: DbSession) -> SignUpOut:
    """注册账号 (seed 003 §1.1.2): an institution of the list signs up its head. Public; the
    phone is proven by the gateway's phone proof. The login name is answered here, the
    password reaches the phone by SMS. A second sign-up of the same institution is refused."""
    proof = await ctx.verifier.verify_phone_proof(body.phone_proof, PROOF_PURPOSE, "phone_proof")
    return await SignUpService(session).sign_up(body, proof, utcnow())
