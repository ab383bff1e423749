/**
 * A chat model the AI assistant asks (services/assistant.ts): a list of turns in, the
 * answer's text out, piece by piece as the model streams it. The implementation
 * (net/chat-openai.ts) speaks the OpenAI chat-completions protocol through the guarded
 * outgoing HTTP client; services never open sockets themselves.
 */

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  turns: readonly ChatTurn[];
  /** The most tokens of the answer (`max_tokens`). */
  maxTokens: number;
  /** Ends the request and the stream (the job's deadline). */
  signal: AbortSignal;
}

/**
 * Why an answer did not come (whole): `status` (the endpoint answered an HTTP error,
 * `status` says which), `timeout`, `network` (refused, reset, cut off before the end),
 * `refused_address` (the endpoint's address is internal and not allowed).
 */
export type ChatFailure = 'status' | 'timeout' | 'network' | 'refused_address';

export class ChatModelError extends Error {
  constructor(
    readonly reason: ChatFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChatModelError';
  }
}

export interface ChatModel {
  /**
   * The answer's text pieces, in order, until the model says it finished.
   * @throws ChatModelError, also in the middle of the stream
   */
  stream(request: ChatRequest): AsyncIterable<string>;
}
