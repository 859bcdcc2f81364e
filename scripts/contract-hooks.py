# Schemathesis hooks for scripts/contract (loaded through SCHEMATHESIS_HOOKS).
import schemathesis

# POST /api/v1/imports/activities.xlsx takes the spreadsheet itself as the body: send the
# generated value as raw bytes, as for application/octet-stream (schemathesis has no
# serializer of its own for this media type and would report an error instead of testing).
schemathesis.serializer.alias(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
)
