"""The security headers on every gateway answer, and the content security policy the web app
(Vue 3 + Element Plus, built by Vite) runs under. Plain data, no I/O; docs/security.md."""

from __future__ import annotations


def policy(**directives: str) -> str:
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


def web_app_csp(object_store: str | None = None) -> str:
    """The web app's policy: its own scripts only (Vite emits no inline script), its own CSS
    plus inline style attributes (Element Plus positions popovers, dialogs and tables by
    inline styles), images also as data:/blob: URLs (photos previewed before upload, QR
    codes). `object_store`: the origin of presigned storage links, which the browser loads
    images from and uploads files to directly."""
    store = f" {object_store}" if object_store else ""
    return policy(
        default_src="'self'",
        script_src="'self'",
        style_src="'self' 'unsafe-inline'",
        img_src=f"'self' data: blob:{store}",
        font_src="'self' data:",
        connect_src=f"'self'{store}",
        object_src="'none'",
        base_uri="'self'",
        form_action=f"'self'{store}",
        frame_ancestors="'none'",
    )


# FastAPI's Swagger UI pages load their bundle from the jsDelivr CDN and start it with an
# inline script; only those pages get this looser policy.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = policy(
    default_src="'self'",
    script_src=f"'self' {SWAGGER_CDN} 'unsafe-inline'",
    style_src=f"'self' {SWAGGER_CDN} 'unsafe-inline'",
    img_src="'self' data: https://fastapi.tiangolo.com",
    connect_src="'self'",
    object_src="'none'",
    base_uri="'self'",
    frame_ancestors="'none'",
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    # For browsers without CSP frame-ancestors.
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)


def csp_for(path: str, web_csp: str) -> str:
    return DOCS_CSP if path.rstrip("/").endswith("/docs") else web_csp


# CORS: what a page on an allowed origin may send and read. Bearer tokens, never cookies, so
# credentials are not allowed cross-origin.
CORS_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CORS_REQUEST_HEADERS = ("authorization", "content-type", "idempotency-key", "x-correlation-id")
# etag: a verifier's page revalidates the public certificate status lists (those answers carry
# their own `Access-Control-Allow-Origin: *` from the certificate service, passed on as is).
CORS_EXPOSED_HEADERS = ("retry-after", "x-correlation-id", "content-disposition", "etag")
