/**
 * The edge's web ACL (AWS WAF) for the distribution of stack.ts. A web ACL for CloudFront
 * lives in us-east-1 whatever the region of the rest, and one CloudFormation stack has one
 * region: so it is a stack of its own, deployed first, whose output `WebAclArn` is the main
 * stack's parameter of that name (README, "Deploy").
 *
 * Rules: per-viewer-address rate limits on the vote and the one-time-code routes
 * (infra/cloud-settings.ts `edgeRateLimits`), answering 429 in the API's error shape.
 * Everything else is allowed: the app's own checks decide.
 */
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { RATE_LIMITED_BODY_KEY, edgeRules, rateLimitedBody } from "../cloud-settings.ts";

export class JinguoEdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      name: `${id}-web`,
      description: "jinguo: rate limits per viewer address on votes and one-time codes",
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${id}-web`, sampledRequestsEnabled: true },
      customResponseBodies: { [RATE_LIMITED_BODY_KEY]: { contentType: "APPLICATION_JSON", content: rateLimitedBody } },
    });
    // WAF's own JSON, shared with the SST app (infra/web.ts), set as CloudFormation takes it.
    this.webAcl.addPropertyOverride("Rules", edgeRules(id));

    new CfnOutput(this, "WebAclArn", { value: this.webAcl.attrArn });
  }
}
