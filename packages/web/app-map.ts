/**
 * The web app's map, read from its sources with the TypeScript parser (Node only, never in the
 * browser): its routes and the message areas each route's page loads (src/routes.ts), the
 * import graph of src/, the message keys each file names, and from those the tables of words
 * the browser loads (the shell's, each participant page's own: wordTables). vite.config.ts makes
 * those tables and writes .vite/app-map.json (the service worker's precache and the bytes bench
 * read it); the unit tests use it to prove that no page can show a raw key and that a
 * participant's page loads no organiser, judge or desk code.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { errorMessages, fieldMessages, type MessageArea } from "../core/src/messages/index.ts";

export type RouteInfo = {
  /** the route's path pattern, as in routes.ts ("/campaigns/:id") */
  path: string;
  /** the page module, absolute */
  page: string;
  /** areas of the message table the page loads whole (none: a participant's page) */
  areas: MessageArea[];
};

/**
 * The areas of core's table a page may name, each loaded whole with it. A participant's page
 * names none: the common area is cut for her (wordTables), into the shell's words and each
 * page's own. An organiser's, judge's or desk page names "common" too: whole, it costs her one
 * table more, where a table of its own would cost every phone a loader in the entry.
 */
export const PAGE_AREAS = ["common", "organiser", "judge", "desk"] as const satisfies readonly MessageArea[];

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

/** What runs from `start`: its imports, deeply, and its own import()s (not the router's of the pages). */
export function reachFrom(start: string, graph = readSourceGraph()): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const node = graph.get(file);
    if (!node) continue;
    queue.push(...node.imports);
    if (file !== routesFile) queue.push(...node.dynamicImports);
  }
  return seen;
}

/**
 * The tables of words the app loads, each a chunk per language: the shell's (what the entry
 * loads before it draws), an area of core's table a page names ("organiser"), and a page's own
 * ("pages/Home": what its modules name of the common area beyond the shell's).
 */
export const SHELL = "shell";
export const pageTableOf = (page: string) => relative(srcDir, page).replaceAll("\\", "/").replace(/\.tsx?$/, "");

/**
 * One start of the app, what runs from it and the tables sure to be loaded then: the entry with
 * the shell's words; a route's page with the shell's, its areas and its own (if it has words of
 * its own). A page's own import() of a local module runs within it and counts; the router's
 * import() of the pages in routes.ts does not (each page is a start of its own).
 */
export type Visit = { start: string; route?: RouteInfo; tables: string[]; files: Set<string> };

export function visitsOf(routes: RouteInfo[], graph = readSourceGraph()): Visit[] {
  return [
    { start: entryFile, tables: [SHELL], files: reachFrom(entryFile, graph) },
    ...routes.map((route) => ({
      start: route.page,
      route,
      tables: [SHELL, ...route.areas, pageTableOf(route.page)],
      files: reachFrom(route.page, graph),
    })),
  ];
}

/** The files a participant's visit can run: the entry's and every participant page's. */
export function participantFiles(routes: RouteInfo[], graph = readSourceGraph()): Set<string> {
  return new Set(visitsOf(routes.filter(isParticipantRoute), graph).flatMap((v) => [...v.files]));
}

export type KeyUse = { key: string; line: number };
export type KeyPattern = { pattern: string; regex: RegExp; line: number };

/**
 * i18n.ts's functions that show a key the server chose: errorText() any error code, and
 * fieldErrorText() any field's reason. A file that calls one names every key it may show.
 */
export const SERVER_KEYS: Readonly<Record<string, readonly string[]>> = {
  errorText: Object.keys(errorMessages),
  fieldErrorText: Object.keys(fieldMessages),
};

/**
 * The message keys a file names: every string literal that is a key of the table (wherever it
 * is: in tr("…"), a Record of keys, a ternary), every template literal shaped like a key
 * (`kind.${kind}`) that matches at least one key — it may become any key it matches — and every
 * call of errorText() or fieldErrorText(), as the keys it may show (SERVER_KEYS).
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
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && Object.hasOwn(SERVER_KEYS, node.expression.text)) {
      const shown = SERVER_KEYS[node.expression.text]!;
      patterns.push({ pattern: `${node.expression.text}(…)`, regex: new RegExp(`^(?:${shown.map(escape).join("|")})$`), line: line(node) });
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

/** Every key the files name, literally or as a built key (`kind.${k}`: every key it can be). */
export function keysNamedBy(files: Iterable<string>, allKeys: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    const { keys, patterns } = keysNamedIn(file, allKeys);
    for (const use of keys) out.add(use.key);
    for (const p of patterns) for (const key of allKeys) if (p.regex.test(key)) out.add(key);
  }
  return out;
}

/**
 * How the common area is cut for the browser (vite.config.ts makes a chunk of each, per
 * language): the shell's words are what the entry's modules name (its error panel: every error
 * code); a page's own are what its modules name of the common area that neither the shell nor
 * the areas it loads hold. A page without words of its own has no table.
 */
export function wordTables(
  routes: RouteInfo[],
  areaKeys: Readonly<Record<MessageArea, ReadonlySet<string>>>,
  allKeys: ReadonlySet<string>,
  graph = readSourceGraph(),
): Record<string, string[]> {
  const [entry, ...pages] = visitsOf(routes, graph);
  const named = (files: Set<string>) => [...keysNamedBy(files, allKeys)].filter((k) => areaKeys.common.has(k));
  const shell = new Set(named(entry!.files));
  const tables: Record<string, string[]> = { [SHELL]: [...shell].sort() };
  for (const visit of pages) {
    const own = named(visit.files).filter((k) => !shell.has(k) && !visit.route!.areas.some((a) => areaKeys[a].has(k)));
    if (own.length) tables[pageTableOf(visit.start)] = own.sort();
  }
  return tables;
}
