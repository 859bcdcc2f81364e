// A client written only against the types that openapi-typescript generates from kepu's
// own OpenAPI document (GET /api/openapi.json): a host drafts an activity, is refused at a
// first submit, adds the poster, submits, and the Henan province administrator approves.
// Every request and response body is typed by `paths`; nothing is `any`.
//
// `kepu-openapi` is not a package: e2e/client.test.mjs generates the types from the running
// server into a temporary folder and maps the name to them (tsconfig `paths`).
import createClient from "openapi-fetch";
import type { paths } from "kepu-openapi";

type Api = ReturnType<typeof createClient<paths>>;

/** The body of `POST /api/v1/activities`, as the document describes it. */
type ActivityBody = NonNullable<paths["/api/v1/activities"]["post"]["requestBody"]>["content"]["application/json"];
/** An activity as `POST /api/v1/activities` answers it. */
type Activity = paths["/api/v1/activities"]["post"]["responses"][201]["content"]["application/json"];
/** The error body every 4xx answers with. */
type ErrorBody = paths["/api/v1/activities/{id}/submit"]["post"]["responses"][422]["content"]["application/json"];

export interface FlowOptions {
  /** e.g. `http://127.0.0.1:8080` */
  baseUrl: string;
  /** The login code the server just sent to `phone` (a test reads the SMS outbox). */
  smsCode: (phone: string) => Promise<string>;
  log?: (line: string) => void;
}

export interface FlowResult {
  id: number;
  refusedFields: string[];
  statuses: string[];
}

/** The demo's accounts (`kepu serve --demo`). */
export const HOST = "13800000000";
export const HENAN_ADMIN = "13900000001";

class FlowError extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FlowError(message);
}

/** The success body of an openapi-fetch result, after checking its status. */
function expect<T>(
  result: { data?: T; error?: unknown; response: Response },
  status: number,
  what: string,
): T {
  const { data, error, response } = result;
  check(
    response.status === status && data !== undefined,
    `${what}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? data)}`,
  );
  return data;
}

/** The error body of an openapi-fetch result that must fail with `status`. */
function refused<E>(
  result: { data?: unknown; error?: E; response: Response },
  status: number,
  what: string,
): E {
  const { data, error, response } = result;
  check(
    response.status === status && error !== undefined,
    `${what}: expected ${status}, got ${response.status} ${JSON.stringify(data ?? error)}`,
  );
  return error;
}

/** Logs `phone` in through the API (SMS code, then a session) and answers a client that
 *  sends its bearer token. */
export async function logIn(options: FlowOptions, phone: string): Promise<Api> {
  const anonymous = createClient<paths>({ baseUrl: options.baseUrl });
  const sent = expect(
    await anonymous.POST("/api/v1/auth/sms-codes", { body: { phone } }),
    202,
    `POST /api/v1/auth/sms-codes for ${phone}`,
  );
  check(sent.sent, "the code was not sent");
  const code = await options.smsCode(phone);
  const session = expect(
    await anonymous.POST("/api/v1/auth/sessions", { body: { phone, code } }),
    200,
    `POST /api/v1/auth/sessions for ${phone}`,
  );
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${session.token}` },
  });
}

export async function flow(options: FlowOptions): Promise<FlowResult> {
  const log = options.log ?? (() => {});
  const statuses: string[] = [];

  // The public list: approved activities only, paged.
  const anonymous = createClient<paths>({ baseUrl: options.baseUrl });
  const listed = expect(
    await anonymous.GET("/api/v1/activities", { params: { query: { region: "410000", page: 1, per_page: 10 } } }),
    200,
    "GET /api/v1/activities",
  );
  check(listed.page === 1 && listed.per_page === 10, `paging echoed: ${listed.page}/${listed.per_page}`);
  check(listed.total >= 1 && listed.items.length >= 1, `the demo's approved activities are listed: ${listed.total}`);
  for (const item of listed.items) {
    check(item.status === "approved", `${item.id} is listed while ${item.status}`);
  }
  log(`public list: ${listed.total} approved in 河南`);

  const campaign = expect(await anonymous.GET("/api/v1/campaigns/current"), 200, "GET /api/v1/campaigns/current");
  const year = campaign.activity_from.slice(0, 4);
  check(
    campaign.sections.some((section) => section.key === "exhibition"),
    "the current campaign has the exhibition section",
  );

  // The host, and the organisation it publishes for.
  const host = await logIn(options, HOST);
  const me = expect(await host.GET("/api/v1/me"), 200, "GET /api/v1/me");
  check(me.phone === HOST, `logged in as ${me.phone}`);
  const org = me.orgs[0];
  check(org !== undefined, "the demo host belongs to an organisation");

  // A draft with everything submission needs except the poster (which must be uploaded to
  // the activity itself first).
  const body: ActivityBody = {
    name: "客户端测试：走进天文馆",
    section: "exhibition",
    start: `${year}-09-15T19:00:00+08:00`,
    end: `${year}-09-15T21:30:00+08:00`,
    region_code: "411202",
    address: "三门峡市湖滨区科技馆三楼",
    mode: "offline",
    venue_type: "科技馆",
    audiences: ["青少年", "社会公众"],
    reservable: false,
    expected_participants: 120,
    details: "<p>带领青少年认识秋季星空。</p>",
    funding_yuan: 3500.5,
    scientist_count: 1,
    scientists: [{ name: "李天文", title: "研究员", unit: "紫金山天文台" }],
    contact_name: "王老师",
    contact_phone: "0398-2812345",
    hosts: [org.id],
    sessions: [
      {
        start: `${year}-09-16T19:00:00+08:00`,
        end: `${year}-09-16T21:00:00+08:00`,
        region_code: "411203",
        address: "陕州区文化广场",
      },
    ],
  };
  const draft: Activity = expect(await host.POST("/api/v1/activities", { body }), 201, "POST /api/v1/activities");
  check(draft.status === "draft", `a new activity is a draft, not ${draft.status}`);
  check(draft.name === body.name, "the draft keeps its name");
  statuses.push(draft.status);
  const id = draft.id;
  const path = { id };
  log(`draft ${id} (version ${draft.version})`);

  // Submitting without a poster: 422, every missing field named at once.
  const error: ErrorBody = refused(
    await host.POST("/api/v1/activities/{id}/submit", { params: { path } }),
    422,
    "POST /api/v1/activities/{id}/submit without a poster",
  );
  check(error.error.code === "validation", `error code ${error.error.code}`);
  const refusedFields = Object.keys(error.error.fields ?? {});
  check(refusedFields.includes("poster"), `the poster is named: ${JSON.stringify(error.error.fields)}`);
  log(`refused: ${refusedFields.join(", ")}`);

  // The poster: uploaded to the activity, then named in it (If-Match: the version).
  const media = expect(
    await host.POST("/api/v1/activities/{id}/media", {
      params: { path },
      body: { kind: "poster", file: await posterPng(600, 350) },
      bodySerializer(fields) {
        const form = new FormData();
        if (fields.kind) form.append("kind", fields.kind);
        form.append("file", fields.file, "poster.png");
        return form;
      },
    }),
    201,
    "POST /api/v1/activities/{id}/media",
  );
  check(media.kind === "poster" && media.width === 600 && media.height === 350, `poster ${JSON.stringify(media)}`);
  const patched = expect(
    await host.PATCH("/api/v1/activities/{id}", {
      params: { path, header: { "If-Match": draft.version } },
      body: { poster: media.id },
    }),
    200,
    "PATCH /api/v1/activities/{id}",
  );
  check(patched.poster === media.id, `the poster is named: ${patched.poster}`);
  check(patched.version > draft.version, "the version advanced");

  const submitted = expect(
    await host.POST("/api/v1/activities/{id}/submit", { params: { path } }),
    200,
    "POST /api/v1/activities/{id}/submit",
  );
  check(submitted.status === "province_review", `submitted to ${submitted.status}`);
  statuses.push(submitted.status);
  log(`submitted: ${submitted.status}`);

  // The Henan province administrator finds it in the review queue and approves it.
  const admin = await logIn(options, HENAN_ADMIN);
  const queue = expect(
    await admin.GET("/api/v1/review-queue", { params: { query: { per_page: 100 } } }),
    200,
    "GET /api/v1/review-queue",
  );
  check(queue.items.some((item) => item.id === id), `${id} waits in the province's queue`);
  const decided = expect(
    await admin.POST("/api/v1/activities/{id}/decisions", { params: { path }, body: { decision: "approve" } }),
    200,
    "POST /api/v1/activities/{id}/decisions",
  );
  check(decided.status === "national_review", `approved by the province into ${decided.status}`);
  statuses.push(decided.status);

  // As the host sees it afterwards, with its history.
  const seen = expect(await host.GET("/api/v1/activities/{id}", { params: { path } }), 200, "GET /api/v1/activities/{id}");
  check(seen.status === "national_review", `the host sees ${seen.status}`);
  check(seen.version > submitted.version, "the decision advanced the version");
  const history = expect(
    await host.GET("/api/v1/activities/{id}/history", { params: { path } }),
    200,
    "GET /api/v1/activities/{id}/history",
  );
  const last = history[history.length - 1];
  check(last !== undefined && last.from === "province_review" && last.to === "national_review", `history ${JSON.stringify(history)}`);
  log(`approved by the province: ${seen.status}`);

  return { id, refusedFields, statuses };
}

/** A plain RGB PNG of the given size, drawn here (the poster must be 600×350). */
async function posterPng(width: number, height: number): Promise<Blob> {
  const stride = 1 + width * 3;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * stride + 1 + x * 3;
      raw[at] = 11;
      raw[at + 1] = 92 + Math.floor((y * 120) / height);
      raw[at + 2] = 173 - Math.floor((x * 85) / width);
    }
  }
  const compressed = new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate"));
  const idat = new Uint8Array(await new Response(compressed).arrayBuffer());
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  const signature = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Blob([signature, chunk("IHDR", header), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))], {
    type: "image/png",
  });
}

function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
