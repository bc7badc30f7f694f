import type { TestProject } from "vitest/node";
import { startDynamoLocal } from "../packages/local/src/dynamo.ts";

import "./provided.ts";

/** One DynamoDB Local (in memory) per test project; tests reach it over HTTP like production. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
