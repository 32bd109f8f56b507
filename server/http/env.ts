import type { IamRoleId, Language } from '../../shared/roles.ts';

/** Who is calling: established by `authenticate`, with the role read from the database. */
export interface Caller {
  userId: number;
  accountId: number;
  roleId: IamRoleId;
  email: string;
  /** Their interface and email language. */
  lang: Language;
  via: 'jwt' | 'identity_provider' | 'api_token';
  /**
   * How many members the account has (`accounts.member_count`), read with the caller at no cost:
   * the Users list plans a big account's filtered statements for its size (docs/decisions/040).
   */
  accountMembers?: number;
  /** The API token that authenticated the request, if one did. */
  tokenId?: number;
  /** The session of the BFF's own access token, if one authenticated the request. */
  sessionId?: string;
  /**
   * Sessions only: the account requires 2FA, this member has none and the grace period is over.
   * `authorize` then serves only what setting it up needs (docs/decisions/026). API tokens never
   * carry it: they are not asked for a second factor.
   */
  mustSetUpTwoFa?: boolean;
}

/** Hono's context variables for every route of the BFF. */
export interface AppEnv {
  Variables: {
    requestId: string;
    caller: Caller;
    /**
     * The same credential checked again, now (the database's answer, not the first one's): for an
     * answer that outlives its request's start, such as a streamed list. Undefined when the
     * credential no longer admits the caller.
     */
    callerNow: () => Promise<Caller | undefined>;
  };
}
