/** The API answer as the e2e tests read it: the status and, when the body is JSON, the body. */
export interface ApiAnswer {
  readonly status: number;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type ApiCall = (method: string, path: string, token: string, body?: unknown) => Promise<ApiAnswer>;

/** Calls `${baseUrl}/api/v1/<path>` with a Bearer token and an optional JSON body, as the dashboard does. */
export function bearerApi(baseUrl: string): ApiCall {
  return async (method, path, token, body) => {
    const response = await fetch(`${baseUrl}/api/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined };
  };
}
