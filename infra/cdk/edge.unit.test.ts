import { describe, it, expect } from "vitest";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { t as message } from "../../packages/core/src/messages/index.ts";
import { JinguoEdgeStack } from "./edge.ts";

type Json = Record<string, any>;
const json: Json = Template.fromStack(new JinguoEdgeStack(new App(), "Edge", { env: { region: "us-east-1" } })).toJSON();

function webAcl(t: Json): Json {
  const found = Object.values(t.Resources as Json).filter((r) => r.Type === "AWS::WAFv2::WebACL");
  expect(found, "one web ACL").toHaveLength(1);
  return found[0].Properties;
}

/**
 * Does a rate rule count this request? Its scope-down statement, evaluated the way WAF does for
 * the statements used here: an AND of an exact method match and a regex on the URL-decoded path.
 */
function counts(rule: Json, method: string, path: string): boolean {
  const scope = rule.Statement.RateBasedStatement?.ScopeDownStatement;
  if (!scope) return true;
  return scope.AndStatement.Statements.every((s: Json) => {
    if (s.ByteMatchStatement) {
      expect(Object.keys(s.ByteMatchStatement.FieldToMatch)).toEqual(["Method"]);
      expect(s.ByteMatchStatement.PositionalConstraint).toBe("EXACTLY");
      return method === s.ByteMatchStatement.SearchString;
    }
    if (s.RegexMatchStatement) {
      expect(Object.keys(s.RegexMatchStatement.FieldToMatch)).toEqual(["UriPath"]);
      const decode = s.RegexMatchStatement.TextTransformations.some((x: Json) => x.Type === "URL_DECODE");
      return new RegExp(s.RegexMatchStatement.RegexString).test(decode ? decodeURIComponent(path) : path);
    }
    throw new Error(`a statement this test cannot evaluate: ${Object.keys(s)}`);
  });
}
const rulesCounting = (t: Json, method: string, path: string) =>
  webAcl(t).Rules.filter((r: Json) => r.Statement.RateBasedStatement && counts(r, method, path));

const checks: Record<string, (t: Json) => void> = {
  "a CloudFront web ACL that lets everything else through": (t) => {
    const acl = webAcl(t);
    expect(acl.Scope).toBe("CLOUDFRONT");
    expect(acl.DefaultAction).toEqual({ Allow: {} });
  },
  "votes are rate-limited per viewer address: POST /api/campaigns/*/votes": (t) => {
    const [rule, ...more] = rulesCounting(t, "POST", "/api/campaigns/c8k2m4q6r8t0/votes");
    expect(rule, "a rate rule counts a vote").toBeDefined();
    expect(more).toEqual([]);
    expect(rule.Statement.RateBasedStatement.AggregateKeyType).toBe("IP");
    expect(rule.Statement.RateBasedStatement.Limit).toBeGreaterThanOrEqual(10);
    expect(counts(rule, "POST", "/api/campaigns/c1/vo%74es"), "the same route, percent-encoded").toBe(true);
    expect(counts(rule, "GET", "/api/campaigns/c1/votes")).toBe(false);
    expect(counts(rule, "POST", "/api/campaigns/c1/entries")).toBe(false);
    expect(counts(rule, "POST", "/api/admin/campaigns/c1/votes/void")).toBe(false);
  },
  "one-time codes are rate-limited per viewer address: POST /api/auth/otp": (t) => {
    const [rule, ...more] = rulesCounting(t, "POST", "/api/auth/otp");
    expect(rule, "a rate rule counts a code request").toBeDefined();
    expect(more).toEqual([]);
    expect(rule.Statement.RateBasedStatement.AggregateKeyType).toBe("IP");
    expect(counts(rule, "POST", "/api/auth/verify")).toBe(false);
    expect(counts(rule, "GET", "/api/auth/otp")).toBe(false);
  },
  "other requests are never counted": (t) => {
    for (const [method, path] of [
      ["GET", "/api/campaigns"],
      ["GET", "/api/campaigns/c1/leaderboard"],
      ["POST", "/api/campaigns/c1/registrations"],
      ["GET", "/"],
    ] as const) {
      expect(rulesCounting(t, method, path), `${method} ${path}`).toEqual([]);
    }
  },
  "over the limit: 429 in the API's error shape and words, with Retry-After": (t) => {
    const acl = webAcl(t);
    for (const rule of acl.Rules) {
      const response = rule.Action.Block?.CustomResponse;
      expect(response?.ResponseCode, rule.Name).toBe(429);
      expect(response.ResponseHeaders.map((h: Json) => h.Name.toLowerCase())).toContain("retry-after");
      const body = acl.CustomResponseBodies[response.CustomResponseBodyKey];
      expect(body.ContentType).toBe("APPLICATION_JSON");
      expect(JSON.parse(body.Content)).toEqual({ error: { code: "RATE_LIMITED", message: message("RATE_LIMITED", "zh-CN") } });
    }
  },
  "the edge stack puts out the web ACL's ARN for the main stack's parameter": (t) => {
    const [aclId] = Object.entries(t.Resources as Json).find(([, r]) => r.Type === "AWS::WAFv2::WebACL")!;
    expect(t.Outputs.WebAclArn.Value).toEqual({ "Fn::GetAtt": [aclId, "Arn"] });
  },
};

const ruleCounting = (t: Json, method: string, path: string) => rulesCounting(t, method, path)[0];
const breakages: Record<string, (t: Json) => void> = {
  "a CloudFront web ACL that lets everything else through": (t) => {
    webAcl(t).Scope = "REGIONAL";
  },
  "votes are rate-limited per viewer address: POST /api/campaigns/*/votes": (t) => {
    // A rule that forgot the method would also count the leaderboard's readers.
    const rule = ruleCounting(t, "POST", "/api/campaigns/c1/votes");
    rule.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements[1].RegexMatchStatement.RegexString = "^/api/campaigns/[^/]+/vote$";
  },
  "one-time codes are rate-limited per viewer address: POST /api/auth/otp": (t) => {
    const acl = webAcl(t);
    acl.Rules = acl.Rules.filter((r: Json) => !counts(r, "POST", "/api/auth/otp"));
  },
  "other requests are never counted": (t) => {
    const rule = ruleCounting(t, "POST", "/api/campaigns/c1/votes");
    rule.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements[1].RegexMatchStatement.RegexString = "^/api/campaigns";
    rule.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements.shift();
  },
  "over the limit: 429 in the API's error shape and words, with Retry-After": (t) => {
    webAcl(t).Rules[0].Action = { Block: {} };
  },
  "the edge stack puts out the web ACL's ARN for the main stack's parameter": (t) => {
    delete t.Outputs.WebAclArn;
  },
};

describe("JinguoEdgeStack", () => {
  for (const [name, check] of Object.entries(checks)) {
    it(name, () => check(json));
    it(`${name} — a template without it is caught`, () => {
      const broken = structuredClone(json);
      expect(breakages[name], "a breakage for every check").toBeDefined();
      breakages[name]!(broken);
      expect(() => check(broken)).toThrow();
    });
  }
});
