/**
 * Our side of the rush: signed-in women registering through the HTTP API, driven by
 * autocannon. By default it runs in a worker thread, so the load generator does not share
 * the server's event loop (a real crowd is on other machines); `--load inline` keeps it on
 * the main thread.
 */
import autocannon from "autocannon";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

export interface HttpRushInput {
  /** e.g. http://localhost:3000 */
  url: string;
  path: string;
  connections: number;
  /** how many requests in all (one per woman) */
  amount: number;
  /** per woman, in order: her cookie header and her JSON body */
  requests: { cookie: string; body: string }[];
}

export interface HttpRushOutcome {
  seconds: number;
  latencies: number[];
  /** per 201: its latency, and when it came (ms after the start) */
  confirmedLatencies: number[];
  confirmedAt: number[];
  /** HTTP status → count */
  statuses: Record<string, number>;
  /** `status code` (error code from the body, or "ok") → count */
  codes: Record<string, number>;
  /** connection errors and timeouts */
  errors: number;
  timeouts: number;
}

export function httpRush(input: HttpRushInput): Promise<HttpRushOutcome> {
  const origin = new URL(input.url).origin;
  const latencies: number[] = [];
  const confirmedLatencies: number[] = [];
  const confirmedAt: number[] = [];
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: input.url,
        connections: input.connections,
        amount: input.amount,
        // A registration must be answered, whatever the queue: give it time rather than count it lost.
        timeout: 60,
        requests: [
          {
            method: "POST",
            path: input.path,
            // Each request is the next woman: her cookie, her answers. CSRF: our own Origin.
            setupRequest: (req) => {
              const woman = input.requests[next++];
              if (!woman) throw new Error("more requests than women: add spares");
              return {
                ...req,
                headers: { ...req.headers, origin, "content-type": "application/json", cookie: woman.cookie },
                body: woman.body,
              };
            },
            onResponse: (status, body) => {
              let code = "ok";
              if (status >= 300) {
                try {
                  code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? "?";
                } catch {
                  code = "unparsable";
                }
              }
              const key = `${status} ${code}`;
              codes[key] = (codes[key] ?? 0) + 1;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          seconds: (performance.now() - started) / 1000,
          latencies,
          confirmedLatencies,
          confirmedAt,
          statuses,
          codes,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 201) {
        confirmedLatencies.push(ms);
        confirmedAt.push(performance.now() - started);
      }
    });
  });
}

/** Runs `httpRush` in a worker thread (loading this file through tsx there too). */
export function httpRushInWorker(input: HttpRushInput): Promise<HttpRushOutcome> {
  // tsx's hooks are not inherited by workers: the worker registers them, then loads this file.
  const tsx = import.meta.resolve("tsx/esm/api");
  const self = import.meta.url;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { httpRush: input } });
    worker.once("message", (outcome: HttpRushOutcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

if (!isMainThread && workerData?.httpRush) {
  httpRush(workerData.httpRush as HttpRushInput).then(
    (outcome) => parentPort!.postMessage(outcome),
    (err) => {
      throw err;
    },
  );
}
