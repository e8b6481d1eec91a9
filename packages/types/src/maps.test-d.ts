// Type-level tests, checked by `tsc -p tsconfig.json`: the hand-written method maps must agree with the request and
// notification unions of the schemas, and the curated types must reject what the protocol rejects.
import type * as Legacy from './generated/2025-11-25.ts';
import type * as Modern from './generated/2026-07-28.ts';
import type {
  CallToolResult,
  ClientNotificationMap,
  ClientRequestMap,
  ContentBlock,
  InputRequestMap,
  InputRequiredResult,
  LegacyClientNotificationMap,
  LegacyClientRequestMap,
  LegacyServerNotificationMap,
  LegacyServerRequestMap,
  ServerNotificationMap,
  TextContent,
} from './index.ts';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type AllTrue<T> = [T[keyof T]] extends [true] ? true : false;
type ParamsOf<Union, Method> =
  Extract<Union, { method: Method }> extends { params: infer P }
    ? P
    : Extract<Union, { method: Method }> extends { params?: infer P }
      ? P | undefined
      : never;

type RequestParamsMatch<Map, Union extends { method: string }> = {
  [M in keyof Map]: Map[M] extends { params: infer P } ? Equals<P, ParamsOf<Union, M>> : false;
};
type NotificationParamsMatch<Map, Union extends { method: string }> = {
  [M in keyof Map]: Equals<Map[M], ParamsOf<Union, M>>;
};
type ResultsOf<Map> = { [M in keyof Map]: Map[M] extends { result: infer R } ? R : never }[keyof Map];

// Every method of each union has an entry, and nothing else does.
export const clientRequestMethods: Equals<keyof ClientRequestMap, Modern.ClientRequest['method']> = true;
export const inputRequestMethods: Equals<keyof InputRequestMap, Modern.InputRequest['method']> = true;
export const serverNotificationMethods: Equals<
  keyof ServerNotificationMap,
  Modern.ServerNotification['method']
> = true;
export const clientNotificationMethods: Equals<
  keyof ClientNotificationMap,
  Modern.ClientNotification['method']
> = true;
export const legacyClientRequestMethods: Equals<
  keyof LegacyClientRequestMap,
  Legacy.ClientRequest['method']
> = true;
export const legacyServerRequestMethods: Equals<
  keyof LegacyServerRequestMap,
  Legacy.ServerRequest['method']
> = true;
export const legacyServerNotificationMethods: Equals<
  keyof LegacyServerNotificationMap,
  Legacy.ServerNotification['method']
> = true;
export const legacyClientNotificationMethods: Equals<
  keyof LegacyClientNotificationMap,
  Legacy.ClientNotification['method']
> = true;

// Each entry's params are exactly the params of the request or notification with that method.
export const clientRequestParams: AllTrue<RequestParamsMatch<ClientRequestMap, Modern.ClientRequest>> = true;
export const inputRequestParams: AllTrue<RequestParamsMatch<InputRequestMap, Modern.InputRequest>> = true;
export const serverNotificationParams: AllTrue<
  NotificationParamsMatch<ServerNotificationMap, Modern.ServerNotification>
> = true;
export const clientNotificationParams: AllTrue<
  NotificationParamsMatch<ClientNotificationMap, Modern.ClientNotification>
> = true;
export const legacyClientRequestParams: AllTrue<
  RequestParamsMatch<LegacyClientRequestMap, Legacy.ClientRequest>
> = true;
export const legacyServerRequestParams: AllTrue<
  RequestParamsMatch<LegacyServerRequestMap, Legacy.ServerRequest>
> = true;
export const legacyServerNotificationParams: AllTrue<
  NotificationParamsMatch<LegacyServerNotificationMap, Legacy.ServerNotification>
> = true;
export const legacyClientNotificationParams: AllTrue<
  NotificationParamsMatch<LegacyClientNotificationMap, Legacy.ClientNotification>
> = true;

// Modern results are exactly those of the schema's `<Name>ResultResponse` envelopes.
export const modernResults: AllTrue<{
  discover: Equals<ClientRequestMap['server/discover']['result'], Modern.DiscoverResultResponse['result']>;
  toolsList: Equals<ClientRequestMap['tools/list']['result'], Modern.ListToolsResultResponse['result']>;
  toolsCall: Equals<ClientRequestMap['tools/call']['result'], Modern.CallToolResultResponse['result']>;
  resourcesList: Equals<
    ClientRequestMap['resources/list']['result'],
    Modern.ListResourcesResultResponse['result']
  >;
  templates: Equals<
    ClientRequestMap['resources/templates/list']['result'],
    Modern.ListResourceTemplatesResultResponse['result']
  >;
  read: Equals<ClientRequestMap['resources/read']['result'], Modern.ReadResourceResultResponse['result']>;
  promptsList: Equals<ClientRequestMap['prompts/list']['result'], Modern.ListPromptsResultResponse['result']>;
  promptsGet: Equals<ClientRequestMap['prompts/get']['result'], Modern.GetPromptResultResponse['result']>;
  complete: Equals<
    ClientRequestMap['completion/complete']['result'],
    Modern.CompleteResultResponse['result']
  >;
  listen: Equals<
    ClientRequestMap['subscriptions/listen']['result'],
    Modern.SubscriptionsListenResultResponse['result']
  >;
}> = true;
export const inputResponses: Equals<ResultsOf<InputRequestMap>, Modern.InputResponse> = true;
// Every legacy result the maps name is one the schema lists as a result of that direction.
export const legacyServerResults: Equals<
  ResultsOf<LegacyClientRequestMap> extends Legacy.ServerResult ? true : false,
  true
> = true;
export const legacyClientResults: Equals<
  ResultsOf<LegacyServerRequestMap> extends Legacy.ClientResult ? true : false,
  true
> = true;

// `resultType` discriminates a tool call's two outcomes.
export function contentOf(result: CallToolResult | InputRequiredResult): ContentBlock[] | undefined {
  return result.resultType === 'complete' ? result.content : undefined;
}

// The curated types reject what the protocol rejects.
export const rejected: unknown[] = [
  // @ts-expect-error a modern result must say what kind of result it is
  { content: [] } satisfies CallToolResult,
  // @ts-expect-error a complete tool result is not an input-required one
  { resultType: 'input_required', content: [] } satisfies CallToolResult,
  // @ts-expect-error text content needs its text
  { type: 'text' } satisfies TextContent,
  // @ts-expect-error there is no 'video' content block
  { type: 'video', data: '', mimeType: 'video/mp4' } satisfies ContentBlock,
  // @ts-expect-error a typo in an optional field is caught, not silently accepted
  { type: 'text', text: 'hi', anotations: {} } satisfies TextContent,
];
