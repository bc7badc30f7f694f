import * as z from "zod/mini";
import { errorMessages, fieldMessages } from "@jinguo/core/messages";
import { SESSION_COOKIE } from "./middleware/auth.ts";
import { CSRF_COOKIE } from "./middleware/guard.ts";
import { accessLevels, PARAM, type Route } from "./openapi.ts";

/**
 * The OpenAPI 3.1 document of the route table (openapi.ts `routeTable`): loaded by
 * routes/docs.ts on the first request for the contract, never on a cold start's path.
 */

/** How every documented schema is made from its zod schema: what a client sends (`input`). */
export const jsonSchemaOptions = { target: "draft-2020-12", io: "input", unrepresentable: "any" } as const;

type Json = Record<string, any>;

/**
 * The zod schema as JSON Schema inside the document. zod's `$defs` (named or recursive parts)
 * and a schema that refers to itself (`$ref: "#"`) move to `components.schemas`: inside the
 * document, `#` would point at the document's root.
 */
export function documentedSchema(schema: z.core.$ZodType, components: Record<string, Json>, prefix: string): Json {
  const { $schema: _, $defs = {}, ...json } = z.toJSONSchema(schema, jsonSchemaOptions) as Json;
  const selfRef = JSON.stringify(json).includes('"$ref":"#"');
  if (!selfRef && Object.keys($defs).length === 0) return json;
  const target = (ref: string) =>
    ref === "#" ? prefix : ref.startsWith("#/$defs/") ? componentName(prefix, ref.slice("#/$defs/".length)) : undefined;
  const rewrite = (v: unknown): any => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        const name = k === "$ref" && typeof x === "string" ? target(x) : undefined;
        return [k, name ? `#/components/schemas/${name}` : rewrite(x)];
      }),
    );
  };
  const put = (name: string, value: Json) => {
    if (components[name] && JSON.stringify(components[name]) !== JSON.stringify(value)) throw new Error(`two different schemas are both named ${name}`);
    components[name] = value;
  };
  for (const [name, def] of Object.entries($defs as Json)) put(componentName(prefix, name), rewrite(def));
  if (!selfRef) return rewrite(json);
  put(prefix, rewrite(json));
  return { $ref: `#/components/schemas/${prefix}` };
}

/** zod's own ids (`.meta({ id })`) are kept; its generated `__schema0` are made unique per route and target. */
export const componentName = (prefix: string, defName: string) =>
  /^__schema\d+$/.test(defName) ? `${prefix}${defName}` : defName.replace(/[^A-Za-z0-9._-]/g, "_");

export const operationId = (r: Pick<Route, "method" | "path">) =>
  `${r.method.toLowerCase()}${r.path
    .replace(PARAM, "by-$1")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("")}`;

/** The error statuses of API.md, each with the one error shape. */
const errorResponses = {
  400: ["BadRequest", "请求格式不对", "Malformed request (broken JSON, a bad header)"],
  401: ["Unauthenticated", "未登录", "Not signed in"],
  403: ["Forbidden", "没有权限，或没有通过 CSRF 检查", "Not allowed, or the CSRF check failed (code CSRF)"],
  404: ["NotFound", "没有找到（别人的东西也是 404）", "Unknown (someone else's things too)"],
  409: ["Conflict", "和现在的状态冲突（重复、已满、阶段未开放……）", "Conflicts with the current state (duplicate, full, phase closed…)"],
  413: ["PayloadTooLarge", "提交的内容太大（超过 64 KB）", "Body too large (over 64 KB)"],
  415: ["UnsupportedMediaType", "只接受 application/json", "Only application/json bodies"],
  422: ["Validation", "填写的内容有误：details.fields 列出每一项", "Validation failed: details.fields names each field and why"],
  429: ["TooManyRequests", "操作太频繁", "A limit was reached"],
  503: ["Busy", "太忙，请按 Retry-After 重试", "Busy: retry after Retry-After seconds"],
} as const;
type ErrorStatus = keyof typeof errorResponses;

/** The statuses a route can answer with the error shape, by what the route table says of it. */
export function errorStatuses(r: Route): ErrorStatus[] {
  const s = new Set<number>([400, 404, ...(r.doc?.errors ?? [])]);
  const body = r.validations.some((v) => v.target === "json" || v.target === "form");
  if (r.signedIn) (s.add(401), s.add(403));
  if (!r.safe) (s.add(403), s.add(409));
  if (!r.safe && r.method !== "DELETE") (s.add(413), s.add(415));
  if (r.validations.length || body) s.add(422);
  if (r.idempotent) (s.add(409), s.add(422), s.add(503));
  return [...s].filter((x): x is ErrorStatus => x in errorResponses).sort((a, b) => a - b);
}

const tagOf = (path: string) => {
  const first = path.split("/")[2] ?? "";
  return first === "openapi.json" || first === "docs" ? "contract" : first || "api";
};

/** Words for the groups of routes; a new group shows its path segment until it has some. */
export const tagNames: Record<string, { "zh-CN": string; en: string }> = {
  health: { "zh-CN": "运行状态", en: "Health" },
  contract: { "zh-CN": "接口说明", en: "The contract" },
  auth: { "zh-CN": "登录", en: "Sign-in" },
  me: { "zh-CN": "我的", en: "Me" },
  "org-units": { "zh-CN": "组织单位", en: "Org units" },
  campaigns: { "zh-CN": "活动", en: "Campaigns" },
  registrations: { "zh-CN": "报名", en: "Registrations" },
  entries: { "zh-CN": "作品与推荐", en: "Entries" },
  uploads: { "zh-CN": "上传", en: "Uploads" },
  judge: { "zh-CN": "评委", en: "Judges" },
  admin: { "zh-CN": "组织者管理", en: "Organisers" },
  dev: { "zh-CN": "本地调试", en: "Local stage" },
};

export interface OpenApiOptions {
  stage: string;
}

/** The OpenAPI 3.1 document of these routes. */
export function openApiDocument(routes: Route[], opts: OpenApiOptions): Json {
  const schemas: Record<string, Json> = {
    Error: errorSchema(),
    ValidationError: errorSchema({
      type: "object",
      properties: {
        fields: {
          type: "object",
          description: "字段 → 原因 · field (path joined with dots) → reason",
          additionalProperties: { type: "string", examples: Object.keys(fieldMessages) },
        },
      },
    }),
  };
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const id = operationId(r);
    const parameters: Json[] = [];
    const pathSchemas = r.validations.filter((v) => v.target === "param").map((v) => documentedSchema(v.schema, schemas, `${id}_param`));
    for (const p of r.params) {
      const fromValidator = pathSchemas.find((s) => s.properties?.[p.name])?.properties[p.name];
      parameters.push({ name: p.name, in: "path", required: true, schema: fromValidator ?? { type: "string", ...(p.pattern ? { pattern: p.pattern } : {}) } });
    }
    let requestBody: Json | undefined;
    for (const v of r.validations) {
      if (v.target === "param") continue;
      const schema = documentedSchema(v.schema, schemas, `${id}_${v.target}`);
      if (v.target === "json" || v.target === "form") {
        const type = v.target === "json" ? "application/json" : "multipart/form-data";
        requestBody = { required: true, content: { ...requestBody?.content, [type]: { schema } } };
        continue;
      }
      const where = v.target === "query" ? "query" : v.target === "header" ? "header" : "cookie";
      if (schema.type === "object" && schema.properties) {
        const required = new Set<string>(schema.required ?? []);
        for (const [name, s] of Object.entries(schema.properties as Json)) {
          parameters.push({ name, in: where, required: required.has(name), schema: s });
        }
      } else {
        parameters.push({ name: v.target, in: where, required: false, style: "form", explode: true, schema });
      }
    }
    if (r.idempotent) {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "重复提交只算一次（24 小时内，每人各自的编号） · A repeat returns the first result (per person, kept 24 hours)",
        schema: { type: "string", maxLength: 128, pattern: "^[\\x21-\\x7e]+$" },
      });
    }
    const access = r.doc?.access ?? (r.signedIn ? "signed-in" : "public");
    const words = accessLevels[access];
    const success = r.doc?.status ?? (r.doc ? 200 : "2XX");
    const operation: Json = {
      operationId: id,
      tags: [tagOf(r.path)],
      summary: r.doc ? `${r.doc.summary} · ${r.doc.summaryEn}` : `${r.method} ${r.path}`,
      description: [`权限 · Access: ${words["zh-CN"]} · ${words.en}`, r.doc?.description].filter(Boolean).join("\n\n"),
      "x-access": access,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      security: r.signedIn ? [{ sid: [], ...(r.safe ? {} : { csrf: [] }) }] : r.safe ? [] : [{ csrf: [] }],
      responses: {
        [String(success)]: { description: success === 204 ? "成功，无内容 · Success, no content" : "成功 · Success" },
        ...Object.fromEntries(errorStatuses(r).map((s) => [String(s), { $ref: `#/components/responses/${errorResponses[s][0]}` }])),
      },
    };
    (paths[r.openApiPath] ??= {})[r.method.toLowerCase()] = operation;
  }
  const tags = [...new Set(routes.map((r) => tagOf(r.path)))].map((name) => ({
    name,
    description: tagNames[name] ? `${tagNames[name]["zh-CN"]} · ${tagNames[name].en}` : name,
  }));
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "巾帼活动平台 API · Women's federation campaign platform",
      version: "0.1.0",
      description: [
        "JSON under `/api`, UTF-8, times in ISO 8601 with offset. Generated from the routes and the zod schemas that validate them.",
        `Sign-in: the \`${SESSION_COOKIE}\` cookie set by \`POST /api/auth/login\`.`,
        `CSRF: every state-changing request (not GET/HEAD/OPTIONS) needs an \`Origin\` equal to the origin it was sent to, or an \`x-csrf-token\` header equal to the \`${CSRF_COOKIE}\` cookie (set on every response).`,
        "Errors: `{ error: { code, message, details? } }`; the message is in Chinese.",
        `Stage: ${opts.stage}${opts.stage === "local" ? " (the `/api/dev/*` routes exist only here)" : ""}.`,
      ].join("\n\n"),
    },
    servers: [{ url: "/" }],
    tags,
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(
        Object.entries(errorResponses).map(([status, [name, zh, en]]) => [
          name,
          {
            description: `${status} ${zh} · ${en}`,
            content: { "application/json": { schema: { $ref: `#/components/schemas/${status === "422" ? "ValidationError" : "Error"}` } } },
          },
        ]),
      ),
      securitySchemes: {
        sid: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "登录后的会话 Cookie（签名，30 天，HttpOnly） · The signed session cookie (30 days, HttpOnly) set by POST /api/auth/login",
        },
        csrf: {
          type: "apiKey",
          in: "header",
          name: "x-csrf-token",
          description: `改动数据的请求：\`x-csrf-token\` 等于 \`${CSRF_COOKIE}\` Cookie，或者 \`Origin\` 就是请求发往的来源 · State-changing requests: \`x-csrf-token\` equal to the \`${CSRF_COOKIE}\` cookie, or instead an \`Origin\` equal to the origin the request was sent to`,
        },
      },
    },
  };
}

function errorSchema(details: Json = {}): Json {
  return {
    type: "object",
    required: ["error"],
    additionalProperties: false,
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        additionalProperties: false,
        properties: {
          code: { type: "string", enum: Object.keys(errorMessages) },
          message: { type: "string", minLength: 1, description: "给人看的中文说明 · What a person is told, in Chinese" },
          details,
        },
      },
    },
  };
}
