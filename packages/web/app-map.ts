/**
 * The web app's map, read from its sources with the TypeScript parser (Node only, never in the
 * browser): its routes and the message areas each route's page loads (src/routes.ts), the
 * import graph of src/, which areas are sure to be loaded when each file runs, and the message
 * keys each file names. vite.config.ts uses it to write .vite/app-map.json (the service worker's
 * precache and the bytes bench read it); the unit tests use it to prove that a participant page
 * can show no raw key and loads no organiser, judge or desk code.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import type { MessageArea } from "../core/src/messages/index.ts";

export type RouteInfo = {
  /** the route's path pattern, as in routes.ts ("/campaigns/:id") */
  path: string;
  /** the page module, absolute */
  page: string;
  /** message areas the page loads besides the common one (none: a participant page) */
  areas: MessageArea[];
};

/** The areas any page may name; "common" is always loaded, by the entry itself. */
export const PAGE_AREAS = ["organiser", "judge", "desk"] as const satisfies readonly MessageArea[];

export const webRoot = dirname(new URL(import.meta.url).pathname);
export const srcDir = join(webRoot, "src");
export const entryFile = join(srcDir, "index.tsx");
export const routesFile = join(srcDir, "routes.ts");

const parse = (file: string) =>
  ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** `import("…")` with a literal specifier, or undefined. */
function dynamicImportOf(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
  const arg = node.arguments[0];
  return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/**
 * The routes: each `page("/path", ["area", …], () => import("./pages/X.tsx"), …)` call in
 * routes.ts. Any other shape of route there is an error, so the map cannot silently miss one.
 */
export function readRoutes(file = routesFile): RouteInfo[] {
  const source = parse(file);
  const routes: RouteInfo[] = [];
  walk(source, (node) => {
    if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "page") return;
    const [path, areas, load] = node.arguments;
    const where = `${relative(webRoot, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    if (!path || !ts.isStringLiteralLike(path)) throw new Error(`${where}: page() needs its path as a string literal`);
    if (!areas || !ts.isArrayLiteralExpression(areas) || !areas.elements.every(ts.isStringLiteralLike)) {
      throw new Error(`${where}: page() needs its areas as an array of string literals`);
    }
    const named = areas.elements.map((e) => (e as ts.StringLiteralLike).text);
    const unknown = named.filter((a) => !(PAGE_AREAS as readonly string[]).includes(a));
    if (unknown.length) throw new Error(`${where}: unknown message area ${unknown.join(", ")}`);
    const spec = load && ts.isArrowFunction(load) ? dynamicImportOf(load.body) : undefined;
    if (!spec) throw new Error(`${where}: page() needs its module as () => import("./pages/…")`);
    routes.push({ path: path.text, page: resolve(dirname(file), spec), areas: named as MessageArea[] });
  });
  // Every route of the app is a page(): one `component:` (page()'s own) and no other, so a
  // route written another way cannot escape this map.
  let components = 0;
  walk(source, (node) => {
    if (ts.isPropertyAssignment(node) && node.name.getText(source) === "component") components++;
  });
  if (components !== 1 || routes.length === 0) {
    throw new Error(`${relative(webRoot, file)}: routes must all be made with page() (found ${components} component: properties, ${routes.length} page() calls)`);
  }
  return routes;
}

/** A participant's route: its page loads no area but the common one. */
export const isParticipantRoute = (route: RouteInfo) => route.areas.length === 0;

export type SourceFile = {
  file: string;
  /** local modules it imports statically (import … from, export … from, side-effect imports) */
  imports: string[];
  /** local modules it imports with import() */
  dynamicImports: string[];
};

function sourceFiles(dir = srcDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** src/'s own modules and how they import one another (packages and CSS are left out). */
export function readSourceGraph(dir = srcDir): Map<string, SourceFile> {
  const graph = new Map<string, SourceFile>();
  for (const file of sourceFiles(dir)) {
    const source = parse(file);
    const local = (spec: string) => (spec.startsWith(".") && /\.(ts|tsx)$/.test(spec) ? resolve(dirname(file), spec) : undefined);
    const imports = new Set<string>();
    const dynamicImports = new Set<string>();
    for (const statement of source.statements) {
      const isTypeOnly =
        (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) ||
        (ts.isExportDeclaration(statement) && statement.isTypeOnly);
      if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && !isTypeOnly) {
        const spec = statement.moduleSpecifier;
        const target = spec && ts.isStringLiteral(spec) ? local(spec.text) : undefined;
        if (target) imports.add(target);
      }
    }
    walk(source, (node) => {
      const spec = dynamicImportOf(node);
      const target = spec ? local(spec) : undefined;
      if (target) dynamicImports.add(target);
    });
    graph.set(file, { file, imports: [...imports], dynamicImports: [...dynamicImports] });
  }
  return graph;
}

/**
 * For each file, the message areas sure to be loaded whenever its code runs: the entry and what
 * it imports run with the common area only; a route's page (and all it imports) with the common
 * area and the page's own. A file reached from several places gets only what all of them load.
 * A page's own import() of a local module counts as an import (it runs within that page); the
 * router's import() of the pages in routes.ts do not (each page is a start of its own).
 */
export function areasByFile(routes: RouteInfo[], graph = readSourceGraph()): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  const reach = (start: string, areas: Set<string>) => {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const had = result.get(file);
      result.set(file, had ? new Set([...had].filter((a) => areas.has(a))) : new Set(areas));
      const node = graph.get(file);
      if (!node) continue;
      queue.push(...node.imports);
      if (file !== routesFile) queue.push(...node.dynamicImports);
    }
  };
  reach(entryFile, new Set(["common"]));
  for (const route of routes) reach(route.page, new Set(["common", ...route.areas]));
  return result;
}

/** The files a participant's visit can run: the entry's and every participant page's. */
export function participantFiles(routes: RouteInfo[], graph = readSourceGraph()): Set<string> {
  const areas = areasByFile(routes.filter(isParticipantRoute), graph);
  return new Set(areas.keys());
}

export type KeyUse = { key: string; line: number };
export type KeyPattern = { pattern: string; regex: RegExp; line: number };

/**
 * The message keys a file names: every string literal that is a key of the table (wherever it
 * is: in tr("…"), a Record of keys, a ternary), and every template literal shaped like a key
 * (`kind.${kind}`) that matches at least one key — it may become any key it matches.
 */
export function keysNamedIn(file: string, allKeys: ReadonlySet<string>): { keys: KeyUse[]; patterns: KeyPattern[] } {
  const source = parse(file);
  const keys: KeyUse[] = [];
  const patterns: KeyPattern[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  walk(source, (node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && allKeys.has(node.text)) {
      // an import's specifier is never a key ("./x.ts" has no such shape), nothing to exclude
      keys.push({ key: node.text, line: line(node) });
    } else if (ts.isTemplateExpression(node) && /^[A-Za-z][\w]*\./.test(node.head.text)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      const regex = new RegExp(`^${parts.map(escape).join("[\\w-]+")}$`);
      const text = [node.head.text, ...node.templateSpans.map((s) => `\${…}${s.literal.text}`)].join("");
      if ([...allKeys].some((k) => regex.test(k))) patterns.push({ pattern: text, regex, line: line(node) });
    }
  });
  return { keys, patterns };
}

/** What a participant (or any) page could show as a raw key: keys a file names that its areas lack. */
export function missingKeys(
  files: Map<string, Set<string>>,
  areaKeys: Readonly<Record<string, ReadonlySet<string>>>,
  allKeys: ReadonlySet<string>,
  read: (file: string) => { keys: KeyUse[]; patterns: KeyPattern[] } = (file) => keysNamedIn(file, allKeys),
): string[] {
  const problems: string[] = [];
  for (const [file, areas] of files) {
    const available = (key: string) => [...areas].some((a) => areaKeys[a]?.has(key));
    const where = (n: number) => `${relative(webRoot, file)}:${n}`;
    const { keys, patterns } = read(file);
    for (const use of keys) {
      if (!available(use.key)) problems.push(`${where(use.line)} names "${use.key}", not in the areas it loads (${[...areas].join(", ")})`);
    }
    for (const p of patterns) {
      const outside = [...allKeys].filter((k) => p.regex.test(k) && !available(k));
      if (outside.length) {
        problems.push(`${where(p.line)} builds \`${p.pattern}\`, which can be ${outside.join(", ")}: not in the areas it loads (${[...areas].join(", ")})`);
      }
    }
  }
  return problems;
}
