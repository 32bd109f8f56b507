import type { Project } from '../../shared/invitations.ts';
import type { ApiClient } from '../../widget/api/client.ts';

/**
 * A client for an element mounted alone (`.client=${stubClient({ projects })}`): it holds only the
 * methods a test gives it, so the element never reaches a BFF and a call the test did not plan for
 * fails ("is not a function") instead of passing by accident.
 */
export function stubClient(methods: Partial<ApiClient>): ApiClient {
  return methods as ApiClient;
}

/** The account's projects as `GET /cloud/v1/projects` lists them (its page's `results`). */
const live = {
  description: null,
  is_default: false,
  state: 'ACTIVE' as const,
  deleted_at: null,
  task_id: null,
};
export const PROJECTS: Project[] = [
  { id: 11, name: 'Website', client_id: 1, created_at: '2026-11-01T10:00:00.000Z', ...live },
  { id: 12, name: 'Data warehouse', client_id: 1, created_at: '2026-11-02T10:00:00.000Z', ...live },
];

/** One request an element made through a recording client: the method and its arguments. */
export type Call = [method: string, ...args: unknown[]];

/**
 * A stub client that also writes down every call in order (`calls`), as the element made it,
 * without the abort signal: a test reads back which requests went out and with what.
 */
export function recordingClient(methods: Partial<ApiClient>): {
  client: ApiClient;
  calls: Call[];
} {
  const calls: Call[] = [];
  const recorded = Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [
      name,
      (...args: unknown[]) => {
        calls.push([name, ...args.filter((arg) => !(arg instanceof AbortSignal))]);
        return (method as (...args: unknown[]) => unknown)(...args);
      },
    ]),
  );
  return { client: stubClient(recorded as Partial<ApiClient>), calls };
}
