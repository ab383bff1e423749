/**
 * The chat model of the AI assistant over any OpenAI-compatible chat-completions endpoint,
 * with the official `openai` client (streaming: server-sent events of
 * `chat.completion.chunk` objects, ended by `data: [DONE]`). Every request goes through
 * the guarded fetch of net/safe-fetch.ts, so the endpoint's address is checked like a
 * webhook's unless the operator allowed internal addresses for it. The client's own
 * retries are off: a failed answer is reported in the conversation, and asked again by
 * the person if they wish. Knows nothing of services.
 */
import OpenAI from 'openai';
import { ChatModelError, type ChatModel, type ChatRequest } from '../ports/chat-model';
import { OutboundError } from '../ports/outbound-http';

export interface OpenAiChatOptions {
  baseUrl: string;
  model: string;
  /** Unset: no Authorization header (a local server). */
  apiKey: string | null;
  /** The guarded fetch (net/safe-fetch.ts guardedFetch). */
  fetch: typeof fetch;
}

/** The ChatModelError for whatever the client or the stream threw. */
function failure(error: unknown, signal: AbortSignal): ChatModelError {
  if (error instanceof ChatModelError) return error;
  if (signal.aborted)
    return new ChatModelError('timeout', 'The model did not answer in time.', undefined, { cause: error });
  const outbound = findOutbound(error);
  if (outbound) {
    const reason =
      outbound.reason === 'refused_address' ? 'refused_address' : outbound.reason === 'timeout' ? 'timeout' : 'network';
    return new ChatModelError(reason, outbound.message, undefined, { cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    return new ChatModelError('status', `The model's server answered ${error.status}.`, error.status, { cause: error });
  }
  return new ChatModelError('network', 'The connection to the model broke off.', undefined, { cause: error });
}

/** The guard's refusal, wherever the client wrapped it. */
function findOutbound(error: unknown): OutboundError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof OutboundError) return e;
  }
  return undefined;
}

export class OpenAiChatModel implements ChatModel {
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiChatOptions) {
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // The client insists on a key; a local server ignores the header it becomes.
      apiKey: options.apiKey ?? 'none',
      maxRetries: 0,
      fetch: options.fetch,
      ...(options.apiKey === null ? { defaultHeaders: { authorization: null } } : {}),
    });
  }

  async *stream(request: ChatRequest): AsyncIterable<string> {
    const { signal } = request;
    let finished = false;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: request.turns.map((t) => ({ role: t.role, content: t.content })),
          stream: true,
          max_tokens: request.maxTokens,
        },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const piece = choice?.delta?.content;
        if (typeof piece === 'string' && piece !== '') yield piece;
        if (choice?.finish_reason) finished = true;
      }
    } catch (error) {
      throw failure(error, signal);
    }
    // A stream that stops without the model saying why was cut off (the server died mid-answer).
    if (!finished) throw new ChatModelError('network', 'The answer broke off before its end.');
  }
}
