/**
 * Shape checks of what servers answer. They are deliberately shallow (the fields the client and its callers
 * rely on), so that a server's malformed answer fails here with a message naming the field, rather than later
 * somewhere in the caller's code.
 */
import { Method } from '@pmcp/types';
import { protocolViolation } from './client-errors.ts';
import { isJsonObject, type JsonObject } from './request-meta.ts';

/** A list result checked for its items array and an optional string `nextCursor`. */
export function readPage(method: string, result: JsonObject, itemsKey: string, idKey: string): JsonObject {
  const items = result[itemsKey];
  if (!Array.isArray(items)) {
    throw protocolViolation(`The server answered ${method} without a ${itemsKey} array.`, { method });
  }
  items.forEach((item: unknown, index) => {
    if (!isJsonObject(item) || typeof item[idKey] !== 'string') {
      throw protocolViolation(
        `${method} returned an entry at index ${index} of ${itemsKey} that is not an object with a string ` +
          `"${idKey}".`,
        { method, index },
      );
    }
  });
  const { nextCursor, ...rest } = result;
  if (nextCursor !== undefined && nextCursor !== null && typeof nextCursor !== 'string') {
    throw protocolViolation(`${method} returned a nextCursor that is not a string.`, { method, nextCursor });
  }
  // A null cursor (some servers send it) means the same as none: the last page.
  return typeof nextCursor === 'string' ? { ...rest, nextCursor } : rest;
}

/** A `tools/call` result: `content` must be an array. */
export function readCallToolResult(name: string, result: JsonObject): JsonObject {
  if (!Array.isArray(result.content)) {
    throw protocolViolation(`The server answered tools/call for "${name}" without a content array.`, {
      method: Method.ToolsCall,
      tool: name,
    });
  }
  return result;
}

/** A `resources/read` result: `contents` must be an array of objects with a `uri`. */
export function readResourceContents(uri: string, result: JsonObject): JsonObject {
  const contents = result.contents;
  if (
    !Array.isArray(contents) ||
    contents.some((item) => !isJsonObject(item) || typeof item.uri !== 'string')
  ) {
    throw protocolViolation(
      `The server answered resources/read for ${JSON.stringify(uri)} without a contents array of objects ` +
        'with a string "uri".',
      { method: Method.ResourcesRead, uri },
    );
  }
  return result;
}

/** A `prompts/get` result: `messages` must be an array of objects with a role and content. */
export function readPromptResult(name: string, result: JsonObject): JsonObject {
  const messages = result.messages;
  if (
    !Array.isArray(messages) ||
    messages.some(
      (message) =>
        !isJsonObject(message) || typeof message.role !== 'string' || !isJsonObject(message.content),
    )
  ) {
    throw protocolViolation(
      `The server answered prompts/get for "${name}" without a messages array of { role, content } objects.`,
      { method: Method.PromptsGet, prompt: name },
    );
  }
  return result;
}

/** A `completion/complete` result: `completion.values` must be an array of strings. */
export function readCompleteResult(result: JsonObject): JsonObject {
  const completion = result.completion;
  if (
    !isJsonObject(completion) ||
    !Array.isArray(completion.values) ||
    completion.values.some((value) => typeof value !== 'string')
  ) {
    throw protocolViolation(
      'The server answered completion/complete without a completion object holding a values array of strings.',
      { method: Method.CompletionComplete },
    );
  }
  return result;
}
