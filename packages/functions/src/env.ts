import type { Db } from "@jinguo/core/db";
import type { Clock } from "@jinguo/core/clock";
import type { SmsSender } from "@jinguo/core/sms";
import type { UploadStore } from "@jinguo/core/uploads";

/** What the app needs from where it runs (Lambda or the local stack). */
export interface Deps {
  db: Db;
  clock: Clock;
  /** signs session cookies and one-time-code hashes */
  secret: string;
  /** "local" enables the dev outbox and the local accounts; any other stage is the cloud */
  stage: string;
  sms: SmsSender;
  /** per-client (per-IP) limits: on in the cloud, off by default locally (API.md) */
  rateLimitPerClient: boolean;
  /**
   * CloudFront is in front of the API and writes `CloudFront-Viewer-Address`: per-client
   * limits key on that viewer, not on the edge's address (see client.ts).
   */
  trustCloudFrontViewerAddress?: boolean;
  /** where people open the web app, for links in QR codes; default: the origin each request came to */
  publicUrl?: string;
  /**
   * The local stage's outbox dispatcher: told after a change so a notice goes out at once, not
   * at its next look. Absent in the cloud, where the table's stream delivers.
   */
  outbox?: { kick(): void };
  /** where uploaded images' bytes are kept; without one, the upload routes answer 404 */
  uploads?: UploadStore;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    /** the signed-in person, when the session cookie is valid */
    userId?: string;
    /** the request's Idempotency-Key, once the idempotency middleware has claimed it */
    idempotencyKey?: string;
  };
};
