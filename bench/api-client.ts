import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ApiResponse {
  status: number;
  body: unknown;
  /** Request written → last byte of the answer read (ms). */
  ms: number;
}

/**
 * A dashboard-like client of the leadsync API: one keep-alive connection, bearer token, JSON.
 * One socket means a request that the server answers late also delays the next one, as it
 * would in a browser tab polling the status.
 */
export function apiClient(baseUrl: string, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: 'GET' | 'POST', path: string, json?: unknown): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const payload = json === undefined ? undefined : JSON.stringify(json);
      const started = performance.now();
      const req = request(
        new URL(path, baseUrl),
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload !== undefined && { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // Not JSON (an HTML error page): keep the text for the error message.
            }
            resolve({ status: res.statusCode ?? 0, body, ms });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, json?: unknown) => call('POST', path, json),
    close: () => agent.destroy(),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
