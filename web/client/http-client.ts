import { errorFromResponse, LeadsApiError } from './leads-api-error.js';

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface HttpOptions {
  /** The service's origin, e.g. `http://localhost:3000`; '' means the page's own origin. */
  baseUrl: string;
  /** Bearer token: the admin token or a customer-scoped one. */
  token: string;
  /** Default the global fetch. */
  fetch?: typeof fetch | undefined;
}

/** The JSON transport of leadsApi: auth header, query strings, error bodies → LeadsApiError. */
export function createHttp(options: HttpOptions) {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.token}` };

  const url = (path: string, query: Query = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  };

  async function send(method: string, path: string, query?: Query, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetchFn(url(path, query), {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new LeadsApiError('NETWORK_ERROR', 0, `Could not reach the service: ${(error as Error).message}`);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  return {
    fetchFn,
    headers,
    url,
    send,
    /** A JSON call; 204 resolves to undefined. */
    async json<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
      const response = await send(method, path, query, body);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
  };
}

export type Http = ReturnType<typeof createHttp>;
