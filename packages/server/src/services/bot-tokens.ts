/** A bot token is a session whose expiry is this (never): only a revocation ends it. */
export const BOT_TOKEN_EXPIRY = Number.MAX_SAFE_INTEGER;
