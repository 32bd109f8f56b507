/**
 * A BFF inside the test page: `fetch` is replaced by a function of the test's, so an element can be
 * tested alone, with answers the test chooses, and the requests it sent can be read back.
 */

export interface SentRequest {
  method: string;
  /** The path and query, without the widget's `api` prefix's origin. */
  path: string;
  /** The bearer token sent, if any. */
  access: string | undefined;
  body: unknown;
}

export type Answer = (request: SentRequest) => { status: number; json?: unknown };

export class FakeBff {
  readonly requests: SentRequest[] = [];
  private readonly realFetch = window.fetch;

  constructor(answer: Answer) {
    window.fetch = async (input, init) => {
      const url = new URL(String(input), location.href);
      const headers = new Headers(init?.headers);
      const request: SentRequest = {
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        access: headers.get('Authorization')?.replace(/^Bearer /, '') ?? undefined,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      this.requests.push(request);
      const { status, json } = answer(request);
      return new Response(json === undefined ? null : JSON.stringify(json), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    };
  }

  /** Gives `fetch` back to the page. */
  restore(): void {
    window.fetch = this.realFetch;
  }
}

/** An unsigned JWT with these claims: the widget only decodes them (the BFF verifies). */
export function fakeJwt(claims: { sid: string; client_id: number; n?: number }): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${part({ alg: 'none' })}.${part(claims)}.signature`;
}
