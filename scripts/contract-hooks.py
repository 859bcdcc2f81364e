# Schemathesis hooks for scripts/contract (loaded through SCHEMATHESIS_HOOKS).
import os

import schemathesis

# POST /api/v1/imports/activities.xlsx takes the spreadsheet itself as the body: send the
# generated value as raw bytes, as for application/octet-stream (schemathesis has no
# serializer of its own for this media type and would report an error instead of testing).
schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
)


def _has_refused_control(value):
    """Whether a generated value holds a control character other than tab and line breaks.

    kepu refuses those everywhere at its edge with 400 before any operation sees the
    request (documented as every operation's 400; tested in crates/web/tests/hostile.rs
    and http/hardening.rs). Text that would be refused there tests that one rule again,
    not the operation, so schemathesis is kept to text the operation itself reads.
    """
    if isinstance(value, str):
        return any(
            (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F for c in value
        )
    if isinstance(value, dict):
        return any(_has_refused_control(k) or _has_refused_control(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_refused_control(v) for v in value)
    # Numbers, booleans, null, and raw bytes (a body that is not JSON at all).
    return False


@schemathesis.hook
def filter_body(ctx, body):
    return not _has_refused_control(body)


@schemathesis.hook
def filter_query(ctx, query):
    query = query or {}
    # `near` and `within_km` go together (documented on `near`; either alone is a 400 that
    # crates/web/tests/http/public.rs checks): a JSON Schema of separate parameters cannot
    # say so, so schemathesis is kept to queries that give both or neither.
    if ("near" in query) != ("within_km" in query):
        return False
    return not _has_refused_control(query)


OWN_USER = os.environ.get("CONTRACT_OWN_USER_ID")
OWN_TOKEN = os.environ.get("CONTRACT_OWN_TOKEN_ID")


@schemathesis.hook
def filter_path_parameters(ctx, path_parameters):
    """Every operation runs, but never against the run's own account or token.

    Ending the national administrator's sessions or revoking the token that drives the run
    would turn every later request into 401 and test nothing more.
    """
    if _has_refused_control(path_parameters or {}):
        return False
    params = path_parameters or {}
    path = ctx.operation.path
    target = str(params.get("id"))
    if path.startswith("/api/v1/users/{id}") and target == OWN_USER:
        return False
    if path == "/api/v1/me/tokens/{id}" and target == OWN_TOKEN:
        return False
    return True
