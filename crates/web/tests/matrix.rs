//! The authorisation matrix: one policy table says, for every operation of
//! `/api/openapi.json` (and every route of the API router) and every HTML route that changes
//! something, what each kind of person may do. The test builds one world, calls each row as
//! each column and compares; a route without a row fails `every_route_has_one_row`.
//!
//! Columns, in this order: anonymous; the activity's owner (a host); another host; a second
//! member of the owner's organisation; the county, city and province administrators of the
//! owner's area (湖滨区 411202, 三门峡市 411200, 河南省 410000) and of another area (陕州区
//! 411203, 洛阳市 410300, 陕西省 610000); a national administrator.
//!
//! Cells:
//! - `Y` allowed: 2xx or 3xx (or a refusal listed in the row's `accept`, which shows the
//!   authorisation passed; no row needs one so far);
//! - `C(n)` allowed, and the list or export holds `n` items;
//! - `D` denied: 401, 403 or 404 with the contract's error body and a Chinese message (an
//!   anonymous browser may instead be sent to `/login`);
//! - `H` hidden: reading another's object answers 404 (401 or 404 to the anonymous);
//! - `F` forbidden: exactly 403;
//! - `R(s)` authorised but refused with status `s` (a state the person may not act in).
//!
//! A denied or refused write must change nothing: the database is read before and after
//! (all but the audit trail, which records the refusal).
//!
//! The audit trail is read after each write cell: an administrator's allowed write leaves an
//! `ok` entry by that person, and a signed-in person's denied or refused write an entry
//! `denied` or `invalid` by them, each with the request's address and route (see
//! `audit_expectation`).
//! Allowed writes act on a fresh object each, so that every cell is independent: the cells
//! expected to be refused share one target, made once per row, and run first.
//!
//! Read rows run first, on the world as built, so that counts are exact. With
//! `KEPU_MATRIX_VERBOSE=1` every cell's answer is printed.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly where its setup does"
)]

#[path = "http/support.rs"]
#[allow(
    dead_code,
    reason = "the harness is shared with the http tests; this binary uses part of it"
)]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::http::{Method, Request, header};
use domain::role::Role;
use serde_json::{Value, json};
use store::testing::Backend;
use support::{TestApp, TestResponse, jpeg, png};

store::on_both_backends!(
    every_route_has_one_row,
    each_person_gets_what_the_table_says
);

/// A video passing the contest template's file rules (4 minutes, 1920×1080, made in 2025),
/// its payload's length from `n` so that no two are one work.
fn entry_video(n: u64) -> Vec<u8> {
    let mut v = app::fixtures::mp4(240, 1920, 1080, false, 1000 + usize::try_from(n).unwrap());
    app::fixtures::set_created(&mut v, 1_748_736_000);
    v
}

// ---------------------------------------------------------------------------------------
// The policy table.

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum E {
    /// Allowed.
    Y,
    /// Allowed, with this many items.
    C(i64),
    /// Denied: 401, 403 or 404.
    D,
    /// Hidden: 404 (reading another's object).
    H,
    /// Forbidden: exactly 403.
    F,
    /// Authorised, refused with this status (a wrong state), nothing changed.
    R(u16),
}
use E::{C, D, F, H, R, Y};

const ANON: usize = 0;
const OWNER: usize = 1;
const OTHER: usize = 2;
const COUNTY_IN: usize = 4;
const PROVINCE_IN: usize = 8;
const NATIONAL: usize = 10;

const COLUMNS: [&str; 11] = [
    "anonymous",
    "owner",
    "another host",
    "member of the owner's organisation",
    "county admin in scope",
    "county admin out of scope",
    "city admin in scope",
    "city admin out of scope",
    "province admin in scope",
    "province admin out of scope",
    "national admin",
];

/// The object a row acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fx {
    /// The path names no object.
    Nothing,
    // Objects of the world, made once.
    /// The current campaign.
    Campaign,
    /// The owner's organisation (certified, in 411202).
    Org,
    /// The owner's draft, with its poster.
    Draft,
    /// The owner's activity in province review.
    InReview,
    /// The owner's approved activity with a complete supplement and the unit's nomination.
    Approved,
    /// The draft's poster.
    DraftPoster,
    /// A photo of the approved activity's supplement.
    ApprovedPhoto,
    /// The evidence photo of the approved activity's supplement.
    ApprovedEvidence,
    /// The approved activity's nomination.
    Nomination,
    /// The owner's organisation's summary (`unit/{org}`).
    UnitSummary,
    /// The county's summary (`county/411202`).
    CountySummary,
    /// An attachment of the unit's summary.
    SummaryFile,
    // Made afresh: once for the cells expected to be refused, once for each allowed cell.
    /// A complete draft of the owner's, with its poster.
    NewDraft,
    /// An activity of the owner's in province review.
    NewInReview,
    /// An activity of the owner's in national review.
    NewInNationalReview,
    /// An approved activity of the owner's.
    NewApproved,
    /// An approved activity of the owner's with a complete supplement (eligible).
    NewEligible,
    /// An organisation applied for in 411202, pending.
    NewPendingOrg,
    /// A certified organisation in 411202 with the owner and the member as members.
    NewCertifiedOrg,
    /// A draft of the owner's naming the other host's organisation as co-host
    /// (`{org_id}`: that organisation).
    NewCoHosted,
    /// An unread notification of the owner's (a rejection).
    NewNotification,
    /// A second token of the owner's.
    NewToken,
    /// A quota on a new organisation in 411202, set by the national administrator.
    NewQuota,
    /// An attachment of the unit's summary.
    NewSummaryFile,
    /// An account that has logged in once (a token of its own).
    NewUser,
    /// Such an account, disabled by the national administrator.
    NewDisabledUser,
    /// Two venues in 411202 made by its county administrator (`{id}`, `{org_id}`; the
    /// first's display key as `{ref}`).
    NewVenue,
    /// A draft route in 411202 over two new venues.
    NewRoute,
    /// A draft video contest of 411202, made by its county administrator.
    NewContest,
    /// Such a contest, open for entries.
    NewOpenContest,
    /// The owner's draft entry (self-nominated, filled in) to a new open contest: `{id}` the
    /// contest, `{ref}` the entry, `{version}` the entry's.
    NewEntry,
    /// Such an entry with its video uploaded (`{org_id}`: the video).
    NewEntryWithVideo,
    /// Such an entry with its video and signed form uploaded and named, ready to submit.
    NewFilledEntry,
    /// Such an entry, submitted.
    NewSubmittedEntry,
    /// An open contest of 411202 (`{id}`) and an expert who is not on its panel (`{ref}`
    /// their account, `{org_id}` their organisation, in 410102).
    NewPanelCandidate,
    /// A contest of 411202 being judged (`{id}`), with an accepted entry (`{ref}`) of a
    /// person of no column, and that expert on its panel (`{org_id}`), assigned to it.
    NewAssignment,
    /// A contest of 411202 with a public vote open today and an accepted entry (`{ref}`).
    NewVotableEntry,
    /// Such a contest, judging closed (results may be published).
    NewClosedContest,
    /// Such a contest, its results in 公示.
    NewPublishedResults,
    /// Such a route, published.
    NewPublishedRoute,
    /// A published route and, as `{ref}`, the code its first venue (`{id}`) shows now.
    NewCheckinCode,
    /// A flagged check-in of the owner's (no location at a venue that asks for one).
    NewFlaggedCheckin,
    /// A route (`{id}`) the owner completed, and the owner's certificate (`{ref}`).
    NewCertificate,
    /// A 千万IP创科普 post of the owner's organisation.
    NewPost,
    /// A draft resource of the national campaign, without a file.
    NewResource,
    /// Such a draft with one file.
    NewResourceWithFile,
    /// Such a resource, published (`{ref}`: its file).
    NewPublishedResource,
    /// A 考评 scheme of 411202's units, made by its county administrator (`{org_id}`: the
    /// owner's organisation, one of its subjects).
    NewScheme,
}

impl Fx {
    fn fresh(self) -> bool {
        matches!(
            self,
            Fx::NewDraft
                | Fx::NewInReview
                | Fx::NewInNationalReview
                | Fx::NewApproved
                | Fx::NewEligible
                | Fx::NewPendingOrg
                | Fx::NewCertifiedOrg
                | Fx::NewCoHosted
                | Fx::NewNotification
                | Fx::NewToken
                | Fx::NewQuota
                | Fx::NewSummaryFile
                | Fx::NewUser
                | Fx::NewDisabledUser
                | Fx::NewVenue
                | Fx::NewRoute
                | Fx::NewContest
                | Fx::NewOpenContest
                | Fx::NewEntry
                | Fx::NewEntryWithVideo
                | Fx::NewFilledEntry
                | Fx::NewSubmittedEntry
                | Fx::NewPanelCandidate
                | Fx::NewAssignment
                | Fx::NewVotableEntry
                | Fx::NewClosedContest
                | Fx::NewPublishedResults
                | Fx::NewPublishedRoute
                | Fx::NewCheckinCode
                | Fx::NewFlaggedCheckin
                | Fx::NewCertificate
                | Fx::NewPost
                | Fx::NewResource
                | Fx::NewResourceWithFile
                | Fx::NewPublishedResource
                | Fx::NewScheme
        )
    }
}

/// What a request carries. In JSON and forms, `{n}` is a number unique in the run,
/// `{phone}` a phone never seen, `{me}` the caller's own phone (a new one for the
/// anonymous), `{id}` `{org_id}` `{version}` the target's, `{region}` an unused division
/// code; forms also carry the session's `_csrf`.
#[derive(Debug, Clone, Copy)]
enum B {
    None,
    Json(&'static str),
    /// `{phone, code}`, with a code just sent to a new phone.
    Code,
    /// Multipart: `kind=photo` and a JPEG.
    Photo,
    /// Multipart: a PNG file.
    File,
    /// Multipart: a square PNG (a venue's stamp image).
    StampImage,
    /// Multipart: `kind=video` and an MP4 passing the contest template's file rules.
    EntryVideo,
    /// The 活动项目汇总表 with one activity.
    Xlsx,
    /// Multipart: `org_id` (the target's `{id}`) and the posts' import table with one post.
    PostsTable,
    /// A URL-encoded form.
    Form(&'static str),
    /// Multipart form: `_csrf`, `kind=poster`, a 600×350 PNG.
    FormPoster,
    /// Multipart form: `_csrf`, `kind=photo`, a JPEG.
    FormPhoto,
    /// Multipart form: `_csrf` and the 活动项目汇总表 with one activity.
    FormTable,
    /// Multipart form: `_csrf` and the posts' import table with one post.
    FormPostsTable,
    /// The login form, from a new browser session of the caller's.
    Login,
    /// The logout form, from a new browser session of the caller's.
    Logout,
}

/// How a list or an export is counted.
#[derive(Debug, Clone, Copy)]
enum Cnt {
    No,
    /// `total` of a paged list.
    Total,
    /// A bare array's length.
    Len,
    /// `items` of an unpaged list.
    Items,
    /// VEVENTs of a calendar.
    Vevents,
    /// Rows of a spreadsheet below its header.
    XlsxRows,
    /// `by_status.approved` of the statistics.
    Approved,
}

/// How an answer says whether the call was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum J {
    /// By its status.
    Status,
    /// A bulk answer (200) with one result per item: `ok` says.
    BulkJson,
    /// A page answering a bulk form (200): the target's state says.
    BulkPage,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    /// The route as the router and the OpenAPI document name it.
    path: &'static str,
    /// The path called, when it differs (a query, an action).
    call: Option<&'static str>,
    at: Fx,
    body: B,
    count: Cnt,
    judge: J,
    /// Refusals that show the authorisation passed, accepted for `Y` cells.
    accept: &'static [u16],
    /// Another case of the same route; empty for the route's own row.
    variant: &'static str,
    cells: [E; 11],
}

const fn row(method: &'static str, path: &'static str, at: Fx, body: B, cells: [E; 11]) -> Row {
    Row {
        method,
        path,
        call: None,
        at,
        body,
        count: Cnt::No,
        judge: J::Status,
        accept: &[],
        variant: "",
        cells,
    }
}

impl Row {
    const fn call(self, call: &'static str) -> Row {
        Row {
            call: Some(call),
            ..self
        }
    }
    const fn count(self, count: Cnt) -> Row {
        Row { count, ..self }
    }
    const fn judge(self, judge: J) -> Row {
        Row { judge, ..self }
    }
    const fn variant(self, variant: &'static str) -> Row {
        Row { variant, ..self }
    }

    fn html(&self) -> bool {
        !(self.path.starts_with("/api/") || self.path == "/healthz")
    }

    fn name(&self) -> String {
        let mut name = format!("{} {}", self.method, self.call.unwrap_or(self.path));
        if !self.variant.is_empty() {
            name.push_str(&format!(" [{}]", self.variant));
        }
        name
    }
}

const GET: &str = "GET";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";

const ALL: [E; 11] = [Y; 11];
const SIGNED_IN: [E; 11] = [D, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y];
const OWNER_ONLY: [E; 11] = [D, Y, D, D, D, D, D, D, D, D, D];
const NATIONAL_ONLY: [E; 11] = [D, D, D, D, D, D, D, D, D, D, Y];
/// Administrators whose area covers 411202.
const ADMINS_IN_SCOPE: [E; 11] = [D, D, D, D, Y, D, Y, D, Y, D, Y];
/// The owner and the administrators in scope read it; nobody else learns it exists.
const OWNER_AND_SCOPE_READ: [E; 11] = [H, Y, H, H, Y, H, Y, H, Y, H, Y];
/// The same behind a login.
const OWNER_AND_SCOPE_READ_SIGNED: [E; 11] = [D, Y, H, H, Y, H, Y, H, Y, H, Y];
/// The host unit (owner and member) and the administrators in scope read it.
const UNIT_AND_SCOPE_READ: [E; 11] = [D, Y, H, Y, Y, H, Y, H, Y, H, Y];
/// The host unit and every level in scope act (推优).
const UNIT_AND_SCOPE_ACT: [E; 11] = [D, Y, D, Y, Y, D, Y, D, Y, D, Y];
/// The unit's members write it.
const UNIT_WRITES: [E; 11] = [D, Y, D, Y, D, D, D, D, D, D, D];
/// Administrators in scope read it; nobody else learns it exists.
const SCOPE_READ: [E; 11] = [H, H, H, H, Y, H, Y, H, Y, H, Y];

/// Who reads a scheme: the administrators of its area (those of the area below only once
/// it is published); to everyone else it does not exist.
const SCHEME_READ: [E; 11] = [D, H, H, H, Y, H, Y, H, Y, H, Y];

/// A scheme of 411202's units: one measured and one judged indicator.
const SCHEME: &str = r#"{"name": "矩阵考评{n}", "region_code": "411202", "subjects": "units", "indicators": [
    {"key": "volume", "name": "数量规模", "weight": 60, "kind": "measured", "measure": "approved"},
    {"key": "mobilisation", "name": "组织动员", "weight": 40, "kind": "judged"}]}"#;

#[rustfmt::skip]
const TABLE: &[Row] = &[
    //                                                                                              anon owner other member cIn cOut tIn tOut pIn pOut nat
    // --- System, regions, campaigns --------------------------------------------------------
    row(GET,    "/healthz", Fx::Nothing, B::None,                                                 ALL),
    row(GET,    "/api/openapi.json", Fx::Nothing, B::None,                                        ALL),
    // The national administrator also sees the nationwide entry of the campaign made at start.
    // The trail as built: each administrator also sees the grant of their own role, which the
    // command line made in their area; the national administrator sees the hosts' refused reads.
    row(GET,    "/api/v1/audit", Fx::Nothing, B::None,                                            [D, D, D, D, C(24), C(1), C(26), C(1), C(28), C(1), C(37)]).count(Cnt::Len),
    row(GET,    "/api/v1/audit-log", Fx::Nothing, B::None,                                        [D, D, D, D, C(4), C(0), C(4), C(0), C(4), C(0), C(4)]).call("/api/v1/audit-log?action=org.").count(Cnt::Total),
    row(GET,    "/api/v1/exports/audit-log.csv", Fx::Nothing, B::None,                            [D, D, D, D, Y, Y, Y, Y, Y, Y, Y]),
    row(GET,    "/api/v1/regions", Fx::Nothing, B::None,                                          ALL),
    row(POST,   "/api/v1/regions", Fx::Nothing,
        B::Json(r#"{"code": "{region}", "name": "矩阵测试区{n}", "parent_code": "411200"}"#),  NATIONAL_ONLY),
    row(GET,    "/api/v1/campaigns/current", Fx::Nothing, B::None,                                ALL),
    row(GET,    "/api/v1/campaigns/{id}", Fx::Campaign, B::None,                                  ALL),
    row(POST,   "/api/v1/campaigns", Fx::Nothing,
        B::Json(r#"{"year": 2027, "theme": "矩阵测试{n}", "sections": [{"key": "exhibition", "name": "千馆展览探未来"}],
                    "activity_from": "2027-08-01", "activity_to": "2027-09-30"}"#),             NATIONAL_ONLY),
    // --- Login, accounts, tokens ------------------------------------------------------------
    row(POST,   "/api/v1/auth/sms-codes", Fx::Nothing, B::Json(r#"{"phone": "{phone}"}"#),      ALL),
    row(POST,   "/api/v1/auth/sessions", Fx::Nothing, B::Code,                                    ALL),
    row(GET,    "/api/v1/me", Fx::Nothing, B::None,                                               SIGNED_IN),
    // Closing one's account, refused for the words: every signed-in person reaches the rule.
    row(POST,   "/api/v1/me/closure", Fx::Nothing, B::Json(r#"{"confirm": "注销"}"#),            [D, R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422)]),
    row(GET,    "/api/v1/me/tokens", Fx::Nothing, B::None,                                        SIGNED_IN),
    row(DELETE, "/api/v1/me/tokens/{id}", Fx::NewToken, B::None,                                  OWNER_ONLY),
    // A national administrator acts on any account (a throwaway one here).
    row(DELETE, "/api/v1/users/{id}/sessions", Fx::NewUser, B::None,                              NATIONAL_ONLY),
    row(POST,   "/api/v1/users/{id}/disable", Fx::NewUser, B::None,                               NATIONAL_ONLY),
    row(POST,   "/api/v1/users/{id}/enable", Fx::NewDisabledUser, B::None,                        NATIONAL_ONLY),
    row(GET,    "/api/v1/sms/watch", Fx::Nothing, B::None,                                        NATIONAL_ONLY),
    // --- Organisations ----------------------------------------------------------------------
    row(GET,    "/api/v1/orgs", Fx::Nothing, B::None,                                             [C(1); 11]).call("/api/v1/orgs?q=科技馆").count(Cnt::Len),
    row(GET,    "/api/v1/orgs/{id}", Fx::Org, B::None,                                            ALL),
    // A host's track record: its members and the administrators whose area holds it.
    row(GET,    "/api/v1/orgs/{id}/record", Fx::Org, B::None,                                     UNIT_AND_SCOPE_READ),
    row(POST,   "/api/v1/orgs", Fx::Nothing,
        B::Json(r#"{"name": "矩阵测试单位{n}", "kind": "other", "region_code": "411202"}"#),     SIGNED_IN),
    row(POST,   "/api/v1/orgs/{id}/certification", Fx::NewPendingOrg,
        B::Json(r#"{"decision": "approve"}"#),                                                    ADMINS_IN_SCOPE),
    // A member adds a colleague; so may an administrator of the organisation's area.
    row(POST,   "/api/v1/orgs/{id}/members", Fx::Org, B::Json(r#"{"phone": "{phone}"}"#),       [D, Y, D, Y, Y, D, Y, D, Y, D, Y]),
    // --- Activities ---------------------------------------------------------------------------
    row(POST,   "/api/v1/activities", Fx::Nothing, B::Json(r#"{"name": "矩阵测试草稿{n}"}"#),    SIGNED_IN),
    row(GET,    "/api/v1/activities/{id}", Fx::Draft, B::None,                                    OWNER_AND_SCOPE_READ),
    row(GET,    "/api/v1/activities/{id}", Fx::Approved, B::None,                                 ALL).variant("approved: public"),
    row(PATCH,  "/api/v1/activities/{id}", Fx::NewDraft, B::Json(r#"{"name": "改过的活动名称"}"#), OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/media", Fx::NewDraft, B::Photo,                          OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/submit", Fx::NewDraft, B::None,                          OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/withdraw", Fx::NewInReview, B::None,                     OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/copy", Fx::Approved, B::None,                            OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/hosts/{org_id}/confirmation", Fx::NewCoHosted, B::None,  [D, D, Y, D, D, D, D, D, D, D, D]),
    row(POST,   "/api/v1/activities/{id}/decisions", Fx::NewInReview,
        B::Json(r#"{"decision": "approve"}"#),                                                    [D, D, D, D, D, D, D, D, Y, D, R(409)]),
    row(POST,   "/api/v1/activities/{id}/decisions", Fx::NewInNationalReview,
        B::Json(r#"{"decision": "approve"}"#),                                                    [D, D, D, D, D, D, D, D, R(409), D, Y]).variant("national review"),
    row(GET,    "/api/v1/activities/{id}/history", Fx::Approved, B::None,                         [D, C(3), H, H, C(3), H, C(3), H, C(3), H, C(3)]).count(Cnt::Len),
    row(GET,    "/api/v1/activities/{id}/changes", Fx::InReview, B::None,                         OWNER_AND_SCOPE_READ_SIGNED),
    row(GET,    "/api/v1/my/activities", Fx::Nothing, B::None,                                    [D, C(4), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0)]).count(Cnt::Total),
    row(GET,    "/api/v1/review-queue", Fx::Nothing, B::None,                                     [D, D, D, D, C(0), C(0), C(0), C(0), C(1), C(0), C(1)]).count(Cnt::Total),
    // Review times: every administrator (the provinces of their area; none below a
    // province); anyone else is refused.
    row(GET,    "/api/v1/review-times", Fx::Nothing, B::None,                                    [D, F, F, F, Y, Y, Y, Y, Y, Y, Y]),
    // Urging a province: the nation only, and only once the review is overdue.
    row(POST,   "/api/v1/activities/{id}/review-reminder", Fx::NewInReview, B::None,             [D, F, F, F, F, F, F, F, F, F, R(409)]),
    // Administrators see a result per activity; anyone else is refused as a whole.
    row(POST,   "/api/v1/review-queue/decisions", Fx::NewInReview,
        B::Json(r#"{"ids": [{id}], "decision": "approve"}"#),                                     [D, F, F, F, D, D, D, D, Y, D, R(409)]).judge(J::BulkJson),
    row(GET,    "/api/v1/notifications", Fx::Nothing, B::None,                                    [D, C(3), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0)]).count(Cnt::Total),
    row(POST,   "/api/v1/notifications/{id}/read", Fx::NewNotification, B::None,                  OWNER_ONLY),
    // --- Media, the public list -----------------------------------------------------------------
    row(GET,    "/api/v1/media/{id}", Fx::DraftPoster, B::None,                                   OWNER_AND_SCOPE_READ),
    row(GET,    "/api/v1/media/{id}", Fx::ApprovedEvidence, B::None,                              OWNER_AND_SCOPE_READ).variant("evidence of turnout"),
    row(GET,    "/api/v1/media/{id}", Fx::ApprovedPhoto, B::None,                                 ALL).variant("photo of an approved activity"),
    row(GET,    "/api/v1/activities", Fx::Nothing, B::None,                                       [C(1); 11]).count(Cnt::Total),
    row(GET,    "/api/v1/activities.ics", Fx::Nothing, B::None,                                   [C(1); 11]).count(Cnt::Vevents),
    // --- After the activity ---------------------------------------------------------------------
    row(PUT,    "/api/v1/activities/{id}/supplement", Fx::NewApproved, B::Json(r#"{"participants": 30}"#), OWNER_ONLY),
    row(GET,    "/api/v1/activities/{id}/supplement", Fx::Approved, B::None,                      OWNER_AND_SCOPE_READ_SIGNED),
    row(PUT,    "/api/v1/activities/{id}/excellence-intent", Fx::NewApproved,
        B::Json(r#"{"intended": true}"#),                                                         OWNER_ONLY),
    row(POST,   "/api/v1/activities/{id}/nominations", Fx::NewEligible,
        B::Json(r#"{"opinion": "同意推荐"}"#),                                                    UNIT_AND_SCOPE_ACT),
    row(GET,    "/api/v1/activities/{id}/nominations", Fx::Approved, B::None,                     UNIT_AND_SCOPE_READ),
    row(POST,   "/api/v1/orgs/{id}/nominations", Fx::NewCertifiedOrg,
        B::Json(r#"{"opinion": "本单位组织得力"}"#),                                              UNIT_AND_SCOPE_ACT),
    row(GET,    "/api/v1/nominations", Fx::Nothing, B::None,                                      [D, D, D, D, C(1), C(0), C(1), C(0), C(1), C(0), C(1)]).count(Cnt::Total),
    row(GET,    "/api/v1/nominations/{id}", Fx::Nomination, B::None,                              UNIT_AND_SCOPE_READ),
    row(GET,    "/api/v1/nominations/{id}/form.xlsx", Fx::Nomination, B::None,                    UNIT_AND_SCOPE_READ),
    row(GET,    "/api/v1/stats", Fx::Nothing, B::None,                                            [D, D, D, D, C(1), D, C(1), D, C(1), D, C(1)]).call("/api/v1/stats?region=411202").count(Cnt::Approved),
    row(GET,    "/api/v1/stats", Fx::Nothing, B::None,                                            [D, D, D, D, Y, Y, Y, Y, Y, Y, Y]).variant("the caller's own area"),
    row(GET,    "/api/v1/stats.xlsx", Fx::Nothing, B::None,                                       ADMINS_IN_SCOPE).call("/api/v1/stats.xlsx?region=411202"),
    row(GET,    "/api/v1/exports/activities.xlsx", Fx::Nothing, B::None,                          [D, D, D, D, C(3), C(0), C(3), C(0), C(3), C(0), C(3)]).count(Cnt::XlsxRows),
    row(GET,    "/api/v1/exports/activities.xlsx", Fx::Nothing, B::None,                          [D, D, D, D, C(3), D, C(3), D, C(3), D, C(3)])
        .call("/api/v1/exports/activities.xlsx?region=411202").count(Cnt::XlsxRows).variant("411202 named"),
    row(POST,   "/api/v1/imports/activities.xlsx", Fx::Nothing, B::Xlsx,                         SIGNED_IN),
    row(POST,   "/api/v1/imports/activities/preview", Fx::Nothing, B::Xlsx,                      SIGNED_IN),
    row(GET,    "/api/v1/imports/activities-template.xlsx", Fx::Nothing, B::None,                 ALL),
    // "An association sets targets for the organisations or areas below it" (DESIGN.md §6):
    // an organisation of 411202 is below every administrator in scope; 411202 itself is not
    // below its own county.
    row(PUT,    "/api/v1/quotas", Fx::Org,
        B::Json(r#"{"target_kind": "org", "target_ref": {id}, "target": {n}}"#),                 ADMINS_IN_SCOPE),
    row(PUT,    "/api/v1/quotas", Fx::Nothing,
        B::Json(r#"{"target_kind": "region", "target_ref": "411202", "target": {n}}"#),          [D, D, D, D, D, D, Y, D, Y, D, Y]).variant("the county itself"),
    row(DELETE, "/api/v1/quotas/{id}", Fx::NewQuota, B::None,                                     ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/summaries", Fx::Nothing, B::None,                                        [D, D, D, D, C(3), D, C(3), D, C(3), D, C(3)]).call("/api/v1/summaries?region=411202").count(Cnt::Items),
    row(POST,   "/api/v1/summaries/reminders", Fx::Nothing, B::Json(r#"{"region": "411202"}"#),  ADMINS_IN_SCOPE),
    // A summary is read by those who write it and by the levels above (DESIGN.md §6).
    row(GET,    "/api/v1/summaries/{kind}/{ref}", Fx::UnitSummary, B::None,                       UNIT_AND_SCOPE_READ),
    row(GET,    "/api/v1/summaries/{kind}/{ref}", Fx::CountySummary, B::None,                     [D, H, H, H, Y, H, Y, H, Y, H, Y]).variant("county"),
    row(PUT,    "/api/v1/summaries/{kind}/{ref}", Fx::UnitSummary,
        B::Json(r#"{"key_activities": "举办活动{n}场"}"#),                                       UNIT_WRITES),
    row(PUT,    "/api/v1/summaries/{kind}/{ref}", Fx::CountySummary,
        B::Json(r#"{"key_activities": "举办活动{n}场"}"#),                                       [D, D, D, D, Y, D, D, D, D, D, D]).variant("county"),
    row(POST,   "/api/v1/summaries/{kind}/{ref}/files", Fx::UnitSummary, B::File,                UNIT_WRITES),
    row(GET,    "/api/v1/summary-files/{id}", Fx::SummaryFile, B::None,                           UNIT_AND_SCOPE_READ),
    row(DELETE, "/api/v1/summary-files/{id}", Fx::NewSummaryFile, B::None,                        UNIT_WRITES),
    // --- 考评 (411202's units) ---------------------------------------------------------------------
    row(POST,   "/api/v1/evaluation-schemes", Fx::Nothing, B::Json(SCHEME),                     ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/evaluation-schemes", Fx::Nothing, B::None,                              SIGNED_IN),
    row(GET,    "/api/v1/evaluation-schemes/{id}", Fx::NewScheme, B::None,                       SCHEME_READ),
    row(GET,    "/api/v1/evaluation-schemes/{id}/results", Fx::NewScheme, B::None,               SCHEME_READ),
    row(GET,    "/api/v1/evaluation-schemes/{id}/results.xlsx", Fx::NewScheme, B::None,          SCHEME_READ),
    row(GET,    "/api/v1/evaluation-schemes/{id}/counted", Fx::NewScheme, B::None,               SCHEME_READ)
        .call("/api/v1/evaluation-schemes/{id}/counted?subject=org:{org_id}&key=volume"),
    row(PUT,    "/api/v1/evaluation-schemes/{id}/judged", Fx::NewScheme,
        B::Json(r#"{"subject_org_id": {org_id}, "key": "mobilisation", "score": 80}"#),         SCHEME_READ),
    row(POST,   "/api/v1/evaluation-schemes/{id}/freeze", Fx::NewScheme, B::None,                SCHEME_READ),
    row(POST,   "/api/v1/evaluation-schemes/{id}/publish", Fx::NewScheme, B::None,               SCHEME_READ),
    row(POST,   "/evaluations", Fx::Nothing,
        B::Form("name=%E7%9F%A9%E9%98%B5%E8%80%83%E8%AF%84{n}&region_code=411202&subjects=units&indicators%5B0%5D.key=volume&indicators%5B0%5D.name=%E6%95%B0%E9%87%8F&indicators%5B0%5D.weight=100&indicators%5B0%5D.kind=measured&indicators%5B0%5D.measure=approved"),
        ADMINS_IN_SCOPE),
    row(POST,   "/evaluations/{id}/judged", Fx::NewScheme,
        B::Form("subject=org:{org_id}&score.mobilisation=80"),                                  SCHEME_READ),
    row(POST,   "/evaluations/{id}/freeze", Fx::NewScheme, B::Form(""),                          SCHEME_READ),
    row(POST,   "/evaluations/{id}/publish", Fx::NewScheme, B::Form(""),                         SCHEME_READ),
    // --- The video contest (411202) --------------------------------------------------------------
    row(POST,   "/api/v1/contests", Fx::Nothing,
        B::Json(r#"{"name": "矩阵比赛{n}", "region_code": "411202", "submit_from": "2026-08-28", "submit_to": "2026-09-15"}"#), ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests", Fx::Nothing, B::None,                                          ALL),
    row(GET,    "/api/v1/contests/{id}", Fx::NewOpenContest, B::None,                              ALL),
    row(GET,    "/api/v1/contests/{id}", Fx::NewContest, B::None,                                  SCOPE_READ).variant("draft"),
    row(PATCH,  "/api/v1/contests/{id}", Fx::NewContest, B::Json(r#"{"theme": "矩阵主题{n}"}"#), ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/contests/{id}/status", Fx::NewContest, B::Json(r#"{"status": "open"}"#), ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/contests/{id}/entries", Fx::NewOpenContest, B::Json(r#"{"title": "矩阵作品{n}"}"#), SIGNED_IN),
    row(GET,    "/api/v1/contests/{id}/entries", Fx::NewEntry, B::None,                            [D, C(1), C(0), C(0), C(1), C(0), C(1), C(0), C(1), C(0), C(1)]).count(Cnt::Total),
    row(GET,    "/api/v1/contests/{id}/entries/{eid}", Fx::NewEntry, B::None,                      OWNER_AND_SCOPE_READ_SIGNED).call("/api/v1/contests/{id}/entries/{ref}"),
    row(PATCH,  "/api/v1/contests/{id}/entries/{eid}", Fx::NewEntry, B::Json(r#"{"reach": "矩阵传播{n}"}"#), OWNER_ONLY).call("/api/v1/contests/{id}/entries/{ref}"),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/media", Fx::NewEntry, B::EntryVideo,          OWNER_ONLY).call("/api/v1/contests/{id}/entries/{ref}/media"),
    row(GET,    "/api/v1/contests/{id}/entries/{eid}/media/{mid}", Fx::NewEntryWithVideo, B::None, OWNER_AND_SCOPE_READ).call("/api/v1/contests/{id}/entries/{ref}/media/{org_id}"),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/submit", Fx::NewFilledEntry, B::None,         OWNER_ONLY).call("/api/v1/contests/{id}/entries/{ref}/submit"),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/withdraw", Fx::NewSubmittedEntry, B::None,    OWNER_ONLY).call("/api/v1/contests/{id}/entries/{ref}/withdraw"),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/screening", Fx::NewSubmittedEntry,
        B::Json(r#"{"decision": "accept"}"#),                                                     ADMINS_IN_SCOPE).call("/api/v1/contests/{id}/entries/{ref}/screening"),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/disqualify", Fx::NewSubmittedEntry,
        B::Json(r#"{"reason": "矩阵取消{n}"}"#),                                                 ADMINS_IN_SCOPE).call("/api/v1/contests/{id}/entries/{ref}/disqualify"),
    row(GET,    "/api/v1/contests/{id}/entries/{eid}/history", Fx::NewEntry, B::None,              OWNER_AND_SCOPE_READ_SIGNED).call("/api/v1/contests/{id}/entries/{ref}/history"),
    row(POST,   "/api/v1/contests/{id}/judges", Fx::NewPanelCandidate,
        B::Json(r#"{"user_id": {ref}, "org_id": {org_id}}"#),                                     ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/judges", Fx::NewAssignment, B::None,                        [D, D, D, D, C(1), D, C(1), D, C(1), D, C(1)]).count(Cnt::Len),
    row(POST,   "/api/v1/contests/{id}/assignments", Fx::NewAssignment, B::Json("{}"),            ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/assignments", Fx::NewAssignment, B::None,                   [D, D, D, D, C(1), D, C(1), D, C(1), D, C(1)]).count(Cnt::Len),
    row(DELETE, "/api/v1/contests/{id}/assignments/{judge_id}/{entry_id}", Fx::NewAssignment, B::None, ADMINS_IN_SCOPE).call("/api/v1/contests/{id}/assignments/{org_id}/{ref}"),
    // Only the assigned judge, who is in no column, may stand aside or score.
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/recusal", Fx::NewAssignment,
        B::Json(r#"{"reason": "矩阵回避"}"#),                                                    [D; 11]).call("/api/v1/contests/{id}/entries/{ref}/recusal"),
    row(PUT,    "/api/v1/contests/{id}/entries/{eid}/scores", Fx::NewAssignment,
        B::Json(r#"{"scores": {"scientific": 90}}"#),                                              [D; 11]).call("/api/v1/contests/{id}/entries/{ref}/scores"),
    row(GET,    "/api/v1/contests/{id}/results", Fx::NewClosedContest, B::None,                    SCOPE_READ).variant("draft"),
    row(GET,    "/api/v1/contests/{id}/results", Fx::NewPublishedResults, B::None,                 ALL),
    row(POST,   "/api/v1/contests/{id}/results", Fx::NewClosedContest, B::Json(r#"{"stage": "publicity"}"#), ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/showcase", Fx::NewPublishedResults, B::None,                ALL),
    row(POST,   "/api/v1/contests/{id}/entries/{eid}/votes", Fx::NewVotableEntry, B::None,
        // The administrators' tokens were issued, not earned by an SMS login: not verified.
        [D, Y, Y, Y, F, F, F, F, F, F, F]).call("/api/v1/contests/{id}/entries/{ref}/votes"),
    row(POST,   "/api/v1/contests/{id}/votes/void", Fx::NewVotableEntry,
        B::Json(r#"{"ip": "10.9.9.9", "reason": "矩阵作废{n}"}"#),                               ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/exports/entries.xlsx", Fx::NewClosedContest, B::None,       ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/exports/scores.xlsx", Fx::NewClosedContest, B::None,        ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/contests/{id}/exports/results.xlsx", Fx::NewClosedContest, B::None,       ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/me/reviews", Fx::Nothing, B::None,                                        [D, C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0), C(0)]).count(Cnt::Len),
    // --- Themed routes and check-in (411202) ----------------------------------------------------
    row(POST,   "/api/v1/venues", Fx::Nothing,
        B::Json(r#"{"name": "矩阵打卡点{n}", "address": "湖滨区", "region_code": "411202", "lon": 111.19, "lat": 34.77}"#), ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/venues/{id}", Fx::NewVenue, B::None,                                      ALL),
    row(PATCH,  "/api/v1/venues/{id}", Fx::NewVenue, B::Json(r#"{"name": "矩阵打卡点{n}"}"#),  ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/venues/{id}/code-secret", Fx::NewVenue, B::None,                          ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/venues/{id}/stamp-image", Fx::NewVenue, B::StampImage,                    ADMINS_IN_SCOPE),
    row(DELETE, "/api/v1/venues/{id}/stamp-image", Fx::NewVenue, B::None,                         ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/venues/{id}/code", Fx::NewVenue, B::None,                                 ALL).call("/api/v1/venues/{id}/code?key={ref}"),
    row(POST,   "/api/v1/routes", Fx::NewVenue,
        B::Json(r#"{"name": "矩阵线路{n}", "region_code": "411202", "stops": [{"venue_id": {id}}, {"venue_id": {org_id}}]}"#), ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/routes", Fx::Nothing, B::None,                                           ALL),
    row(GET,    "/api/v1/routes/{id}", Fx::NewPublishedRoute, B::None,                             ALL),
    row(GET,    "/api/v1/routes/{id}", Fx::NewRoute, B::None,                                      SCOPE_READ).variant("draft"),
    row(PATCH,  "/api/v1/routes/{id}", Fx::NewRoute, B::Json(r#"{"theme": "矩阵主题{n}"}"#),   ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/routes/{id}/publish", Fx::NewRoute, B::None,                              ADMINS_IN_SCOPE),
    row(POST,   "/api/v1/routes/{id}/close", Fx::NewPublishedRoute, B::None,                       ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/routes/{id}/checkins", Fx::NewPublishedRoute, B::None,                    ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/routes/{id}/checkins.xlsx", Fx::NewPublishedRoute, B::None,               ADMINS_IN_SCOPE),
    // The owner completed the route and asks again (the same certificate); nobody else has.
    row(POST,   "/api/v1/routes/{id}/certificate", Fx::NewCertificate,
        B::Json(r#"{"name": "矩阵用户"}"#),                                                       [D, Y, R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422)]),
    row(POST,   "/api/v1/checkins", Fx::NewCheckinCode, B::Json(r#"{"venue_id": {id}, "code": "{ref}"}"#), SIGNED_IN),
    row(POST,   "/api/v1/checkins/{id}/review", Fx::NewFlaggedCheckin,
        B::Json(r#"{"decision": "accept"}"#),                                                     ADMINS_IN_SCOPE),
    row(GET,    "/api/v1/me/stamps", Fx::Nothing, B::None,                                        SIGNED_IN),
    row(GET,    "/api/v1/certificates/{serial}", Fx::NewCertificate, B::None,                      ALL).call("/api/v1/certificates/{ref}"),
    row(POST,   "/api/v1/certificates/{serial}/revoke", Fx::NewCertificate,
        B::Json(r#"{"reason": "矩阵撤销"}"#),                                                     ADMINS_IN_SCOPE).call("/api/v1/certificates/{ref}/revoke"),
    // --- 千万IP创科普 online posts (the owner's organisation, 411202) -----------------------------
    // Every administrator exports their own area's posts (another area's export is theirs).
    row(GET,    "/api/v1/online-posts.xlsx", Fx::Nothing, B::None,                                [D, D, D, D, Y, Y, Y, Y, Y, Y, Y]),
    row(POST,   "/api/v1/online-posts", Fx::Org,
        B::Json(r#"{"platform": "douyin", "url": "https://www.douyin.com/video/{n}", "title": "矩阵作品{n}", "kind": "content",
                    "published_at": "2026-09-16T19:30:00+08:00", "hashtag_confirmed": true, "org_id": {id}}"#),  UNIT_WRITES),
    row(GET,    "/api/v1/online-posts", Fx::Nothing, B::None,                                     ALL),
    row(POST,   "/api/v1/online-posts/import", Fx::Org, B::PostsTable,                            UNIT_WRITES),
    row(PATCH,  "/api/v1/online-posts/{id}", Fx::NewPost, B::Json(r#"{"title": "矩阵作品{n}"}"#), UNIT_WRITES),
    row(DELETE, "/api/v1/online-posts/{id}", Fx::NewPost, B::None,                                UNIT_WRITES),
    row(POST,   "/api/v1/online-posts/{id}/moderation", Fx::NewPost,
        B::Json(r#"{"decision": "hide", "reason": "矩阵隐藏"}"#),                                 ADMINS_IN_SCOPE),
    // --- 宣传资源库 (the national campaign's: its administrator manages it; the provinces have
    // --- no campaign of their own in this world) -------------------------------------------------
    row(POST,   "/api/v1/resources", Fx::Nothing, B::Json(r#"{"kind": "logo", "title": "矩阵资源{n}"}"#),
                                                                                                  [D, D, D, D, D, D, D, D, R(422), R(422), Y]),
    row(GET,    "/api/v1/resources", Fx::Nothing, B::None,                                        ALL),
    row(GET,    "/api/v1/resources/{id}", Fx::NewPublishedResource, B::None,                      ALL),
    row(GET,    "/api/v1/resources/{id}", Fx::NewResource, B::None,                               [H, H, H, H, H, H, H, H, H, H, Y]).variant("draft"),
    row(DELETE, "/api/v1/resources/{id}", Fx::NewResource, B::None,                               NATIONAL_ONLY),
    row(POST,   "/api/v1/resources/{id}/files", Fx::NewResource, B::File,                         NATIONAL_ONLY),
    row(GET,    "/api/v1/resources/{id}/files/{fid}", Fx::NewPublishedResource, B::None,          ALL).call("/api/v1/resources/{id}/files/{ref}"),
    row(POST,   "/api/v1/resources/{id}/publish", Fx::NewResourceWithFile, B::None,               NATIONAL_ONLY),
    // --- HTML forms ---------------------------------------------------------------------------
    row(POST,   "/login", Fx::Nothing, B::Login,                                                  ALL),
    row(POST,   "/login/code", Fx::Nothing, B::Form("phone={me}"),                                ALL),
    row(POST,   "/logout", Fx::Nothing, B::Logout,                                                ALL),
    row(POST,   "/account/profile", Fx::Nothing, B::Form("name=矩阵用户{n}"),                      SIGNED_IN),
    row(POST,   "/account/close", Fx::Nothing, B::Form("confirm=注销"),                          [D, R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422)]),
    row(POST,   "/my/activities/new", Fx::Nothing, B::Form(""),                                   SIGNED_IN),
    row(POST,   "/my/import", Fx::Nothing, B::FormTable,                                          SIGNED_IN),
    // A previewed table is the previewer's own: a token not theirs finds nothing.
    row(POST,   "/my/import/confirm", Fx::Nothing,
        B::Form("token=00000000000000000000000000000000&on_duplicate=skip"),                     [D, H, H, H, H, H, H, H, H, H, H]),
    row(POST,   "/my/activities/{id}/edit", Fx::NewDraft,
        B::Form("version={version}&name=改过的活动&province=410000&city=411200&county=411202"),   OWNER_ONLY),
    row(POST,   "/my/activities/{id}/poster", Fx::NewDraft, B::FormPoster,                        OWNER_ONLY),
    row(POST,   "/my/activities/{id}/{action}", Fx::NewInReview, B::Form(""),                     OWNER_ONLY).call("/my/activities/{id}/withdraw"),
    row(POST,   "/my/activities/{id}/{action}", Fx::NewDraft, B::Form(""),                        OWNER_ONLY).call("/my/activities/{id}/submit").variant("submit"),
    row(POST,   "/my/activities/{id}/{action}", Fx::Approved, B::Form(""),                        OWNER_ONLY).call("/my/activities/{id}/copy").variant("copy"),
    row(POST,   "/my/activities/{id}/supplement", Fx::NewApproved, B::Form("participants=30"),    OWNER_ONLY),
    row(POST,   "/my/activities/{id}/supplement/media", Fx::NewApproved, B::FormPhoto,            OWNER_ONLY),
    row(POST,   "/nominations/activity/{id}", Fx::NewEligible, B::Form("opinion=同意推荐"),       UNIT_AND_SCOPE_ACT),
    row(POST,   "/routes/{id}/certificate", Fx::NewCertificate, B::Form("name=矩阵用户"),         [D, Y, R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422), R(422)]),
    // Each signed-in person posts for the first organisation they belong to (by now every one
    // has applied for one, in the row of POST /api/v1/orgs).
    row(POST,   "/online-ip", Fx::Nothing,
        B::Form("platform=douyin&url=https%3A%2F%2Fwww.douyin.com%2Fvideo%2F9{n}&title=矩阵作品{n}&kind=content&published_at=2026-09-16T19%3A30&hashtag_confirmed=true"),
                                                                                                  SIGNED_IN),
    row(POST,   "/online-ip/import", Fx::Nothing, B::FormPostsTable,                              SIGNED_IN),
    row(POST,   "/contests/{id}/entries", Fx::NewOpenContest, B::Form(""),                         SIGNED_IN),
    row(POST,   "/contests/{id}/entries/{eid}", Fx::NewEntry,
        B::Form("version={version}&action=save&title=矩阵作品{n}&entry_mode=self&pledge=1"),     OWNER_ONLY).call("/contests/{id}/entries/{ref}"),
    // Every browser column logged in by SMS, so every one may vote.
    row(POST,   "/contests/{id}/entries/{eid}/vote", Fx::NewVotableEntry, B::Form(""),            SIGNED_IN).call("/contests/{id}/entries/{ref}/vote"),
    row(POST,   "/contests/{id}/entries/{eid}/score", Fx::NewAssignment,
        B::Form("action=save&scientific=90"),                                                      [D; 11]).call("/contests/{id}/entries/{ref}/score"),
    row(POST,   "/contests/{id}/entries/{eid}/recusal", Fx::NewAssignment,
        B::Form("reason=矩阵回避"),                                                                [D; 11]).call("/contests/{id}/entries/{ref}/recusal"),
    // The contest's administration pages: the same commands, the same scope.
    row(POST,   "/contests/{id}/status", Fx::NewContest, B::Form("status=open"),                ADMINS_IN_SCOPE),
    row(POST,   "/contests/{id}/screening", Fx::NewSubmittedEntry,
        B::Form("entry_id={ref}&decision=accept"),                                                ADMINS_IN_SCOPE),
    row(POST,   "/contests/{id}/assignment", Fx::NewAssignment, B::Form("action=auto"),         ADMINS_IN_SCOPE),
    row(POST,   "/contests/{id}/scoring", Fx::NewClosedContest, B::Form("stage=publicity"),     ADMINS_IN_SCOPE),
    row(POST,   "/checkin", Fx::NewCheckinCode, B::Form("venue_id={id}&code={ref}"),              SIGNED_IN),
    row(POST,   "/routes/{id}/checkins/{checkin}/review", Fx::NewFlaggedCheckin,
        B::Form("decision=accept"),                                                               ADMINS_IN_SCOPE).call("/routes/{ref}/checkins/{id}/review"),
    row(POST,   "/resources", Fx::Nothing, B::Form("kind=logo&title=矩阵资源{n}"),              [D, D, D, D, D, D, D, D, R(422), R(422), Y]),
    row(POST,   "/resources/{id}/files", Fx::NewResource, B::FormPoster,                          NATIONAL_ONLY),
    row(POST,   "/resources/{id}/publish", Fx::NewResourceWithFile, B::Form(""),                  NATIONAL_ONLY),
    row(POST,   "/resources/{id}/delete", Fx::NewResource, B::Form("confirm=1"),                  NATIONAL_ONLY),
    row(POST,   "/review/decisions", Fx::NewInReview, B::Form("ids={id}&decision=approve"),       [D, D, D, D, D, D, D, D, Y, D, R(409)]).judge(J::BulkPage),
    row(POST,   "/review/{id}", Fx::NewInReview, B::Form("decision=approve"),                     [D, D, D, D, D, D, D, D, Y, D, R(409)]),
    row(POST,   "/review/{id}", Fx::NewInNationalReview, B::Form("decision=approve"),             [D, D, D, D, D, D, D, D, R(409), D, Y]).variant("national review"),
];

// ---------------------------------------------------------------------------------------
// Coverage: every route has its row.

/// The routes a router's source declares: `(METHOD, path)`, read from its `.route(…)` calls.
fn routes_in_source(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        // The call's text up to its closing parenthesis, string literals skipped.
        let (mut depth, mut end, mut in_string, mut escaped) = (1_i32, rest.len(), false, false);
        for (i, ch) in rest.char_indices() {
            if in_string {
                match (escaped, ch) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match ch {
                '"' => in_string = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &rest[..end];
        let Some(open) = call.find('"') else { continue };
        let Some(len) = call[open + 1..].find('"') else {
            continue;
        };
        let path = &call[open + 1..open + 1 + len];
        let handlers = strip_strings(&call[open + 2 + len..]);
        for method in ["get", "post", "put", "patch", "delete"] {
            let token = format!("{method}(");
            let mut from = 0;
            while let Some(i) = handlers[from..].find(&token) {
                let i = from + i;
                let before = handlers[..i].chars().next_back();
                if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                    out.push((method.to_uppercase(), path.to_owned()));
                    break;
                }
                from = i + token.len();
            }
        }
        rest = &rest[end..];
    }
    out
}

fn strip_strings(text: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for ch in text.chars() {
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if ch == '"' {
            in_string = true;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Every `(METHOD, path)` of the OpenAPI document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete", "head", "options"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

async fn every_route_has_one_row(backend: Backend) {
    let t = TestApp::new(backend).await;
    let doc = t.get("/api/openapi.json").await.json();
    let documented = operations(&doc);
    let api_router = routes_in_source(include_str!("../src/api/mod.rs"));
    let pages = routes_in_source(include_str!("../src/pages/mod.rs"));
    assert!(
        api_router.len() > 40 && pages.len() > 20,
        "the routers' sources were read: {api_router:?} {pages:?}"
    );
    let mut problems = Vec::new();
    for (method, path) in &api_router {
        if path != "/api/openapi.json" && !documented.contains(&(method.clone(), path.clone())) {
            problems.push(format!(
                "{method} {path} is routed but not in /api/openapi.json"
            ));
        }
    }
    let mut required: BTreeSet<(String, String)> = documented.clone();
    required.extend(api_router.iter().cloned());
    required.extend(pages.iter().filter(|(method, _)| method != "GET").cloned());
    let mut primary: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in TABLE {
        let key = (row.method.to_owned(), row.path.to_owned());
        if !required.contains(&key) {
            problems.push(format!(
                "row {} names no operation of the API nor an HTML route that changes something",
                row.name()
            ));
        }
        if row.variant.is_empty() {
            *primary.entry(key).or_default() += 1;
        }
    }
    for key in &required {
        match primary.get(key).copied().unwrap_or(0) {
            1 => {}
            0 => problems.push(format!(
                "{} {} has no row in the policy table",
                key.0, key.1
            )),
            n => problems.push(format!(
                "{} {} has {n} rows (one expected; others are variants)",
                key.0, key.1
            )),
        }
    }
    println!(
        "[{backend:?}] coverage: {} API operations, {} HTML routes that change something, {} rows",
        documented.len(),
        pages.iter().filter(|(m, _)| m != "GET").count(),
        TABLE.len()
    );
    assert!(problems.is_empty(), "coverage:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The world.

const OWNER_PHONE: &str = "13800138000";
const MEMBER_PHONE: &str = "13800138001";
const OTHER_PHONE: &str = "13800138002";

struct Person {
    phone: &'static str,
    token: Option<String>,
    /// A signed-in browser session: cookie and CSRF token.
    browser: Option<(String, String)>,
}

/// What a target puts into a path and a body.
#[derive(Debug, Clone, Default)]
struct Vars {
    id: i64,
    org_id: i64,
    version: i64,
    kind: String,
    reference: String,
}

struct World {
    t: TestApp,
    people: Vec<Person>,
    org: i64,
    other_org: i64,
    campaign: i64,
    draft: i64,
    draft_poster: i64,
    review: i64,
    approved: i64,
    approved_photo: i64,
    approved_evidence: i64,
    nomination: i64,
    summary_file: i64,
    counter: AtomicU64,
}

fn complete(org: i64, name: &str) -> Value {
    json!({
        "name": name,
        "section": "exhibition",
        "start": "2026-09-15T19:00:00+08:00",
        "end": "2026-09-15T21:30:00+08:00",
        "region_code": "411202",
        "address": "三门峡市湖滨区科技馆三楼",
        "mode": "offline",
        "venue_type": "科技馆",
        "audiences": ["青少年", "社会公众"],
        "expected_participants": 120,
        "details": "<p>带领青少年认识秋季星空。</p>",
        "funding_yuan": 3500,
        "scientist_count": 3,
        "scientists": [{"name": "李天文", "title": "研究员", "unit": "紫金山天文台"}],
        "contact_name": "王老师",
        "contact_phone": "0398-2812345",
        "hosts": [org]
    })
}

/// What a request carries.
enum Payload {
    Empty,
    Json(Value),
    Form(String),
    Multipart(Vec<(String, String)>, Option<(&'static str, Vec<u8>)>),
    Bytes(Vec<u8>),
}

enum Auth<'a> {
    Nobody,
    Bearer(&'a str),
    Cookie(&'a str),
}

/// Percent-encodes what is not ASCII (Chinese in queries and forms).
fn encode_non_ascii(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                urlencoding::encode(&c.to_string()).into_owned()
            }
        })
        .collect()
}

async fn send(
    t: &TestApp,
    method: &str,
    path: &str,
    auth: Auth<'_>,
    payload: Payload,
    if_match: Option<i64>,
) -> TestResponse {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut builder = Request::builder()
        .method(method)
        .uri(encode_non_ascii(path));
    match auth {
        Auth::Nobody => {}
        Auth::Bearer(token) => {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        Auth::Cookie(cookie) => {
            builder = builder.header(header::COOKIE, format!("kepu_session={cookie}"));
        }
    }
    if let Some(v) = if_match {
        builder = builder.header(header::IF_MATCH, v.to_string());
    }
    let body = match payload {
        Payload::Empty => Body::empty(),
        Payload::Json(v) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        Payload::Form(text) => {
            builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(encode_non_ascii(&text))
        }
        Payload::Bytes(bytes) => {
            builder = builder.header(header::CONTENT_TYPE, "application/octet-stream");
            Body::from(bytes)
        }
        Payload::Multipart(fields, file) => {
            let boundary = "kepu-matrix-boundary-7MA4YWxkTrZu0gW";
            let mut body = Vec::new();
            for (name, value) in fields {
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            if let Some((filename, bytes)) = file {
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(&bytes);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            builder = builder.header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
            Body::from(body)
        }
    };
    t.send("127.0.0.1", builder.body(body).unwrap()).await
}

fn csrf_of(page: &TestResponse) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.text.find(marker).expect("page has a CSRF field") + marker.len();
    page.text[start..].split('"').next().unwrap().to_owned()
}

/// A visitor's browser: the session the login page starts, and its CSRF token.
async fn visitor(t: &TestApp) -> (String, String) {
    let login = t.get("/login").await;
    (
        login.session_cookie().expect("a visitor's session"),
        csrf_of(&login),
    )
}

/// Signs in through the login forms as a person would; answers the session and its token.
async fn sign_in(t: &TestApp, phone: &str) -> (String, String) {
    let (cookie, csrf) = visitor(t).await;
    tick(t);
    let sent = send(
        t,
        POST,
        "/login/code",
        Auth::Cookie(&cookie),
        Payload::Form(format!("phone={phone}&_csrf={csrf}")),
        None,
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let code = t.last_code(phone);
    let logged_in = send(
        t,
        POST,
        "/login",
        Auth::Cookie(&cookie),
        Payload::Form(format!("phone={phone}&code={code}&_csrf={csrf}")),
        None,
    )
    .await;
    let session = logged_in
        .session_cookie()
        .unwrap_or_else(|| panic!("signed in: {} {}", logged_in.status, logged_in.text));
    let profile = send(
        t,
        GET,
        "/account/profile",
        Auth::Cookie(&session),
        Payload::Empty,
        None,
    )
    .await;
    (session.clone(), csrf_of(&profile))
}

/// Moves the clock a second: codes sent to one phone at the same instant would tie for
/// "the latest".
fn tick(t: &TestApp) {
    t.clock.advance(chrono::Duration::seconds(1));
}

/// Logs in through the API; answers the bearer token.
async fn api_login(t: &TestApp, phone: &str) -> String {
    tick(t);
    let sent = t
        .post("/api/v1/auth/sms-codes", None, json!({"phone": phone}))
        .await;
    assert_eq!(sent.status, 202, "{}", sent.text);
    let code = t.last_code(phone);
    let session = t
        .post(
            "/api/v1/auth/sessions",
            None,
            json!({"phone": phone, "code": code}),
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.text);
    session.json()["token"].as_str().unwrap().to_owned()
}

impl World {
    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn fresh_phone(&self) -> String {
        format!("1370000{:04}", self.next())
    }

    fn token(&self, col: usize) -> &str {
        self.people[col]
            .token
            .as_deref()
            .expect("a signed-in column")
    }

    /// A call as `col` through the API that must succeed; answers its JSON.
    async fn ok(&self, col: usize, method: &str, path: &str, body: Option<Value>) -> Value {
        let payload = body.map_or(Payload::Empty, Payload::Json);
        let r = send(
            &self.t,
            method,
            path,
            Auth::Bearer(self.token(col)),
            payload,
            None,
        )
        .await;
        assert!(
            r.status.is_success(),
            "setup {method} {path} as {}: {} {}",
            COLUMNS[col],
            r.status,
            r.text
        );
        if r.text.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    }

    /// A resource of the national campaign (with a file, published): its id and its file's.
    async fn resource(&self, with_file: bool, published: bool) -> (i64, i64) {
        let n = self.next();
        let r = self
            .ok(
                NATIONAL,
                POST,
                "/api/v1/resources",
                Some(json!({"kind": "logo", "title": format!("矩阵资源{n}")})),
            )
            .await;
        let id = r["id"].as_i64().unwrap();
        let mut file = 0;
        if with_file {
            let up = self
                .t
                .multipart(
                    self.token(NATIONAL),
                    &format!("/api/v1/resources/{id}/files"),
                    &[],
                    "标识.png",
                    png(40, 30),
                )
                .await;
            assert_eq!(up.status.as_u16(), 201, "{}", up.text);
            file = up.json()["id"].as_i64().unwrap();
        }
        if published {
            self.ok(
                NATIONAL,
                POST,
                &format!("/api/v1/resources/{id}/publish"),
                None,
            )
            .await;
        }
        (id, file)
    }

    async fn upload(&self, activity: i64, kind: &str, bytes: Vec<u8>) -> i64 {
        let r = send(
            &self.t,
            POST,
            &format!("/api/v1/activities/{activity}/media"),
            Auth::Bearer(self.token(OWNER)),
            Payload::Multipart(
                vec![
                    ("kind".into(), kind.into()),
                    ("consent".into(), "adults".into()),
                ],
                Some(("f.png", bytes)),
            ),
            None,
        )
        .await;
        assert_eq!(r.status, 201, "upload: {}", r.text);
        r.json()["id"].as_i64().unwrap()
    }

    /// A complete draft of the owner's with its poster: (id, version).
    async fn ready(&self, extra: Value) -> (i64, i64) {
        let mut body = complete(self.org, &format!("矩阵测试活动{}", self.next()));
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let made = self.ok(OWNER, POST, "/api/v1/activities", Some(body)).await;
        let id = made["id"].as_i64().unwrap();
        let poster = self.upload(id, "poster", png(600, 350)).await;
        let r = self
            .t
            .patch(
                self.token(OWNER),
                &format!("/api/v1/activities/{id}"),
                Some(made["version"].as_i64().unwrap()),
                json!({"poster": poster}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        (id, r.json()["version"].as_i64().unwrap())
    }

    async fn decide(&self, col: usize, id: i64, body: Value) -> Value {
        self.ok(
            col,
            POST,
            &format!("/api/v1/activities/{id}/decisions"),
            Some(body),
        )
        .await
    }

    /// An activity of the owner's in province review.
    async fn in_review(&self) -> (i64, i64) {
        let (id, _) = self.ready(json!({})).await;
        let r = self
            .ok(
                OWNER,
                POST,
                &format!("/api/v1/activities/{id}/submit"),
                None,
            )
            .await;
        assert_eq!(r["status"], "province_review");
        (id, r["version"].as_i64().unwrap())
    }

    async fn in_national_review(&self) -> (i64, i64) {
        let (id, _) = self.in_review().await;
        let r = self
            .decide(PROVINCE_IN, id, json!({"decision": "approve"}))
            .await;
        assert_eq!(r["status"], "national_review");
        (id, r["version"].as_i64().unwrap())
    }

    async fn approved_activity(&self) -> (i64, i64) {
        let (id, _) = self.in_national_review().await;
        let r = self
            .decide(NATIONAL, id, json!({"decision": "approve"}))
            .await;
        assert_eq!(r["status"], "approved");
        (id, r["version"].as_i64().unwrap())
    }

    /// An approved activity with a complete supplement: (id, a photo, the evidence).
    async fn eligible(&self) -> (i64, i64, i64) {
        let (id, _) = self.approved_activity().await;
        let mut photos = Vec::new();
        for _ in 0..3 {
            photos.push(self.upload(id, "photo", jpeg(800, 600)).await);
        }
        let evidence = self.upload(id, "evidence", jpeg(800, 600)).await;
        let s = self
            .ok(
                OWNER,
                PUT,
                &format!("/api/v1/activities/{id}/supplement"),
                Some(json!({
                    "participants": 120,
                    "media_links": ["https://news.example.cn/kepu/1"],
                    "photos": photos,
                    "videos": [],
                    "evidence_photo": evidence,
                    "summary": {"basic": "到场青少年120人", "outcomes": "激发兴趣", "highlights": "天文望远镜观测",
                                "resources": "讲义一份", "lessons": "提前预约"}
                })),
            )
            .await;
        assert_eq!(s["complete"], true, "{s}");
        (id, photos[0], evidence)
    }

    async fn new_org(&self, col: usize) -> i64 {
        let n = self.next();
        self.ok(
            col,
            POST,
            "/api/v1/orgs",
            Some(json!({"name": format!("矩阵目标单位{n}"), "kind": "other", "region_code": "411202"})),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    async fn new_user(&self) -> i64 {
        let token = api_login(&self.t, &self.fresh_phone()).await;
        self.t.get_as(&token, "/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap()
    }

    async fn summary_file_of_unit(&self) -> i64 {
        let r = send(
            &self.t,
            POST,
            &format!("/api/v1/summaries/unit/{}/files", self.org),
            Auth::Bearer(self.token(OWNER)),
            Payload::Multipart(
                vec![("consent".to_owned(), "adults".to_owned())],
                Some(("现场.png", png(80, 60))),
            ),
            None,
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_i64().unwrap()
    }

    /// The code a venue's screen shows now.
    fn code_now(&self, secret: &[u8]) -> String {
        let now = self.t.app.clock.now().timestamp();
        domain::totp::code(secret, domain::totp::step_at(now, 30), 6)
    }

    /// A venue in 411202 made by its county administrator: (id, display key).
    async fn venue(&self, mode: &str) -> (i64, String) {
        let n = self.next();
        let v = self
            .ok(
                COUNTY_IN,
                POST,
                "/api/v1/venues",
                Some(json!({"name": format!("矩阵打卡点{n}"), "address": "湖滨区", "region_code": "411202",
                            "lon": 111.19, "lat": 34.77, "geofence": {"mode": mode}})),
            )
            .await;
        let key = v["display_url"]
            .as_str()
            .unwrap()
            .split("key=")
            .nth(1)
            .unwrap()
            .to_owned();
        (v["id"].as_i64().unwrap(), key)
    }

    /// A video contest of 411202 (opened when asked): (id, version).
    async fn contest(&self, open: bool) -> (i64, i64) {
        let n = self.next();
        let today = self.t.app.clock.now().date_naive();
        let c = self
            .ok(
                COUNTY_IN,
                POST,
                "/api/v1/contests",
                Some(
                    json!({"name": format!("矩阵比赛{n}"), "region_code": "411202",
                            "submit_from": today.to_string(),
                            "submit_to": (today + chrono::Duration::days(20)).to_string()}),
                ),
            )
            .await;
        let id = c["id"].as_i64().unwrap();
        if !open {
            return (id, c["version"].as_i64().unwrap());
        }
        let c = self
            .ok(
                COUNTY_IN,
                POST,
                &format!("/api/v1/contests/{id}/status"),
                Some(json!({"status": "open"})),
            )
            .await;
        (id, c["version"].as_i64().unwrap())
    }

    /// The owner's self-nominated entry to a new open contest of 411202, filled in; with
    /// its video (`stage` ≥ 1), its signed form named (≥ 2), submitted (3).
    async fn entry(&self, stage: u8) -> Vars {
        let (contest, _) = self.contest(true).await;
        let n = self.next();
        let base = format!("/api/v1/contests/{contest}/entries");
        let e = self
            .ok(
                OWNER,
                POST,
                &base,
                Some(json!({"title": format!("矩阵作品{n}"), "field": "生态保护", "entry_mode": "self",
                            "person_name": "刘莎", "region_code": "411202", "contact_name": "刘莎",
                            "contact_phone": "13900000301", "introduction": "矩阵简介", "innovation": "矩阵创新",
                            "reach": "矩阵传播", "pledge": true, "authors": [{"name": "刘莎"}]})),
            )
            .await;
        let id = e["id"].as_i64().unwrap();
        let mut version = e["version"].as_i64().unwrap();
        let mut video = 0;
        let upload = |kind: &'static str, name: &'static str, bytes: Vec<u8>| {
            let path = format!("{base}/{id}/media");
            async move {
                let r = self
                    .t
                    .multipart(self.token(OWNER), &path, &[("kind", kind)], name, bytes)
                    .await;
                assert_eq!(r.status.as_u16(), 201, "{}", r.text);
                r.json()["id"].as_i64().unwrap()
            }
        };
        if stage >= 1 {
            video = upload("video", "作品.mp4", entry_video(n)).await;
        }
        if stage >= 2 {
            let form = upload("signed_form", "报名表.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()).await;
            let r = self
                .t
                .patch(
                    self.token(OWNER),
                    &format!("{base}/{id}"),
                    Some(version),
                    json!({"video": video, "signed_form": form}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            version = r.json()["version"].as_i64().unwrap();
        }
        if stage >= 3 {
            self.ok(OWNER, POST, &format!("{base}/{id}/submit"), None)
                .await;
        }
        Vars {
            id: contest,
            org_id: video,
            version,
            reference: id.to_string(),
            ..Vars::default()
        }
    }

    /// An accepted self-nominated entry to `contest`, of a person of no column.
    async fn accepted_entry(&self, contest: i64, n: u64) -> i64 {
        let entrant = self.t.log_in(&self.fresh_phone()).await;
        let base = format!("/api/v1/contests/{contest}/entries");
        let e = self
            .t
            .post(&base, Some(&entrant), json!({"title": format!("矩阵评审作品{n}"), "field": "生态保护", "entry_mode": "self",
                "person_name": "刘莎", "region_code": "411202", "contact_name": "刘莎", "contact_phone": "13900000301",
                "introduction": "矩阵简介", "innovation": "矩阵创新", "reach": "矩阵传播", "pledge": true, "authors": [{"name": "刘莎"}]}))
            .await
            .json();
        let id = e["id"].as_i64().unwrap();
        let mut ids = Vec::new();
        for (kind, name, bytes) in [
            ("video", "作品.mp4", entry_video(n)),
            ("signed_form", "报名表.pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
        ] {
            let r = self
                .t
                .multipart(
                    &entrant,
                    &format!("{base}/{id}/media"),
                    &[("kind", kind)],
                    name,
                    bytes,
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "{}", r.text);
            ids.push(r.json()["id"].as_i64().unwrap());
        }
        let r = self
            .t
            .patch(
                &entrant,
                &format!("{base}/{id}"),
                Some(1),
                json!({"video": ids[0], "signed_form": ids[1]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = self
            .t
            .post(&format!("{base}/{id}/submit"), Some(&entrant), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        self.ok(
            COUNTY_IN,
            POST,
            &format!("{base}/{id}/screening"),
            Some(json!({"decision": "accept"})),
        )
        .await;
        id
    }

    /// A contest of 411202 in `status` (`open`, `judging`, `closed` or `publicity`: closed
    /// with its results in 公示) with a public vote open today and an accepted entry:
    /// `{id}` the contest, `{ref}` the entry.
    async fn judged_contest(&self, status: &str) -> Vars {
        let n = self.next();
        let today = self.t.app.clock.now().date_naive();
        let c = self
            .ok(
                COUNTY_IN,
                POST,
                "/api/v1/contests",
                Some(json!({"name": format!("矩阵投票比赛{n}"), "region_code": "411202",
                            "submit_from": today.to_string(), "submit_to": (today + chrono::Duration::days(20)).to_string(),
                            "public_vote": {"weight": 10, "from": today.to_string(), "to": (today + chrono::Duration::days(20)).to_string(),
                                            "per_entry_per_day": 1, "per_day": 5}})),
            )
            .await;
        let contest = c["id"].as_i64().unwrap();
        let path = format!("/api/v1/contests/{contest}/status");
        self.ok(COUNTY_IN, POST, &path, Some(json!({"status": "open"})))
            .await;
        let entry = self.accepted_entry(contest, n).await;
        if status != "open" {
            self.ok(COUNTY_IN, POST, &path, Some(json!({"status": "judging"})))
                .await;
        }
        if matches!(status, "closed" | "publicity") {
            self.ok(COUNTY_IN, POST, &path, Some(json!({"status": "closed"})))
                .await;
        }
        if status == "publicity" {
            self.ok(
                COUNTY_IN,
                POST,
                &format!("/api/v1/contests/{contest}/results"),
                Some(json!({"stage": "publicity"})),
            )
            .await;
        }
        Vars {
            id: contest,
            reference: entry.to_string(),
            ..Vars::default()
        }
    }

    /// An open contest of 411202 and an expert of 410102 with their organisation; with
    /// `assigned`, the contest judged, an accepted entry of a person of no column, and the
    /// expert on the panel, assigned to it.
    async fn panel(&self, assigned: bool) -> Vars {
        let (contest, _) = self.contest(true).await;
        let n = self.next();
        let expert = self
            .t
            .user(&self.fresh_phone(), "矩阵专家", Role::Expert, None)
            .await;
        let user = self.t.get_as(&expert, "/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap();
        let org = self.t.post("/api/v1/orgs", Some(&expert), json!({"name": format!("矩阵评审单位{n}"), "kind": "other", "region_code": "410102"})).await;
        assert_eq!(org.status.as_u16(), 201, "{}", org.text);
        let org = org.json()["id"].as_i64().unwrap();
        if !assigned {
            return Vars {
                id: contest,
                org_id: org,
                reference: user.to_string(),
                ..Vars::default()
            };
        }
        let id = self.accepted_entry(contest, n).await;
        let judge = self
            .ok(
                COUNTY_IN,
                POST,
                &format!("/api/v1/contests/{contest}/judges"),
                Some(json!({"user_id": user, "org_id": org})),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        self.ok(
            COUNTY_IN,
            POST,
            &format!("/api/v1/contests/{contest}/status"),
            Some(json!({"status": "judging"})),
        )
        .await;
        let a = self
            .ok(
                COUNTY_IN,
                POST,
                &format!("/api/v1/contests/{contest}/assignments"),
                Some(json!({})),
            )
            .await;
        assert_eq!(a["assignments"].as_array().map(Vec::len), Some(1), "{a}");
        Vars {
            id: contest,
            org_id: judge,
            reference: id.to_string(),
            ..Vars::default()
        }
    }

    /// A route in 411202 over two new venues (the first in geofence `mode`), published when
    /// asked: ((id, version), the first venue, the code it shows now).
    async fn route(&self, publish: bool, mode: &str) -> ((i64, i64), i64, String) {
        let (a, _) = self.venue(mode).await;
        let (b, _) = self.venue("off").await;
        let n = self.next();
        let r = self
            .ok(
                COUNTY_IN,
                POST,
                "/api/v1/routes",
                Some(json!({"name": format!("矩阵线路{n}"), "region_code": "411202", "from": "2026-06-01", "to": "2026-12-31",
                            "anti_abuse": {"max_checkins_per_day": 500}, "stops": [{"venue_id": a}, {"venue_id": b}]})),
            )
            .await;
        let id = r["id"].as_i64().unwrap();
        let mut version = r["version"].as_i64().unwrap();
        if publish {
            version = self
                .ok(
                    COUNTY_IN,
                    POST,
                    &format!("/api/v1/routes/{id}/publish"),
                    None,
                )
                .await["version"]
                .as_i64()
                .unwrap();
        }
        let rotated = self
            .ok(
                COUNTY_IN,
                POST,
                &format!("/api/v1/venues/{a}/code-secret"),
                None,
            )
            .await;
        let secret = domain::totp::from_base32(rotated["code_secret"].as_str().unwrap()).unwrap();
        ((id, version), a, self.code_now(&secret))
    }

    /// The target of a row: the world's object, or a new one.
    async fn make(&self, at: Fx) -> Vars {
        let id = |id: i64| Vars {
            id,
            ..Vars::default()
        };
        let versioned = |(id, version): (i64, i64)| Vars {
            id,
            version,
            ..Vars::default()
        };
        match at {
            Fx::Nothing => Vars::default(),
            Fx::Campaign => id(self.campaign),
            Fx::Org => id(self.org),
            Fx::Draft => id(self.draft),
            Fx::InReview => id(self.review),
            Fx::Approved => id(self.approved),
            Fx::DraftPoster => id(self.draft_poster),
            Fx::ApprovedPhoto => id(self.approved_photo),
            Fx::ApprovedEvidence => id(self.approved_evidence),
            Fx::Nomination => id(self.nomination),
            Fx::UnitSummary => Vars {
                kind: "unit".into(),
                reference: self.org.to_string(),
                ..Vars::default()
            },
            Fx::CountySummary => Vars {
                kind: "county".into(),
                reference: "411202".into(),
                ..Vars::default()
            },
            Fx::SummaryFile => id(self.summary_file),
            Fx::NewDraft => versioned(self.ready(json!({})).await),
            Fx::NewInReview => versioned(self.in_review().await),
            Fx::NewInNationalReview => versioned(self.in_national_review().await),
            Fx::NewApproved => versioned(self.approved_activity().await),
            Fx::NewEligible => id(self.eligible().await.0),
            Fx::NewPendingOrg => id(self.new_org(OWNER).await),
            Fx::NewCertifiedOrg => {
                let org = self.new_org(OWNER).await;
                self.ok(
                    OWNER,
                    POST,
                    &format!("/api/v1/orgs/{org}/members"),
                    Some(json!({"phone": MEMBER_PHONE})),
                )
                .await;
                self.ok(
                    NATIONAL,
                    POST,
                    &format!("/api/v1/orgs/{org}/certification"),
                    Some(json!({"decision": "approve"})),
                )
                .await;
                id(org)
            }
            Fx::NewCoHosted => {
                let (activity, version) = self.ready(json!({"co_hosts": [self.other_org]})).await;
                Vars {
                    id: activity,
                    org_id: self.other_org,
                    version,
                    ..Vars::default()
                }
            }
            Fx::NewNotification => {
                let (activity, _) = self.in_review().await;
                self.decide(
                    PROVINCE_IN,
                    activity,
                    json!({"decision": "reject", "reason": "地址不够具体"}),
                )
                .await;
                let notes = self.ok(OWNER, GET, "/api/v1/notifications", None).await;
                assert_eq!(notes["items"][0]["activity_id"], activity, "{notes}");
                assert_eq!(notes["items"][0]["read"], false, "{notes}");
                id(notes["items"][0]["id"].as_i64().unwrap())
            }
            Fx::NewToken => {
                let owner = self.ok(OWNER, GET, "/api/v1/me", None).await["id"]
                    .as_i64()
                    .unwrap();
                self.t.app.issue_token(owner, "备用", None).await.unwrap();
                let tokens = self.ok(OWNER, GET, "/api/v1/me/tokens", None).await;
                id(tokens
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|t| t["id"].as_i64())
                    .max()
                    .unwrap())
            }
            Fx::NewQuota => {
                let org = self.new_org(OTHER).await;
                let q = self
                    .ok(
                        NATIONAL,
                        PUT,
                        "/api/v1/quotas",
                        Some(json!({"target_kind": "org", "target_ref": org, "target": 2})),
                    )
                    .await;
                id(q["id"].as_i64().unwrap_or_else(|| panic!("quota id: {q}")))
            }
            Fx::NewSummaryFile => id(self.summary_file_of_unit().await),
            Fx::NewPost => {
                let n = self.next();
                let p = self
                    .ok(
                        OWNER,
                        POST,
                        "/api/v1/online-posts",
                        Some(json!({"platform": "douyin", "url": format!("https://www.douyin.com/video/8{n}"), "title": format!("矩阵作品{n}"),
                                    "kind": "content", "published_at": "2026-09-16T19:30:00+08:00", "hashtag_confirmed": true, "org_id": self.org})),
                    )
                    .await;
                id(p["id"].as_i64().unwrap())
            }
            Fx::NewScheme => {
                let n = self.next();
                let made = self
                    .ok(
                        COUNTY_IN,
                        POST,
                        "/api/v1/evaluation-schemes",
                        Some(serde_json::from_str(&SCHEME.replace("{n}", &n.to_string())).unwrap()),
                    )
                    .await;
                Vars {
                    id: made["id"].as_i64().unwrap(),
                    org_id: self.org,
                    ..Vars::default()
                }
            }
            Fx::NewResource => id(self.resource(false, false).await.0),
            Fx::NewResourceWithFile => id(self.resource(true, false).await.0),
            Fx::NewPublishedResource => {
                let (r, file) = self.resource(true, true).await;
                Vars {
                    id: r,
                    reference: file.to_string(),
                    ..Vars::default()
                }
            }
            Fx::NewVenue => {
                let (a, key) = self.venue("off").await;
                let (b, _) = self.venue("off").await;
                Vars {
                    id: a,
                    org_id: b,
                    version: 1,
                    reference: key,
                    ..Vars::default()
                }
            }
            Fx::NewRoute => versioned(self.route(false, "off").await.0),
            Fx::NewContest => versioned(self.contest(false).await),
            Fx::NewOpenContest => versioned(self.contest(true).await),
            Fx::NewEntry => self.entry(0).await,
            Fx::NewEntryWithVideo => self.entry(1).await,
            Fx::NewFilledEntry => self.entry(2).await,
            Fx::NewSubmittedEntry => self.entry(3).await,
            Fx::NewPanelCandidate => self.panel(false).await,
            Fx::NewAssignment => self.panel(true).await,
            Fx::NewVotableEntry => self.judged_contest("open").await,
            Fx::NewClosedContest => self.judged_contest("closed").await,
            Fx::NewPublishedResults => self.judged_contest("publicity").await,
            Fx::NewPublishedRoute => versioned(self.route(true, "off").await.0),
            Fx::NewCheckinCode => {
                let (_, venue, code) = self.route(true, "off").await;
                Vars {
                    id: venue,
                    reference: code,
                    ..Vars::default()
                }
            }
            Fx::NewFlaggedCheckin => {
                let ((route, _), venue, code) = self.route(true, "flag").await;
                let c = self
                    .ok(
                        OWNER,
                        POST,
                        "/api/v1/checkins",
                        Some(json!({"venue_id": venue, "code": code})),
                    )
                    .await;
                assert_eq!(c["flags"], json!(["no_location"]), "{c}");
                Vars {
                    id: c["id"].as_i64().unwrap(),
                    reference: route.to_string(),
                    ..Vars::default()
                }
            }
            Fx::NewCertificate => {
                let ((route, _), venue, code) = self.route(true, "off").await;
                self.ok(
                    OWNER,
                    POST,
                    "/api/v1/checkins",
                    Some(json!({"venue_id": venue, "code": code})),
                )
                .await;
                let second = self
                    .ok(OWNER, GET, &format!("/api/v1/routes/{route}"), None)
                    .await["stops"][1]["venue_id"]
                    .as_i64()
                    .unwrap();
                let r = self
                    .ok(
                        COUNTY_IN,
                        POST,
                        &format!("/api/v1/venues/{second}/code-secret"),
                        None,
                    )
                    .await;
                let secret = domain::totp::from_base32(r["code_secret"].as_str().unwrap()).unwrap();
                self.ok(
                    OWNER,
                    POST,
                    "/api/v1/checkins",
                    Some(json!({"venue_id": second, "code": self.code_now(&secret)})),
                )
                .await;
                let cert = self
                    .ok(
                        OWNER,
                        POST,
                        &format!("/api/v1/routes/{route}/certificate"),
                        Some(json!({"name": "矩阵用户"})),
                    )
                    .await;
                Vars {
                    id: route,
                    reference: cert["serial"].as_str().unwrap().to_owned(),
                    ..Vars::default()
                }
            }
            Fx::NewUser => id(self.new_user().await),
            Fx::NewDisabledUser => {
                let user = self.new_user().await;
                self.ok(
                    NATIONAL,
                    POST,
                    &format!("/api/v1/users/{user}/disable"),
                    None,
                )
                .await;
                id(user)
            }
        }
    }
}

async fn build(backend: Backend) -> World {
    let t = TestApp::with_config(backend, |c| {
        c.login.codes_per_phone_per_window = 1_000_000;
        c.login.codes_per_phone_per_day = 1_000_000;
        c.login.codes_per_ip_per_hour = 1_000_000;
        c.org_applications_per_day = 1_000_000;
    })
    .await;
    let owner = api_login(&t, OWNER_PHONE).await;
    let member = api_login(&t, MEMBER_PHONE).await;
    let other = api_login(&t, OTHER_PHONE).await;
    let admins = [
        (
            "13900000011",
            "湖滨区管理员",
            Role::CountyAdmin,
            Some("411202"),
        ),
        (
            "13900000012",
            "陕州区管理员",
            Role::CountyAdmin,
            Some("411203"),
        ),
        (
            "13900000013",
            "三门峡市管理员",
            Role::CityAdmin,
            Some("411200"),
        ),
        (
            "13900000014",
            "洛阳市管理员",
            Role::CityAdmin,
            Some("410300"),
        ),
        (
            "13900000015",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        ),
        (
            "13900000016",
            "陕西省管理员",
            Role::ProvinceAdmin,
            Some("610000"),
        ),
        ("13900000010", "全国管理员", Role::NationalAdmin, None),
    ];
    let mut people = vec![
        Person {
            phone: "",
            token: None,
            browser: None,
        },
        Person {
            phone: OWNER_PHONE,
            token: Some(owner),
            browser: None,
        },
        Person {
            phone: OTHER_PHONE,
            token: Some(other),
            browser: None,
        },
        Person {
            phone: MEMBER_PHONE,
            token: Some(member),
            browser: None,
        },
    ];
    for (phone, name, role, region) in admins {
        people.push(Person {
            phone,
            token: Some(t.user(phone, name, role, region).await),
            browser: None,
        });
    }
    let campaign = t.get("/api/v1/campaigns/current").await.json()["id"]
        .as_i64()
        .unwrap();
    let mut w = World {
        t,
        people,
        org: 0,
        other_org: 0,
        campaign,
        draft: 0,
        draft_poster: 0,
        review: 0,
        approved: 0,
        approved_photo: 0,
        approved_evidence: 0,
        nomination: 0,
        summary_file: 0,
        counter: AtomicU64::new(0),
    };
    // Audited in 411202 (what the audit row counts): two applications, a member added,
    // a certification, three decisions and a nomination's opinion.
    w.org = w
        .ok(
            OWNER,
            POST,
            "/api/v1/orgs",
            Some(json!({"name": "三门峡市科技馆", "kind": "venue", "region_code": "411202"})),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    w.ok(
        OWNER,
        POST,
        &format!("/api/v1/orgs/{}/members", w.org),
        Some(json!({"phone": MEMBER_PHONE})),
    )
    .await;
    w.other_org = w
        .ok(
            OTHER,
            POST,
            "/api/v1/orgs",
            Some(json!({"name": "湖滨区实验小学", "kind": "school", "region_code": "411202"})),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    w.ok(
        COUNTY_IN,
        POST,
        &format!("/api/v1/orgs/{}/certification", w.org),
        Some(json!({"decision": "approve"})),
    )
    .await;

    // Four activities of the owner's: a draft, one in province review (resubmitted after a
    // withdrawal, so it has changes to show), one in national review, one approved and
    // nominated by its unit.
    let (draft, _) = w.ready(json!({})).await;
    w.draft = draft;
    w.draft_poster = w
        .ok(OWNER, GET, &format!("/api/v1/activities/{draft}"), None)
        .await["poster"]
        .as_i64()
        .unwrap();
    let (review, _) = w.in_review().await;
    w.review = review;
    w.in_national_review().await;
    let (approved, photo, evidence) = w.eligible().await;
    (w.approved, w.approved_photo, w.approved_evidence) = (approved, photo, evidence);
    w.nomination = w
        .ok(
            OWNER,
            POST,
            &format!("/api/v1/activities/{approved}/nominations"),
            Some(json!({"opinion": "本单位推荐"})),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // The unit's summary (a draft) with an attachment; a quota of the county's.
    w.ok(
        OWNER,
        PUT,
        &format!("/api/v1/summaries/unit/{}", w.org),
        Some(json!({"key_activities": "举办活动3场"})),
    )
    .await;
    w.summary_file = w.summary_file_of_unit().await;
    w.ok(
        NATIONAL,
        PUT,
        "/api/v1/quotas",
        Some(json!({"target_kind": "region", "target_ref": "411202", "target": 3})),
    )
    .await;
    w
}

// ---------------------------------------------------------------------------------------
// Calling a cell and judging its answer.

/// What an answer says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    /// 2xx or 3xx (not to the login page, not back with an error).
    Allowed(u16),
    /// 401, 403 or 404; or, for a browser, sent to the login page (303).
    Denied(u16),
    /// 400, 409, 422, 428: authorised, refused.
    Refused(u16),
    /// 200 or 303 whose body or destination says it was refused (bulk results, a form sent
    /// back with an error).
    InBody(u16),
    /// Anything else.
    Other(u16),
}

struct Outcome {
    got: Got,
    count: Option<i64>,
    /// A refusal carries the contract's error body with a Chinese message.
    body_ok: bool,
    detail: String,
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn snippet(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(160).collect()
}

fn count_of(kind: Cnt, r: &TestResponse) -> Option<i64> {
    let json = || serde_json::from_str::<Value>(&r.text).ok();
    match kind {
        Cnt::No => None,
        Cnt::Total => json().and_then(|v| v["total"].as_i64()),
        Cnt::Len => json().and_then(|v| v.as_array().map(|a| a.len() as i64)),
        Cnt::Items => json().and_then(|v| v["items"].as_array().map(|a| a.len() as i64)),
        Cnt::Vevents => Some(r.text.matches("BEGIN:VEVENT").count() as i64),
        Cnt::XlsxRows => {
            use calamine::Reader;
            let mut book: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(Cursor::new(r.bytes.clone())).ok()?;
            let range = book.worksheet_range_at(0)?.ok()?;
            Some(range.rows().count() as i64 - 1)
        }
        Cnt::Approved => json().map(|v| v["by_status"]["approved"].as_i64().unwrap_or(0)),
    }
}

/// The import's spreadsheet: the header and one activity.
fn import_table(name: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let head = [
        "序号",
        "项目名称",
        "举办单位",
        "活动时间",
        "活动地点",
        "负责人",
        "联系电话",
        "备注",
    ];
    for (c, h) in (0_u16..).zip(head) {
        sheet.write_string(0, c, h).unwrap();
    }
    sheet.write_string(1, 0, "1").unwrap();
    sheet.write_string(1, 1, name).unwrap();
    book.save_to_buffer().unwrap()
}

impl World {
    /// Fills a path or body template for `col` calling on `v`.
    fn fill(&self, template: &str, col: usize, v: &Vars) -> String {
        let mut out = template
            .replace("{id}", &v.id.to_string())
            .replace("{org_id}", &v.org_id.to_string())
            .replace("{version}", &v.version.to_string())
            .replace("{kind}", &v.kind)
            .replace("{ref}", &v.reference)
            .replace("{region}", &format!("4112{}", 50 + col));
        while out.contains("{n}") {
            out = out.replacen("{n}", &self.next().to_string(), 1);
        }
        while out.contains("{phone}") {
            out = out.replacen("{phone}", &self.fresh_phone(), 1);
        }
        if out.contains("{me}") {
            let me = match self.people[col].phone {
                "" => self.fresh_phone(),
                phone => phone.to_owned(),
            };
            out = out.replace("{me}", &me);
        }
        out
    }

    /// A browser session of `col`'s: signed in (the anonymous: a visitor's).
    async fn new_browser(&self, col: usize) -> (String, String) {
        match self.people[col].phone {
            "" => visitor(&self.t).await,
            phone => sign_in(&self.t, phone).await,
        }
    }

    /// Makes the request of one cell.
    async fn call_cell(&self, row: &Row, col: usize, v: &Vars) -> TestResponse {
        tick(&self.t);
        let path = self.fill(row.call.unwrap_or(row.path), col, v);
        let if_match = (row.method == PATCH).then_some(v.version);
        if !row.html() {
            let auth = match &self.people[col].token {
                Some(token) => Auth::Bearer(token),
                None => Auth::Nobody,
            };
            let payload = match row.body {
                B::None => Payload::Empty,
                B::Json(template) => Payload::Json(
                    serde_json::from_str(&self.fill(template, col, v))
                        .unwrap_or_else(|e| panic!("{}: body template: {e}", row.name())),
                ),
                B::Code => {
                    let phone = self.fresh_phone();
                    let sent = self
                        .t
                        .post("/api/v1/auth/sms-codes", None, json!({"phone": phone}))
                        .await;
                    assert_eq!(sent.status, 202, "{}", sent.text);
                    Payload::Json(json!({"phone": phone, "code": self.t.last_code(&phone)}))
                }
                B::Photo => Payload::Multipart(
                    vec![
                        ("kind".into(), "photo".into()),
                        ("consent".into(), "adults".into()),
                    ],
                    Some(("photo.jpg", jpeg(800, 600))),
                ),
                B::File => Payload::Multipart(
                    vec![("consent".to_owned(), "adults".to_owned())],
                    Some(("现场.png", png(80, 60))),
                ),
                B::StampImage => Payload::Multipart(Vec::new(), Some(("印章.png", png(128, 128)))),
                B::EntryVideo => Payload::Multipart(
                    vec![("kind".to_owned(), "video".to_owned())],
                    Some(("作品.mp4", entry_video(self.next()))),
                ),
                B::Xlsx => Payload::Bytes(import_table(&format!("矩阵导入活动{}", self.next()))),
                B::PostsTable => {
                    let url = format!("https://www.douyin.com/video/6{}", self.next());
                    Payload::Multipart(
                        vec![("org_id".to_owned(), v.id.to_string())],
                        Some((
                            "作品.xlsx",
                            support::workbook(
                                &domain::posts::IMPORT_COLUMNS,
                                &[&[
                                    "1",
                                    "抖音",
                                    &url,
                                    "矩阵导入作品",
                                    "发布内容",
                                    "2026-09-16 19:30",
                                    "是",
                                ]],
                            ),
                        )),
                    )
                }
                other => panic!("{}: {other:?} is a form body on an API route", row.name()),
            };
            return send(&self.t, row.method, &path, auth, payload, if_match).await;
        }
        let fresh;
        let (cookie, csrf) = match row.body {
            B::Login | B::Logout => {
                fresh = self.new_browser(col).await;
                (&fresh.0, &fresh.1)
            }
            _ => {
                let (cookie, csrf) = self.people[col].browser.as_ref().expect("browsers open");
                (cookie, csrf)
            }
        };
        let payload = match row.body {
            B::Form(template) => {
                let mut text = self.fill(template, col, v);
                if !text.is_empty() {
                    text.push('&');
                }
                text.push_str(&format!("_csrf={csrf}"));
                Payload::Form(text)
            }
            B::FormPoster => Payload::Multipart(
                vec![
                    ("_csrf".into(), csrf.clone()),
                    ("kind".into(), "poster".into()),
                ],
                Some(("poster.png", png(600, 350))),
            ),
            B::FormTable => Payload::Multipart(
                vec![("_csrf".into(), csrf.clone())],
                Some((
                    "table.xlsx",
                    import_table(&format!("矩阵导入活动{}", self.next())),
                )),
            ),
            B::FormPostsTable => {
                let url = format!("https://www.douyin.com/video/5{}", self.next());
                Payload::Multipart(
                    vec![("_csrf".into(), csrf.clone())],
                    Some((
                        "作品.xlsx",
                        support::workbook(
                            &domain::posts::IMPORT_COLUMNS,
                            &[&[
                                "1",
                                "抖音",
                                &url,
                                "矩阵页面导入",
                                "发布内容",
                                "2026-09-16 19:30",
                                "是",
                            ]],
                        ),
                    )),
                )
            }
            B::FormPhoto => Payload::Multipart(
                vec![
                    ("_csrf".into(), csrf.clone()),
                    ("kind".into(), "photo".into()),
                    ("consent".into(), "adults".into()),
                ],
                Some(("photo.jpg", jpeg(800, 600))),
            ),
            B::Login => {
                tick(&self.t);
                let phone = match self.people[col].phone {
                    "" => self.fresh_phone(),
                    phone => phone.to_owned(),
                };
                let sent = send(
                    &self.t,
                    POST,
                    "/login/code",
                    Auth::Cookie(cookie),
                    Payload::Form(format!("phone={phone}&_csrf={csrf}")),
                    None,
                )
                .await;
                assert_eq!(sent.status, 200, "{}", sent.text);
                let code = self.t.last_code(&phone);
                Payload::Form(format!("phone={phone}&code={code}&_csrf={csrf}"))
            }
            B::Logout => Payload::Form(format!("_csrf={csrf}")),
            other => panic!("{}: {other:?} is an API body on a page route", row.name()),
        };
        send(
            &self.t,
            row.method,
            &path,
            Auth::Cookie(cookie),
            payload,
            None,
        )
        .await
    }

    /// What the answer of a cell says.
    async fn judge(&self, row: &Row, v: &Vars, r: &TestResponse) -> Outcome {
        let status = r.status.as_u16();
        let location = r.header("location");
        let detail = if r.status.is_redirection() {
            let shown = urlencoding::decode(&location).map_or(location.clone(), |l| l.into_owned());
            format!("{status} → {shown}")
        } else if row.html() {
            // The page's heading and message, not its layout.
            let text = r
                .text
                .find("<main")
                .map_or(r.text.as_str(), |i| &r.text[i..]);
            let stripped: String = strip_tags(text);
            format!("{status} {}", snippet(&stripped))
        } else {
            format!("{status} {}", snippet(&r.text))
        };
        let body_ok = if row.html() {
            r.status.is_redirection() || has_chinese(&r.text)
        } else {
            serde_json::from_str::<Value>(&r.text).is_ok_and(|v| {
                v["error"]["code"].as_str().is_some_and(|c| !c.is_empty())
                    && v["error"]["message"].as_str().is_some_and(has_chinese)
            })
        };
        let mut body_ok = body_ok;
        let got = match status {
            200..=299 => match row.judge {
                J::Status => Got::Allowed(status),
                J::BulkJson => {
                    let first = serde_json::from_str::<Value>(&r.text)
                        .ok()
                        .map(|v| v[0].clone())
                        .unwrap_or_default();
                    if first["ok"] == true {
                        Got::Allowed(status)
                    } else {
                        body_ok = first["message"].as_str().is_some_and(has_chinese);
                        Got::InBody(status)
                    }
                }
                J::BulkPage => {
                    let now = self
                        .ok(NATIONAL, GET, &format!("/api/v1/activities/{}", v.id), None)
                        .await;
                    if now["status"] == "province_review" {
                        body_ok = has_chinese(&r.text);
                        Got::InBody(status)
                    } else {
                        Got::Allowed(status)
                    }
                }
            },
            300..=399 if row.html() && location.starts_with("/login") => Got::Denied(status),
            300..=399 if location.contains("error=") => Got::InBody(status),
            300..=399 => Got::Allowed(status),
            401 | 403 | 404 => Got::Denied(status),
            400 | 409 | 422 | 428 => Got::Refused(status),
            _ => Got::Other(status),
        };
        let count = match got {
            Got::Allowed(_) => count_of(row.count, r),
            _ => None,
        };
        Outcome {
            got,
            count,
            body_ok,
            detail,
        }
    }
}

fn strip_tags(html: &str) -> String {
    let (mut out, mut in_tag) = (String::new(), false);
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Why a cell's outcome does not meet its expectation, if it does not.
fn mismatch(row: &Row, col: usize, expected: E, o: &Outcome, changed: bool) -> Option<String> {
    let anon = col == ANON;
    let admin = col >= COUNTY_IN;
    let bulk = row.judge != J::Status;
    let denied_as = |allowed: &[u16]| match &o.got {
        Got::Denied(303) if anon && row.html() => true,
        Got::Denied(s) => allowed.contains(s),
        _ => false,
    };
    let why = match expected {
        Y => match &o.got {
            Got::Allowed(_) => None,
            Got::Refused(s) if row.accept.contains(s) => None,
            _ => Some("expected allowed".to_owned()),
        },
        C(n) => match (&o.got, o.count) {
            (Got::Allowed(_), Some(c)) if c == n => None,
            (Got::Allowed(_), c) => Some(format!("expected {n} items, got {c:?}")),
            _ => Some(format!("expected allowed with {n} items")),
        },
        // The anonymous are asked to log in (401) wherever the API needs a login.
        D if anon && !row.html() => {
            if denied_as(&[401]) {
                (!o.body_ok)
                    .then(|| "denied without the contract's error body in Chinese".to_owned())
            } else {
                Some("expected 401: not logged in".to_owned())
            }
        }
        D => {
            if denied_as(&[401, 403, 404]) || (bulk && admin && o.got == Got::InBody(200)) {
                (!o.body_ok)
                    .then(|| "denied without the contract's error body in Chinese".to_owned())
            } else {
                Some("expected denied (401/403/404)".to_owned())
            }
        }
        H => {
            let ok = if anon {
                denied_as(&[401, 404])
            } else {
                denied_as(&[404])
            };
            if ok {
                (!o.body_ok)
                    .then(|| "hidden without the contract's error body in Chinese".to_owned())
            } else {
                Some("expected 404: reading another's object must not reveal it".to_owned())
            }
        }
        F => {
            if denied_as(&[403]) {
                (!o.body_ok)
                    .then(|| "forbidden without the contract's error body in Chinese".to_owned())
            } else {
                Some("expected 403".to_owned())
            }
        }
        R(s) => match &o.got {
            Got::Refused(got) if *got == s => None,
            Got::InBody(200) if bulk => None,
            _ => Some(format!("expected refused with {s}")),
        },
    };
    match (why, changed) {
        (None, false) => None,
        (None, true) => Some("refused, but the database changed".to_owned()),
        (Some(w), true) => Some(format!("{w}; the database changed")),
        (Some(w), false) => Some(w),
    }
}

/// The rows a call with no audit entry of its own: asking for a login code (the codes sent
/// are kept by `sms_codes`) and logging out.
/// Writes that change nothing of record: codes sent, a logout, an import's preview.
const NOT_AUDITED: [&str; 9] = [
    "/login/code",
    "/api/v1/auth/sms-codes",
    "/logout",
    "/api/v1/imports/activities/preview",
    "/my/import",
    // Every check-in attempt is logged in `checkin_attempts` (with address and user agent),
    // refused ones included; the hash-chained trail is not a place for 100,000 visits an hour.
    "/api/v1/checkins",
    "/checkin",
    // Likewise every public vote, in `contest_votes` with its address (voided, not erased).
    "/api/v1/contests/{id}/entries/{eid}/votes",
    "/contests/{id}/entries/{eid}/vote",
];

/// What the audit trail must gain from a cell: the outcome, and whether the entry must be
/// the person's own (a login is recorded as the person who logged in, which for the API's
/// login is a fresh phone).
fn audit_expectation(row: &Row, col: usize, expected: E) -> Option<(&'static str, bool)> {
    if row.method == GET || NOT_AUDITED.contains(&row.path) {
        return None;
    }
    let allowed = matches!(expected, Y | C(_));
    if row.path == "/login" || row.path == "/api/v1/auth/sessions" {
        return allowed.then_some(("ok", false));
    }
    if col == ANON {
        return None;
    }
    match expected {
        Y | C(_) if col >= COUNTY_IN => Some(("ok", true)),
        Y | C(_) => None,
        D | H | F => Some(("denied", true)),
        R(_) => Some(("invalid", true)),
    }
}

/// Why the audit entries written since `mark` do not show what the cell should, if they
/// do not.
async fn audit_mismatch(
    w: &World,
    row: &Row,
    col: usize,
    expected: E,
    mark: i64,
) -> Option<String> {
    let (outcome, own) = audit_expectation(row, col, expected)?;
    let db = &w.t.app.db;
    let rows = store::audit::batch_after(db, store::sea_orm::Condition::all(), mark, 1000)
        .await
        .unwrap();
    let person = if own {
        w.t.app.user_id_by_phone(w.people[col].phone).await.unwrap()
    } else {
        None
    };
    let fits = |r: &store::entities::audit::Model| {
        r.outcome == outcome
            && (!own || (person.is_some() && r.actor_id == person))
            && r.ip.is_some()
            && r.route.is_some()
            && !r.action.is_empty()
    };
    if rows.iter().any(fits) {
        return None;
    }
    let seen: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} by {:?} ({:?})",
                r.action, r.outcome, r.actor_id, r.route
            )
        })
        .collect();
    Some(format!(
        "audit: expected an `{outcome}` entry{} with address and route; the log gained {seen:?}",
        if own { " by this person" } else { "" }
    ))
}

/// A digest of what a write can change, read straight from the database.
async fn fingerprint(db: &store::Db) -> u64 {
    use store::entities as e;
    use store::sea_orm::{EntityTrait, PaginatorTrait};
    let mut lines: Vec<String> = Vec::new();
    macro_rules! dump {
        ($($table:ident),* $(,)?) => {
            $(
                for r in e::$table::Entity::find().all(db).await.unwrap() {
                    lines.push(format!("{} {r:?}", stringify!($table)));
                }
            )*
        };
    }
    dump!(
        activity,
        activity_session,
        media,
        supplement,
        nomination,
        nomination_opinion,
        org,
        org_member,
        quota,
        summary,
        summary_file,
        campaign,
        notification,
        host_confirmation,
        transition,
        user,
        user_role,
    );
    for t in e::api_token::Entity::find().all(db).await.unwrap() {
        lines.push(format!(
            "api_token {} {} {:?} {:?}",
            t.id, t.user_id, t.expires_at, t.revoked_at
        ));
    }
    let regions = e::region::Entity::find().count(db).await.unwrap();
    lines.push(format!("regions {regions}"));
    lines.sort();
    let mut h = DefaultHasher::new();
    lines.hash(&mut h);
    h.finish()
}

struct Failure {
    row: String,
    col: usize,
    expected: E,
    why: String,
    got: String,
    wrongly_allowed: bool,
}

fn expectation(e: E) -> String {
    match e {
        Y => "allow".into(),
        C(n) => format!("allow, {n} items"),
        D => "deny".into(),
        H => "404".into(),
        F => "403".into(),
        R(s) => format!("refuse {s}"),
    }
}

/// Where the time goes.
#[derive(Debug, Default)]
struct Timings {
    targets: std::time::Duration,
    calls: std::time::Duration,
    fingerprints: std::time::Duration,
}

async fn run_row(
    w: &World,
    row: &Row,
    failures: &mut Vec<Failure>,
    cells: &mut usize,
    time: &mut Timings,
) {
    let write = row.method != GET;
    let allowing = |e: E| matches!(e, Y | C(_));
    // Cells expected to be refused first, on one shared target; then the allowed ones.
    let mut order: Vec<usize> = (0..11).filter(|c| !allowing(row.cells[*c])).collect();
    order.extend((0..11).filter(|c| allowing(row.cells[*c])));
    let mut shared: Option<Vars> = None;
    let mut baseline: Option<u64> = None;
    for col in order {
        let expected = row.cells[col];
        *cells += 1;
        let clock = Instant::now();
        let v = if row.at.fresh() && allowing(expected) {
            w.make(row.at).await
        } else {
            match &shared {
                Some(v) => v.clone(),
                None => {
                    let v = w.make(row.at).await;
                    shared = Some(v.clone());
                    v
                }
            }
        };
        time.targets += clock.elapsed();
        let watch = write && !allowing(expected);
        let clock = Instant::now();
        if watch && baseline.is_none() {
            baseline = Some(fingerprint(&w.t.app.db).await);
        }
        time.fingerprints += clock.elapsed();
        let mark = store::audit::head(&w.t.app.db)
            .await
            .unwrap()
            .map_or(0, |h| h.id);
        let clock = Instant::now();
        let r = w.call_cell(row, col, &v).await;
        let outcome = w.judge(row, &v, &r).await;
        time.calls += clock.elapsed();
        if let Some(why) = audit_mismatch(w, row, col, expected, mark).await {
            failures.push(Failure {
                row: row.name(),
                col,
                expected,
                why,
                got: outcome.detail.clone(),
                wrongly_allowed: false,
            });
        }
        let mut changed = false;
        if watch {
            let clock = Instant::now();
            let after = fingerprint(&w.t.app.db).await;
            time.fingerprints += clock.elapsed();
            if Some(after) != baseline {
                changed = true;
                // The shared target may be spoiled: the next cells get a new one.
                if row.at.fresh() {
                    shared = None;
                }
                baseline = None;
            }
        }
        if std::env::var_os("KEPU_MATRIX_VERBOSE").is_some() {
            println!(
                "{} | {} | expected {} | {:?} {:?} changed={changed} | {}",
                row.name(),
                COLUMNS[col],
                expectation(expected),
                outcome.got,
                outcome.count,
                outcome.detail
            );
        }
        if let Some(why) = mismatch(row, col, expected, &outcome, changed) {
            let wrongly_allowed =
                !allowing(expected) && (changed || matches!(outcome.got, Got::Allowed(_)));
            failures.push(Failure {
                row: row.name(),
                col,
                expected,
                why,
                got: outcome.detail,
                wrongly_allowed,
            });
        }
    }
}

async fn each_person_gets_what_the_table_says(backend: Backend) {
    let started = Instant::now();
    let mut w = build(backend).await;
    let built = started.elapsed();
    // The digest that proves a refused write changed nothing does see a write.
    let before = fingerprint(&w.t.app.db).await;
    w.ok(
        NATIONAL,
        PUT,
        "/api/v1/quotas",
        Some(json!({"target_kind": "region", "target_ref": "411202", "target": 4})),
    )
    .await;
    assert_ne!(
        before,
        fingerprint(&w.t.app.db).await,
        "the digest sees a write"
    );
    let mut failures = Vec::new();
    let mut cells = 0;
    let mut time = Timings::default();
    // Reads first, on the world as built: their counts are exact.
    for row in TABLE.iter().filter(|r| r.method == GET) {
        run_row(&w, row, &mut failures, &mut cells, &mut time).await;
    }
    for row in TABLE.iter().filter(|r| r.method != GET && !r.html()) {
        run_row(&w, row, &mut failures, &mut cells, &mut time).await;
    }
    // The browser rows: every column signs in through the forms.
    for col in 0..11 {
        let browser = w.new_browser(col).await;
        w.people[col].browser = Some(browser);
    }
    for row in TABLE.iter().filter(|r| r.html()) {
        run_row(&w, row, &mut failures, &mut cells, &mut time).await;
    }
    let wrongly_allowed = failures.iter().filter(|f| f.wrongly_allowed).count();
    let mut report = String::new();
    for f in &failures {
        report.push_str(&format!(
            "{}{} | {} | expected {} | {} | got {}\n",
            if f.wrongly_allowed {
                "WRONGLY ALLOWED "
            } else {
                ""
            },
            f.row,
            COLUMNS[f.col],
            expectation(f.expected),
            f.why,
            f.got
        ));
    }
    println!(
        "[{backend:?}] authorisation matrix: {} rows × {} columns = {cells} cells; {} cells disagree, {wrongly_allowed} wrongly allowed; world built in {:.1?}, all in {:.1?} ({time:.1?})\n{report}",
        TABLE.len(),
        COLUMNS.len(),
        failures.len(),
        built,
        started.elapsed(),
    );
    assert!(
        failures.is_empty(),
        "[{backend:?}] {} of {cells} cells disagree with the policy table ({wrongly_allowed} wrongly allowed):\n{report}",
        failures.len()
    );
}
