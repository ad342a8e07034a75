"""Routing rules: which headers cross the gateway, and how the services' OpenAPI documents merge
into one. Pure functions, no I/O."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

# Request headers passed to the upstream as they came. Cookies and anything else stay behind:
# services authenticate by bearer token only.
FORWARDED_REQUEST_HEADERS: frozenset[str] = frozenset(
    {
        "authorization",
        "content-type",
        "accept",
        "accept-language",
        "accept-encoding",
        "idempotency-key",
        "if-match",
        "if-none-match",
        "range",
        "user-agent",
        "x-correlation-id",
        "traceparent",
        "tracestate",
    }
)
# WeChat Pay v3 webhooks sign over these (Wechatpay-Signature, -Timestamp, -Nonce, -Serial …).
FORWARDED_REQUEST_PREFIXES: tuple[str, ...] = ("wechatpay-",)

# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, never forwarded either way.
HOP_BY_HOP: frozenset[str] = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# The gateway's own middleware sets these on the way out.
GATEWAY_RESPONSE_HEADERS: frozenset[str] = frozenset({"x-correlation-id"})


def forwarded_request_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name_b, value_b in raw:
        name = name_b.decode("latin-1").lower()
        if name in HOP_BY_HOP:
            continue
        if name in FORWARDED_REQUEST_HEADERS or name.startswith(FORWARDED_REQUEST_PREFIXES):
            out.append((name, value_b.decode("latin-1")))
    return out


def returned_response_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower(), value)
        for name, value in raw
        if name.decode("latin-1").lower() not in HOP_BY_HOP | GATEWAY_RESPONSE_HEADERS
    ]


def forwarded_for(existing: str | None, peer: str, peer_trusted: bool) -> str:
    """The X-Forwarded-For an upstream gets: the chain a trusted proxy passed on plus the peer,
    or the peer alone (an untrusted client's own header is dropped, not relayed)."""
    return f"{existing}, {peer}" if existing and peer_trusted else peer


# --- merged OpenAPI -------------------------------------------------------------------------

_REF = re.compile(r"^#/components/([^/]+)/(.+)$")


def _pascal(service: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", service))


def _refs(node: Any) -> set[tuple[str, str]]:
    """Every (section, name) a JSON fragment points at with $ref."""
    found: set[tuple[str, str]] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (m := _REF.match(value)):
                found.add((m.group(1), m.group(2)))
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _rewrite_refs(node: Any, renames: Mapping[tuple[str, str], str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (m := _REF.match(value)):
                new = renames.get((m.group(1), m.group(2)))
                out[key] = f"#/components/{m.group(1)}/{new}" if new else value
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _component_renames(
    service: str, theirs: Mapping[str, Mapping[str, Any]], ours: Mapping[str, Mapping[str, Any]]
) -> dict[tuple[str, str], str]:
    """Names in `theirs` that clash with a different component in `ours` get the service's
    prefix (ExamSchedulingPlan). A component that is identical but points at a renamed one is
    not identical after all, so this runs until nothing changes."""
    renames: dict[tuple[str, str], str] = {}
    changed = True
    while changed:
        changed = False
        for section, items in theirs.items():
            existing = ours.get(section, {})
            for name, item in items.items():
                key = (section, name)
                if key in renames or name not in existing:
                    continue
                if existing[name] != item or _refs(item) & set(renames):
                    new = f"{_pascal(service)}{name}"
                    while new in existing or new in items:
                        new = f"{_pascal(service)}_{new}"
                    renames[key] = new
                    changed = True
    return renames


def merge_openapi(
    own: Mapping[str, Any],
    upstream: Mapping[str, Mapping[str, Any] | None],
    *,
    title: str = "skillcert API",
) -> dict[str, Any]:
    """One document for the whole platform: the gateway's own paths first, then each service's
    paths and components (colliding component names prefixed by the service). Services whose
    document could not be fetched are listed in `x-unavailable-services`."""
    merged: dict[str, Any] = copy.deepcopy(dict(own))
    merged["info"] = {**merged.get("info", {}), "title": title}
    paths: dict[str, Any] = merged.setdefault("paths", {})
    components: dict[str, dict[str, Any]] = merged.setdefault("components", {})
    tags: list[dict[str, Any]] = merged.setdefault("tags", [])
    unavailable: list[str] = []
    for service, doc in upstream.items():
        if doc is None:
            unavailable.append(service)
            continue
        theirs: dict[str, dict[str, Any]] = dict(doc.get("components", {}))
        renames = _component_renames(service, theirs, components)
        rewritten = _rewrite_refs({"paths": doc.get("paths", {}), "components": theirs}, renames)
        for path, item in rewritten["paths"].items():
            paths.setdefault(path, item)  # the first owner of a path keeps it
        for section, items in rewritten["components"].items():
            target = components.setdefault(section, {})
            for name, item in items.items():
                target.setdefault(renames.get((section, name), name), item)
        known_tags = {t.get("name") for t in tags}
        tags.extend(t for t in doc.get("tags", []) if t.get("name") not in known_tags)
    if not tags:
        merged.pop("tags")
    merged["x-unavailable-services"] = unavailable
    return merged
