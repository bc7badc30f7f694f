import { describe, expect, it } from "vitest";
import { build, type Metafile } from "esbuild";
import { bundleOptions, repoRoot } from "../../../infra/bundle.ts";

/**
 * Reading a secret adds no package to a cold start: cloud.ts, which every function imports at
 * start, holds no Secrets Manager client, and what src/secrets.ts needs from node_modules is
 * all in the DynamoDB client's bundle already (its signer, SHA-256, credential chain).
 * Built with infra/bundle.ts's settings, in memory.
 */

async function inputs(contents: string): Promise<string[]> {
  const { entryPoints: _entry, outdir: _out, ...options } = bundleOptions("unused", "/nonexistent");
  const { metafile } = await build({
    ...options,
    // one file: what the entry reaches statically and dynamically alike
    splitting: false,
    write: false,
    outfile: "/nonexistent/probe.mjs",
    stdin: { contents, resolveDir: repoRoot, sourcefile: "probe.ts", loader: "ts" },
  });
  return Object.keys((metafile as Metafile).inputs);
}
const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
const modules = (all: string[]) => new Set(all.filter((i) => i.includes("node_modules/")));

const secrets = inputs(`export { getSecretString } from "./packages/functions/src/secrets.ts";`);
const cloud = inputs(`export { cloudParts, readSecretValue } from "./packages/functions/src/cloud.ts";`);
const dynamodb = inputs(`import { createDb } from "./packages/core/src/db/index.ts"; export const db = createDb({ tableName: "t" });`);

describe("reading a secret, in the bundle", () => {
  it("cloud.ts holds no Secrets Manager client", { timeout: 60_000 }, async () => {
    expect((await cloud).filter((i) => packageOf(i) === "@aws-sdk/client-secrets-manager")).toEqual([]);
    expect((await cloud).some((i) => i.endsWith("packages/functions/src/secrets.ts"))).toBe(true);
  });

  it("every module src/secrets.ts takes from node_modules is one the DynamoDB client brings", { timeout: 60_000 }, async () => {
    const already = modules(await dynamodb);
    const needed = modules(await secrets);
    expect(needed.size).toBeGreaterThan(0);
    expect([...needed].filter((i) => !already.has(i))).toEqual([]);
    expect([...new Set([...needed].map(packageOf))].sort()).toEqual(
      expect.arrayContaining(["@aws-sdk/credential-provider-node", "@smithy/core", "@smithy/signature-v4"]),
    );
  });

  it("negative control: the SDK's client is not among what the DynamoDB client brings", { timeout: 60_000 }, async () => {
    const already = modules(await dynamodb);
    const client = modules(await inputs(`export { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";`));
    expect([...client].filter((i) => !already.has(i)).some((i) => packageOf(i) === "@aws-sdk/client-secrets-manager")).toBe(true);
  });
});
