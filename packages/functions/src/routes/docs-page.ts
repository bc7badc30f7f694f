import { accessLevels, type Access } from "../openapi.ts";
import { tagNames } from "../openapi-document.ts";

/**
 * The API reference as one page to read on a phone, from the OpenAPI document, and its
 * stylesheet. Loaded by routes/docs.ts on the first request for them, never at cold start.
 */

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** A schema in a few words: `string, 1–100 chars`, `"event" | "contest"`, `integer ≥ 1`. */
function brief(s: Record<string, any> | undefined): string {
  if (!s || typeof s !== "object") return "any";
  if (s.$ref) return String(s.$ref).split("/").at(-1)!;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  for (const k of ["anyOf", "oneOf"]) if (Array.isArray(s[k])) return s[k].map(brief).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  const bits: string[] = [];
  if (s.format) bits.push(s.format);
  if (s.minLength !== undefined || s.maxLength !== undefined) bits.push(`${s.minLength ?? 0}–${s.maxLength ?? "∞"} chars`);
  if (s.minimum !== undefined) bits.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) bits.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) bits.push(`${s.minItems ?? 0}–${s.maxItems ?? "∞"} items`);
  if (s.default !== undefined) bits.push(`default ${JSON.stringify(s.default)}`);
  const items = type === "array" && s.items ? ` of ${brief(s.items)}` : "";
  return `${type}${items}${bits.length ? `, ${bits.join(", ")}` : ""}`;
}

/** One line per field: name, where, whether required, its schema in a few words (reads on a phone). */
const fieldList = (items: { name: string; where?: string; required: boolean; text: string }[]) =>
  `<ul class="fields">${items
    .map(
      (f) =>
        `<li><code>${esc(f.name)}</code>${f.where ? ` <span class="where">${esc(f.where)}</span>` : ""}${
          f.required ? ` <span class="required">必填 · required</span>` : ""
        }<div>${esc(f.text)}</div></li>`,
    )
    .join("")}</ul>`;

/** The properties of an object schema, or of every object a union may be. */
function bodyFields(schema: Record<string, any>): { name: string; required: boolean; text: string }[] {
  const alternatives = (schema.anyOf ?? schema.oneOf ?? [schema]) as Record<string, any>[];
  const names = [...new Set(alternatives.flatMap((a) => Object.keys(a.properties ?? {})))];
  return names.map((name) => {
    const inEach = alternatives.filter((a) => a.properties?.[name]);
    return {
      name,
      required: alternatives.every((a) => (a.required ?? []).includes(name)),
      text: [...new Set(inEach.map((a) => brief(a.properties[name])))].join(" | "),
    };
  });
}

function renderOperation(method: string, path: string, op: Record<string, any>, responses: Record<string, any>): string {
  const access = accessLevels[op["x-access"] as Access];
  const params = (op.parameters ?? []) as Record<string, any>[];
  const body = op.requestBody?.content as Record<string, { schema: Record<string, any> }> | undefined;
  // The description's first paragraph is the access line, which has its own item below.
  const more = String(op.description ?? "").split("\n\n").slice(1);
  const parts = [
    `<article id="${esc(op.operationId)}">`,
    `<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>`,
    `<p>${esc(op.summary)}</p>`,
    ...more.map((m) => `<p class="more">${esc(m)}</p>`),
    `<dl><dt>权限 · Access</dt><dd>${esc(access ? `${access["zh-CN"]} · ${access.en}` : op["x-access"])}</dd>`,
    `<dt>登录与 CSRF · Sign-in and CSRF</dt><dd>${esc(
      op.security.length === 0
        ? "都不需要 · neither"
        : Object.keys(op.security[0]).map((k) => (k === "sid" ? "需要登录 · signed in" : "需要 CSRF 检查 · CSRF check")).join("；"),
    )}</dd></dl>`,
  ];
  if (params.length) {
    parts.push(
      `<h4>参数 · Parameters</h4>`,
      fieldList(params.map((p) => ({ name: p.name, where: p.in, required: !!p.required, text: p.description ?? brief(p.schema) }))),
    );
  }
  for (const [type, { schema }] of Object.entries(body ?? {})) {
    parts.push(`<h4>请求体 · Request body <small>${esc(type)}</small></h4>`);
    const fields = bodyFields(schema);
    if (fields.length) parts.push(fieldList(fields));
    parts.push(`<details><summary>JSON Schema</summary><pre><code>${esc(JSON.stringify(schema, null, 2))}</code></pre></details>`);
  }
  const statuses = Object.keys(op.responses);
  parts.push(
    `<h4>回应 · Responses</h4><p>${statuses
      .map((s) => {
        const ref = op.responses[s].$ref as string | undefined;
        const text = ref ? responses[ref.split("/").at(-1)!]?.description : `${s} ${op.responses[s].description}`;
        return `<span class="status" title="${esc(text)}">${esc(s)}</span>`;
      })
      .join(" ")}</p>`,
    `</article>`,
  );
  return parts.join("\n");
}

/** The reference page, from the document (so the page and openapi.json never disagree). */
export function renderDocs(document: Record<string, any>): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags[0] as string;
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(renderOperation(method, path, op, document.components.responses));
      (toc.get(tag) ?? toc.set(tag, []).get(tag)!).push(
        `<li><a href="#${esc(op.operationId)}"><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a></li>`,
      );
    }
  }
  const tagTitle = (tag: string) => (tagNames[tag] ? `${tagNames[tag]["zh-CN"]} · ${tagNames[tag].en}` : tag);
  const statuses = Object.values(document.components.responses as Record<string, { description: string }>);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>接口参考 · API reference</title>
<link rel="stylesheet" href="/api/docs/style.css">
</head>
<body>
<header>
<h1>巾帼活动平台 接口参考 <span lang="en">API reference</span></h1>
<p>机器可读的版本 · Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${esc(document.openapi)})</p>
</header>
<nav>
<h2>目录 · Contents</h2>
<ul>
<li><a href="#conventions">约定 · Conventions</a></li>
${[...toc].map(([tag, items]) => `<li><a href="#tag-${esc(tag)}">${esc(tagTitle(tag))}</a><ul>${items.join("")}</ul></li>`).join("\n")}
</ul>
</nav>
<main>
<section id="conventions">
<h2>约定 · Conventions</h2>
<h3>登录 · Sign-in</h3>
<p>登录后浏览器保存 <code>sid</code> Cookie，之后的请求自动带上。 · <span lang="en">${esc(document.components.securitySchemes.sid.description.split(" · ").at(-1))}.</span></p>
<h3>CSRF</h3>
<p>${esc(document.components.securitySchemes.csrf.description)}</p>
<h3>错误 · Errors</h3>
<p>出错时一律是 · Every error is <code>{ "error": { "code", "message", "details"? } }</code>：</p>
<ul>${statuses.map((r) => `<li>${esc(r.description)}</li>`).join("")}</ul>
</section>
${[...byTag].map(([tag, ops]) => `<section id="tag-${esc(tag)}">\n<h2>${esc(tagTitle(tag))}</h2>\n${ops.join("\n")}\n</section>`).join("\n")}
</main>
</body>
</html>
`;
}

export const STYLE = `:root{color-scheme:light dark;--line:#8884;--soft:#8881}
body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.25rem;border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
h3{font-size:1.05rem;overflow-wrap:anywhere}h4{font-size:.95rem;margin:1rem 0 .25rem}
article{border:1px solid var(--line);border-radius:.5rem;padding:0 .75rem .5rem;margin:1rem 0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:var(--soft);padding:.5rem;overflow-x:auto;max-height:30rem}
.fields{list-style:none;padding:0;margin:0}.fields li{border-bottom:1px solid var(--line);padding:.35rem 0;overflow-wrap:anywhere}
.where,.required{font-size:.8rem;border-radius:.25rem;padding:0 .3rem;background:var(--soft)}.required{font-weight:600}
.more{font-size:.95rem;opacity:.85;white-space:pre-line}
.method{display:inline-block;min-width:3.5em;font:700 .8rem/1.6 ui-monospace,monospace;text-align:center;border-radius:.25rem;padding:0 .25rem;background:#555;color:#fff}
.get{background:#1f6f43}.post{background:#1d4f91}.patch{background:#8a5a00}.put{background:#6b3fa0}.delete{background:#a12828}
.status{display:inline-block;border:1px solid var(--line);border-radius:.25rem;padding:0 .35rem;margin:0 .1rem .2rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem}dt{font-weight:600}dd{margin:0}
nav ul{padding-left:1.25rem}nav li{margin:.15rem 0}a{overflow-wrap:anywhere}
@media (max-width:30rem){body{padding:.75rem}dl{grid-template-columns:1fr}}
`;
