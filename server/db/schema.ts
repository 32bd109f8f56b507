import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables created by migrations/ (0001_initial.ts, then the later ones). */

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Timestamp = ColumnType<Date, Date, Date>;
type Json = ColumnType<unknown, string, string>;

export interface AccountsTable {
  id: Generated<number>;
  company_name: string;
  created_at: CreatedAt;
  /** When the account began to require 2FA; null: it does not (migrations/0009). */
  require_2fa_since: Timestamp | null;
  two_fa_grace_days: Generated<number>;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  phone: string | null;
  lang: Generated<string>;
  password_hash: string | null;
  two_fa_secret: string | null;
  two_fa_enabled_at: Timestamp | null;
  two_fa_last_step: ColumnType<string | null, number | null, number | null>;
  /** Counted up by each password change (migrations/0002): older sessions are over. */
  credentials_version: Generated<number>;
  deleted_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MembershipsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  role_id: number;
  invited_by: number | null;
  invited_at: Generated<Date>;
  invitation_expires_at: Timestamp | null;
  accepted_at: Timestamp | null;
  /** What the invitation said (migrations/0003): shown until the person joins. */
  invited_name: string | null;
  invited_lang: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProjectsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string | null;
  created_at: CreatedAt;
  /** Set when the project is deleted; the row stays (Gcore's `include_deleted`). */
  deleted_at: Date | null;
}

export interface CloudRoleAssignmentsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  project_id: number | null;
  role: string;
  assigned_by: number | null;
  created_at: CreatedAt;
  /** When the role last changed; null until it does. */
  updated_at: Date | null;
}

export interface InvitationsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  token_hash: Uint8Array;
  invited_by: number | null;
  new_user: boolean;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  name: string;
  description: string | null;
  role_id: number;
  secret_hash: Uint8Array;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
  deleted_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** The issuer as this account knew them when they left it (migrations/0003). */
  issuer_name: string | null;
  issuer_email: string | null;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  token_hash: Uint8Array;
  user_id: number;
  account_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  /** Spent by its holder (a refresh). */
  used_at: Timestamp | null;
  /** The sign-in it belongs to (migrations/0002); null only for tokens older than sessions. */
  session_id: string | null;
  /** Ended by the system (a removal from the account). */
  revoked_at: Timestamp | null;
}

/** One sign-in: its access and refresh tokens all name it; revoking it ends them together. */
export interface SessionsTable {
  id: Generated<string>;
  user_id: number;
  /** The user's `credentials_version` when it was opened; behind it, the session is over. */
  credentials_version: number;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface SigningKeysTable {
  kid: string;
  private_jwk: Json;
  public_jwk: Json;
  created_at: CreatedAt;
  retired_at: Timestamp | null;
}

export interface LoginEventsTable {
  id: Generated<string>;
  user_id: number | null;
  account_id: number | null;
  email: string | null;
  occurred_at: CreatedAt;
  ip: string | null;
  user_agent: string | null;
  success: boolean;
  method: 'password' | 'totp' | 'backup_code' | 'identity_provider';
  failure_reason: string | null;
  /** A sign-in, or a secret checked in the settings: no sign-in, kept out of the history. */
  kind: 'sign_in' | 'settings';
}

/** Recent failed sign-ins counted against one address, device or IP (migrations/0003). */
export interface SignInThrottlesTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  /** Attempts before this moment are refused unchecked. */
  next_attempt_at: Timestamp;
}

/** A client that has signed in before, and the hash of the token it holds (migrations/0003). */
export interface TrustedDevicesTable {
  id: Generated<string>;
  user_id: number;
  secret_hash: Uint8Array;
  created_at: CreatedAt;
  last_used_at: Timestamp;
}

export interface TwoFaBackupCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: Uint8Array;
  created_at: CreatedAt;
  used_at: Timestamp | null;
}

export interface TwoFaDisableRequestsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: Uint8Array;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface EmailChangeRequestsTable {
  id: Generated<number>;
  user_id: number;
  new_email: string;
  token_hash: Uint8Array;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  recipient: string;
  template: string;
  lang: string;
  payload: Json;
  created_at: CreatedAt;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  sent_at: Timestamp | null;
  last_error: string | null;
}

export interface MailboxMessagesTable {
  id: Generated<string>;
  outbox_id: string | null;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  occurred_at: CreatedAt;
  account_id: number | null;
  actor_user_id: number | null;
  actor_token_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  details: ColumnType<unknown, string | undefined, string>;
  /** What the request came through, and from where (migrations/0010). */
  ip: string | null;
  via: AuditVia | null;
  session_id: string | null;
  /** The actor and the target person as the account knew them then (migrations/0010). */
  actor_name: string | null;
  actor_email: string | null;
  target_name: string | null;
  target_email: string | null;
}

/** How the actor of an audit row was authenticated. */
export type AuditVia = 'session' | 'identity_provider' | 'api_token';

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  projects: ProjectsTable;
  cloud_role_assignments: CloudRoleAssignmentsTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  refresh_tokens: RefreshTokensTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  login_events: LoginEventsTable;
  sign_in_throttles: SignInThrottlesTable;
  trusted_devices: TrustedDevicesTable;
  two_fa_backup_codes: TwoFaBackupCodesTable;
  two_fa_disable_requests: TwoFaDisableRequestsTable;
  email_change_requests: EmailChangeRequestsTable;
  email_outbox: EmailOutboxTable;
  mailbox_messages: MailboxMessagesTable;
  audit_log: AuditLogTable;
}
