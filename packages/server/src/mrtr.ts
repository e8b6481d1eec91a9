/**
 * Multi Round-Trip Requests, implemented as a replay. In the modern era `ctx.elicit()`, `ctx.sample()` and
 * `ctx.roots()` cannot ask the client anything; instead, each call looks its answer up in the retry's
 * `inputResponses` (or in the answers carried by the signed `requestState`). The first call without an answer
 * ends the handler run, and the request is answered with an `InputRequiredResult` that lists every question still
 * open. The client answers and retries; the handler runs again from the top and this time gets its answers.
 */
import { McpError } from '@pmcp/jsonrpc';
import type { CreateMessageResult, ElicitResult, ListRootsResult } from '@pmcp/types';
import { ErrorCode } from '@pmcp/types';
import {
  type CarriedAnswer,
  digestJson,
  type RequestStateBinding,
  type RequestStateCodec,
  type RequestStateContent,
} from './request-state.ts';

/** The three questions a server can put to a client. */
export type InputMethod = 'elicitation/create' | 'sampling/createMessage' | 'roots/list';

/** The prefix of generated input keys, per kind of question. */
export type InputKind = 'elicit' | 'sample' | 'roots';

// The only requests that may answer with an InputRequiredResult (2026-07-28, basic/patterns/mrtr).
const INPUT_ROUND_METHODS: readonly string[] = ['tools/call', 'prompts/get', 'resources/read'];

/** Whether `method` may answer with an `InputRequiredResult`. */
export function acceptsInputRounds(method: string): boolean {
  return INPUT_ROUND_METHODS.includes(method);
}

/**
 * Ends a handler run whose question has no answer yet. It travels out of the handler like any error; whoever
 * catches errors around handler code must rethrow it (see {@link isInputRequiredSignal}).
 */
export class InputRequiredSignal extends Error {
  override name = 'InputRequiredSignal';

  constructor(key: string) {
    super(
      `Input "${key}" is not answered yet: the request ends with an InputRequiredResult and the handler runs ` +
        'again when the client retries with the answer. Do not catch this error.',
    );
  }
}

/** True for the signal that ends a handler run waiting for input. */
export function isInputRequiredSignal(error: unknown): error is InputRequiredSignal {
  return error instanceof InputRequiredSignal;
}

/** One entry of `inputRequests`. */
export interface InputRequestEntry {
  readonly method: InputMethod;
  readonly params: Record<string, unknown>;
}

/** The outcome of a run that needs input; the dispatcher turns it into the wire `InputRequiredResult`. */
export class InputRequiredOutcome {
  readonly inputRequests: Record<string, InputRequestEntry>;
  readonly requestState: string;

  constructor(inputRequests: Record<string, InputRequestEntry>, requestState: string) {
    this.inputRequests = inputRequests;
    this.requestState = requestState;
  }

  /** The `InputRequiredResult` without `_meta` (the dispatcher adds it). */
  toResult(): Record<string, unknown> {
    return {
      resultType: 'input_required',
      inputRequests: this.inputRequests,
      requestState: this.requestState,
    };
  }
}

/** Checks a client's answer; returns the typed answer or what is wrong with it. */
export type AnswerCheck<T> = (value: unknown) => { ok: true; value: T } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** An `ElicitResult`: `action` accept/decline/cancel, `content` an object when present. */
export const checkElicitResult: AnswerCheck<ElicitResult> = (value) => {
  if (!isRecord(value)) return { ok: false, problem: `expected an object, got ${describe(value)}` };
  if (value.action !== 'accept' && value.action !== 'decline' && value.action !== 'cancel') {
    return { ok: false, problem: '"action" must be "accept", "decline" or "cancel"' };
  }
  if (value.content !== undefined && !isRecord(value.content)) {
    return { ok: false, problem: '"content" must be an object' };
  }
  return { ok: true, value: value as unknown as ElicitResult };
};

/** A `CreateMessageResult`: `role`, `content` and `model`. */
export const checkCreateMessageResult: AnswerCheck<CreateMessageResult> = (value) => {
  if (!isRecord(value)) return { ok: false, problem: `expected an object, got ${describe(value)}` };
  if (value.role !== 'user' && value.role !== 'assistant') {
    return { ok: false, problem: '"role" must be "user" or "assistant"' };
  }
  if (!isRecord(value.content) && !Array.isArray(value.content)) {
    return { ok: false, problem: '"content" must be a content block or an array of them' };
  }
  if (typeof value.model !== 'string') return { ok: false, problem: '"model" must be a string' };
  return { ok: true, value: value as unknown as CreateMessageResult };
};

/** A `ListRootsResult`: `roots`, each with a string `uri`. */
export const checkListRootsResult: AnswerCheck<ListRootsResult> = (value) => {
  if (!isRecord(value)) return { ok: false, problem: `expected an object, got ${describe(value)}` };
  if (!Array.isArray(value.roots)) return { ok: false, problem: '"roots" must be an array' };
  const bad = value.roots.findIndex((root) => !isRecord(root) || typeof root.uri !== 'string');
  if (bad !== -1) return { ok: false, problem: `roots[${bad}] must be an object with a string "uri"` };
  return { ok: true, value: value as unknown as ListRootsResult };
};

const EMPTY_CONTENT: RequestStateContent = { answers: {}, asked: {}, memory: {} };

const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

interface OpenQuestion {
  /** The call order: lookups finish in any order (digests are asynchronous), questions are listed in this one. */
  readonly position: number;
  readonly key: string;
  readonly method: InputMethod;
  readonly params: Record<string, unknown>;
  readonly digest: string;
}

/**
 * The input state of one modern request while its handler runs: answers available to this run, questions left
 * open, values kept with `ctx.remember`, and any protocol failure the context decided on.
 */
export class InputRound {
  readonly #fresh: Readonly<Record<string, unknown>>;
  readonly #carried: Readonly<Record<string, CarriedAnswer>>;
  readonly #asked: Readonly<Record<string, string>>;
  readonly #memory: Map<string, unknown>;
  readonly #used = new Map<string, CarriedAnswer>();
  readonly #open: OpenQuestion[] = [];
  readonly #positions = new Map<string, number>();
  readonly #calls: Promise<unknown>[] = [];
  #counter = 0;
  #failure: Error | undefined;

  constructor(inputResponses: Readonly<Record<string, unknown>>, carried: RequestStateContent) {
    this.#fresh = inputResponses;
    this.#carried = carried.answers;
    this.#asked = carried.asked;
    this.#memory = new Map(Object.entries(carried.memory));
  }

  /** The key of the next question: the caller's, or `<kind>-<n>` by call order. Unique within the run. */
  claimKey(kind: InputKind, explicit: string | undefined): string {
    const position = this.#counter++;
    const key = explicit ?? `${kind}-${position}`;
    if (!KEY_PATTERN.test(key)) {
      throw this.fail(
        new TypeError(
          `Input key ${JSON.stringify(key)} is invalid: use 1 to 128 visible ASCII characters, without spaces`,
        ),
      );
    }
    if (this.#positions.has(key)) {
      throw this.fail(
        new TypeError(
          `Input key "${key}" is used twice in one handler run: give every ctx.elicit/sample/roots call its own key`,
        ),
      );
    }
    this.#positions.set(key, position);
    return key;
  }

  /**
   * The answer to a question, from this retry's `inputResponses` or from an earlier round; without one, the
   * question is left open and the run ends (the promise rejects with {@link InputRequiredSignal}).
   */
  answer<T>(
    key: string,
    method: InputMethod,
    params: Record<string, unknown>,
    check: AnswerCheck<T>,
  ): Promise<T> {
    const pending = this.#answer(key, method, params, check);
    // Registered now, not after the first await, so questions asked together all end up in inputRequests.
    this.#calls.push(pending.catch(() => undefined));
    return pending;
  }

  async #answer<T>(
    key: string,
    method: InputMethod,
    params: Record<string, unknown>,
    check: AnswerCheck<T>,
  ): Promise<T> {
    const digest = await digestJson({ method, params });
    const askedDigest = Object.hasOwn(this.#asked, key) ? this.#asked[key] : undefined;
    // An answer to an earlier version of the question (the handler now asks something else) does not count.
    if (Object.hasOwn(this.#fresh, key) && (askedDigest === undefined || askedDigest === digest)) {
      const value = this.#fresh[key];
      const checked = check(value);
      if (!checked.ok) {
        throw this.fail(
          new McpError(
            ErrorCode.InvalidParams,
            `Invalid params: inputResponses["${key}"] is not a valid answer to ${method}: ${checked.problem}`,
          ),
        );
      }
      this.#used.set(key, { questionDigest: digest, value });
      return checked.value;
    }
    const carried = Object.hasOwn(this.#carried, key) ? this.#carried[key] : undefined;
    if (carried !== undefined && carried.questionDigest === digest) {
      this.#used.set(key, carried);
      return carried.value as T;
    }
    this.#open.push({ position: this.#positions.get(key) ?? this.#counter, key, method, params, digest });
    this.#open.sort((a, b) => a.position - b.position);
    throw new InputRequiredSignal(key);
  }

  /** `ctx.remember`: the value kept in an earlier round, or `compute()`'s, kept for later rounds. */
  async remember<T>(key: string, compute: () => T | Promise<T>): Promise<T> {
    if (this.#memory.has(key)) return this.#memory.get(key) as T;
    const value = toJsonValue(await compute(), key);
    // A concurrent call with the same key may have finished first; the first value wins in every round.
    if (this.#memory.has(key)) return this.#memory.get(key) as T;
    this.#memory.set(key, value);
    return value;
  }

  /**
   * Records an error that ends the request whatever the handler does with it (a protocol error such as a missing
   * capability, or a programming error such as a duplicate key); returns it for `throw`.
   */
  fail<E extends Error>(error: E): E {
    this.#failure ??= error;
    return error;
  }

  /** Resolves once every question asked in this run has been looked up. */
  async settle(): Promise<void> {
    let settled = 0;
    // Calls can start while earlier ones settle (a handler that catches and asks again).
    while (settled < this.#calls.length) {
      const batch = this.#calls.slice(settled);
      settled = this.#calls.length;
      await Promise.all(batch);
    }
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  get needsInput(): boolean {
    return this.#open.length > 0;
  }

  /** The open questions, in the order they were asked. */
  inputRequests(): Record<string, InputRequestEntry> {
    const requests: Record<string, InputRequestEntry> = {};
    for (const question of this.#open) {
      requests[question.key] = { method: question.method, params: question.params };
    }
    return requests;
  }

  /** What the next round needs: the answers used in this run, the open questions, the remembered values. */
  content(): RequestStateContent {
    return {
      answers: Object.fromEntries(this.#used),
      asked: Object.fromEntries(this.#open.map((question) => [question.key, question.digest])),
      memory: Object.fromEntries(this.#memory),
    };
  }
}

/** JSON round trip, so a remembered value is the same in the first round as in the replays. */
export function toJsonValue<T>(value: T, key: string): T {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`ctx.remember("${key}"): the value must be JSON (got ${describe(value)})`);
  }
  return JSON.parse(text) as T;
}

/** What {@link runWithInputRounds} needs from the server. */
export interface InputRoundServices {
  readonly codec: RequestStateCodec;
  /** The principal a state is bound to, from the transport's view of the request. */
  readonly subject: (extra: unknown) => string | undefined;
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/**
 * Runs a modern `tools/call`, `prompts/get` or `resources/read` handler with input rounds: opens and checks the
 * request state, gives the run its answers, and afterwards turns open questions into an
 * {@link InputRequiredOutcome}. `run` receives the round (undefined when the request names no target, which its
 * handler refuses anyway).
 */
export async function runWithInputRounds(
  method: string,
  params: Record<string, unknown>,
  extra: unknown,
  services: InputRoundServices,
  run: (round: InputRound | undefined) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown> | InputRequiredOutcome> {
  const { inputResponses, requestState } = params;
  if (inputResponses !== undefined && !isRecord(inputResponses)) {
    throw invalidParams(
      `Invalid params for ${method}: "inputResponses" must be an object mapping input keys to answers, got ${describe(inputResponses)}`,
    );
  }
  if (requestState !== undefined && typeof requestState !== 'string') {
    throw invalidParams(
      `Invalid params for ${method}: "requestState" must be the string the server sent, got ${describe(requestState)}`,
    );
  }
  const target = method === 'resources/read' ? params.uri : params.name;
  if (typeof target !== 'string') return run(undefined);

  // The binding needs a WebCrypto digest of the arguments (async, off-thread): compute it only when a state is
  // opened or sealed, so the common call that asks for no input pays nothing for MRTR.
  let binding: Promise<RequestStateBinding> | undefined;
  const bindRequest = (): Promise<RequestStateBinding> => {
    binding ??= digestJson(method === 'resources/read' ? {} : (params.arguments ?? {})).then(
      (argumentsDigest) => ({
        method,
        target,
        argumentsDigest,
        subject: services.subject(extra),
      }),
    );
    return binding;
  };
  const carried =
    requestState === undefined ? EMPTY_CONTENT : await services.codec.open(requestState, await bindRequest());
  const round = new InputRound(inputResponses ?? {}, carried);

  let outcome: { ok: true; value: Record<string, unknown> } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await run(round) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  await round.settle();
  if (round.failure !== undefined) throw round.failure;
  // Open questions decide the outcome even if the handler caught the signal and returned something else.
  if (round.needsInput) {
    return new InputRequiredOutcome(
      round.inputRequests(),
      await services.codec.seal(await bindRequest(), round.content()),
    );
  }
  if (!outcome.ok) {
    if (isInputRequiredSignal(outcome.error)) {
      throw new McpError(ErrorCode.InternalError, 'Internal error: an input round ended without a question');
    }
    throw outcome.error;
  }
  return outcome.value;
}
