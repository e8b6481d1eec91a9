/**
 * RFC 6570 URI Templates, level 4: expansion exactly as the RFC specifies, and matching (URI → variables).
 *
 * Matching never backtracks: it runs one backward pass that records, for every template part and every position
 * of the URI, whether the rest of the template can match from there, and then one forward pass that picks the
 * longest span each expression can take. The cost is O(URI length × number of template parts) in the worst case,
 * whatever the URI contains, so a hostile URI cannot stall the server.
 */

/**
 * A value a template variable can take: a string (numbers and booleans are turned into strings), a list, or an
 * associative array (a plain object; its key order is kept). `null`, `undefined`, an empty list and an object
 * without defined values all mean "undefined", which the RFC expands to nothing.
 *
 * @example
 * ```ts
 * import { UriTemplate, type UriTemplateValue } from '@pmcp/server';
 *
 * const tags: UriTemplateValue = ['red', 'green'];
 * new UriTemplate('search{?q,tags*}').expand({ q: 'cats', tags }); // 'search?q=cats&tags=red&tags=green'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6570#section-2.3
 */
export type UriTemplateValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean | null | undefined>
  | { readonly [key: string]: string | number | boolean | null | undefined };

/**
 * Variables recovered from a URI by {@link UriTemplate.match}: a string for a plain variable, a list for an
 * exploded one (`{/segments*}`), and an object for an exploded associative array (`{?params*}`). Variables the URI
 * does not mention are absent.
 *
 * @example
 * ```ts
 * import { UriTemplate, type UriTemplateVariables } from '@pmcp/server';
 *
 * const variables: UriTemplateVariables | null = new UriTemplate('files{/path*}').match('files/a/b.txt');
 * // { path: ['a', 'b.txt'] }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6570#section-1.4
 */
export type UriTemplateVariables = Record<string, string | string[] | Record<string, string>>;

/** The longest URI {@link UriTemplate.match} examines; longer ones never match. */
export const MAX_MATCH_URI_LENGTH = 262_144;

interface Operator {
  readonly first: string;
  readonly sep: string;
  readonly named: boolean;
  readonly ifemp: string;
  readonly allowReserved: boolean;
}

// RFC 6570 Appendix A, one row per operator ("" is simple string expansion).
const OPERATORS: Readonly<Record<string, Operator>> = {
  '': { first: '', sep: ',', named: false, ifemp: '', allowReserved: false },
  '+': { first: '', sep: ',', named: false, ifemp: '', allowReserved: true },
  '#': { first: '#', sep: ',', named: false, ifemp: '', allowReserved: true },
  '.': { first: '.', sep: '.', named: false, ifemp: '', allowReserved: false },
  '/': { first: '/', sep: '/', named: false, ifemp: '', allowReserved: false },
  ';': { first: ';', sep: ';', named: true, ifemp: '', allowReserved: false },
  '?': { first: '?', sep: '&', named: true, ifemp: '=', allowReserved: false },
  '&': { first: '&', sep: '&', named: true, ifemp: '=', allowReserved: false },
};

// "=", ",", "!", "@" and "|" are reserved by the RFC for future operators (section 2.2).
const RESERVED_OPERATORS = '=,!@|';
const RESERVED_CHARACTERS = ":/?#[]@!$&'()*+,;=";

interface VarSpec {
  readonly name: string;
  readonly explode: boolean;
  /** The `:n` prefix length, if any. */
  readonly prefix: number | undefined;
}

interface Expression {
  readonly kind: 'expression';
  readonly operator: Operator;
  readonly varspecs: readonly VarSpec[];
  /** Characters a URI may hold inside this expression's expansion (encoded values and separators). */
  readonly accepts: (code: number) => boolean;
}

interface Literal {
  readonly kind: 'literal';
  /** Already in URI form: characters not allowed in a URI are percent-encoded. */
  readonly text: string;
}

type Part = Literal | Expression;

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isUnreserved(code: number): boolean {
  // ALPHA / DIGIT / "-" / "." / "_" / "~"
  return isAlpha(code) || isDigit(code) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
}

function isReserved(code: number): boolean {
  return code < 0x80 && RESERVED_CHARACTERS.includes(String.fromCharCode(code));
}

function isPercentTriplet(text: string, index: number): boolean {
  return (
    text.charCodeAt(index) === 0x25 &&
    isHexDigit(text.charCodeAt(index + 1)) &&
    isHexDigit(text.charCodeAt(index + 2))
  );
}

function percentEncodeCodePoint(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x80) return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  try {
    return encodeURIComponent(char);
  } catch {
    // A lone surrogate has no UTF-8 form; encode it as U+FFFD, as TextEncoder would.
    return '%EF%BF%BD';
  }
}

/**
 * Encodes `value` for the URI: unreserved characters stay, and with `allowReserved` (the `+` and `#` operators)
 * reserved characters and existing percent-encoded triplets stay too; everything else is UTF-8 percent-encoded.
 */
function encodeValue(value: string, allowReserved: boolean): string {
  let encoded = '';
  let index = 0;
  while (index < value.length) {
    const code = value.charCodeAt(index);
    if (isUnreserved(code) || (allowReserved && isReserved(code))) {
      encoded += value[index];
      index++;
    } else if (allowReserved && isPercentTriplet(value, index)) {
      encoded += value.slice(index, index + 3);
      index += 3;
    } else {
      const char = String.fromCodePoint(value.codePointAt(index) ?? code);
      encoded += percentEncodeCodePoint(char);
      index += char.length;
    }
  }
  return encoded;
}

/** Literal text is copied when the URI grammar allows it anywhere, and percent-encoded otherwise (RFC 6570 §3.1). */
function encodeLiteral(text: string): string {
  return encodeValue(text, true);
}

/** The first `length` Unicode code points of `value` (the RFC counts characters, not UTF-16 units or bytes). */
function prefixOf(value: string, length: number): string {
  let end = 0;
  let count = 0;
  while (end < value.length && count < length) {
    const code = value.codePointAt(end) ?? 0;
    end += code > 0xffff ? 2 : 1;
    count++;
  }
  return value.slice(0, end);
}

function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

type Normalized = string | string[] | Array<[string, string]> | undefined;

function scalarToString(value: unknown, where: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new TypeError(
    `${where} must be a string, number or boolean, got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
  );
}

/** Reduces a value to the RFC's three kinds, or `undefined` when the RFC considers it undefined. */
function normalize(value: unknown, name: string): Normalized {
  if (Array.isArray(value)) {
    const members: string[] = [];
    value.forEach((member, index) => {
      const text = scalarToString(member, `URI template variable "${name}"[${index}]`);
      if (text !== undefined) members.push(text);
    });
    return members.length === 0 ? undefined : members;
  }
  if (typeof value === 'object' && value !== null) {
    const pairs: Array<[string, string]> = [];
    for (const [key, member] of Object.entries(value)) {
      const text = scalarToString(member, `URI template variable "${name}".${key}`);
      if (text !== undefined) pairs.push([key, text]);
    }
    return pairs.length === 0 ? undefined : pairs;
  }
  return scalarToString(value, `URI template variable "${name}"`);
}

function isPairs(value: string[] | Array<[string, string]>): value is Array<[string, string]> {
  return Array.isArray(value[0]);
}

function expandExpression(expression: Expression, variables: Readonly<Record<string, unknown>>): string {
  const { operator } = expression;
  const encode = (text: string): string => encodeValue(text, operator.allowReserved);
  let expanded = '';
  let first = true;
  for (const spec of expression.varspecs) {
    const value = normalize(
      Object.hasOwn(variables, spec.name) ? variables[spec.name] : undefined,
      spec.name,
    );
    if (value === undefined) continue;
    expanded += first ? operator.first : operator.sep;
    first = false;

    if (typeof value === 'string') {
      if (operator.named) expanded += spec.name + (value === '' ? operator.ifemp : '=');
      expanded += encode(spec.prefix === undefined ? value : prefixOf(value, spec.prefix));
      continue;
    }
    if (spec.prefix !== undefined) {
      throw new TypeError(
        `URI template variable "${spec.name}" has a prefix modifier (:${spec.prefix}), which RFC 6570 allows only for string values, not lists or objects`,
      );
    }
    if (!spec.explode) {
      const joined = isPairs(value)
        ? value.map(([key, member]) => `${encode(key)},${encode(member)}`).join(',')
        : value.map(encode).join(',');
      if (operator.named) expanded += spec.name + (joined === '' ? operator.ifemp : '=');
      expanded += joined;
      continue;
    }
    if (isPairs(value)) {
      expanded += value
        .map(
          ([key, member]) =>
            encode(key) + (operator.named && member === '' ? operator.ifemp : `=${encode(member)}`),
        )
        .join(operator.sep);
    } else {
      expanded += value
        .map((member) =>
          operator.named
            ? spec.name + (member === '' ? operator.ifemp : `=${encode(member)}`)
            : encode(member),
        )
        .join(operator.sep);
    }
  }
  return expanded;
}

function acceptsFor(operator: Operator, varspecs: readonly VarSpec[]): (code: number) => boolean {
  const structural = new Set<number>([0x2c /* , */, operator.sep.charCodeAt(0)]);
  if (operator.named || varspecs.some((spec) => spec.explode)) structural.add(0x3d /* = */);
  return (code) =>
    isUnreserved(code) ||
    code === 0x25 /* % */ ||
    // Clients may send IRIs (raw non-ASCII characters); they are accepted where an encoded value may stand.
    code >= 0x80 ||
    structural.has(code) ||
    (operator.allowReserved && isReserved(code));
}

function syntaxError(template: string, position: number, reason: string): TypeError {
  return new TypeError(`Invalid URI template ${JSON.stringify(template)} at position ${position}: ${reason}`);
}

const VARNAME_CHAR_MESSAGE =
  'variable names use A-Z, a-z, 0-9, "_", percent-encoded characters and inner dots';

function parseVarspec(template: string, text: string, position: number): VarSpec {
  let end = 0;
  let previousDot = true;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (isAlpha(code) || isDigit(code) || code === 0x5f) {
      previousDot = false;
      end++;
    } else if (isPercentTriplet(text, end)) {
      previousDot = false;
      end += 3;
    } else if (code === 0x2e && !previousDot) {
      previousDot = true;
      end++;
    } else {
      break;
    }
  }
  const name = text.slice(0, end);
  if (name === '') throw syntaxError(template, position, `empty variable name; ${VARNAME_CHAR_MESSAGE}`);
  if (previousDot) {
    const reason =
      text[end] === '.'
        ? `variable names cannot hold two dots in a row ("${name}.")`
        : `variable "${name.slice(0, -1)}" ends with a dot`;
    throw syntaxError(template, position + end - 1, reason);
  }
  const modifier = text.slice(end);
  if (modifier === '') return { name, explode: false, prefix: undefined };
  if (modifier === '*') return { name, explode: true, prefix: undefined };
  if (/^:[1-9][0-9]{0,3}$/.test(modifier)) return { name, explode: false, prefix: Number(modifier.slice(1)) };
  if (modifier.startsWith(':')) {
    throw syntaxError(
      template,
      position + end,
      `the prefix modifier of "${name}" must be ":" and a length from 1 to 9999`,
    );
  }
  throw syntaxError(
    template,
    position + end,
    `unexpected ${JSON.stringify(modifier[0])} after variable "${name}"; ${VARNAME_CHAR_MESSAGE}, then ":n" or "*"`,
  );
}

function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    if (char === '}') throw syntaxError(template, index, '"}" without a matching "{"');
    if (char !== '{') {
      literal += char;
      index++;
      continue;
    }
    const close = template.indexOf('}', index + 1);
    const nested = template.indexOf('{', index + 1);
    if (close === -1) throw syntaxError(template, index, '"{" is never closed with "}"');
    if (nested !== -1 && nested < close) {
      throw syntaxError(template, nested, 'expressions cannot be nested');
    }
    if (literal !== '') parts.push({ kind: 'literal', text: encodeLiteral(literal) });
    literal = '';

    let body = template.slice(index + 1, close);
    let bodyStart = index + 1;
    let operatorChar = '';
    const head = body[0] ?? '';
    if (head !== '' && Object.hasOwn(OPERATORS, head)) {
      operatorChar = head;
      body = body.slice(1);
      bodyStart++;
    } else if (head !== '' && RESERVED_OPERATORS.includes(head)) {
      throw syntaxError(
        template,
        index + 1,
        `operator "${head}" is reserved by RFC 6570 for future use; use one of + # . / ; ? &`,
      );
    }
    if (body === '') throw syntaxError(template, index, 'empty expression');
    const varspecs: VarSpec[] = [];
    let offset = bodyStart;
    for (const text of body.split(',')) {
      varspecs.push(parseVarspec(template, text, offset));
      offset += text.length + 1;
    }
    const operator = OPERATORS[operatorChar] as Operator;
    parts.push({ kind: 'expression', operator, varspecs, accepts: acceptsFor(operator, varspecs) });
    index = close + 1;
  }
  if (literal !== '') parts.push({ kind: 'literal', text: encodeLiteral(literal) });
  return parts;
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Collects matched values; a variable seen twice (`{/var:1,var}`) must agree with itself. */
class Assignments {
  readonly #values = new Map<
    string,
    { value: string | string[] | Record<string, string>; prefix: boolean }
  >();

  set(spec: VarSpec, value: string | string[] | Record<string, string>): boolean {
    const isPrefix = spec.prefix !== undefined;
    if (isPrefix && typeof value === 'string' && codePointLength(value) > (spec.prefix ?? 0)) return false;
    const previous = this.#values.get(spec.name);
    if (previous === undefined) {
      this.#values.set(spec.name, { value, prefix: isPrefix });
      return true;
    }
    if (typeof previous.value !== 'string' || typeof value !== 'string') {
      return JSON.stringify(previous.value) === JSON.stringify(value);
    }
    if (previous.prefix && !isPrefix) {
      if (!value.startsWith(previous.value)) return false;
      this.#values.set(spec.name, { value, prefix: false });
      return true;
    }
    if (isPrefix && !previous.prefix) return previous.value.startsWith(value);
    return previous.value === value;
  }

  result(): UriTemplateVariables {
    const variables: UriTemplateVariables = {};
    for (const [name, { value }] of this.#values) variables[name] = value;
    return variables;
  }
}

function decodeExploded(
  items: readonly string[],
  named: boolean,
): string[] | Record<string, string> | undefined {
  // Unnamed operators encode "=" inside values, so "key=value" items mean an associative array.
  if (!named && items.length > 0 && items.every((item) => item.includes('='))) {
    const map: Record<string, string> = {};
    for (const item of items) {
      const eq = item.indexOf('=');
      const key = percentDecode(item.slice(0, eq));
      const value = percentDecode(item.slice(eq + 1));
      if (key === undefined || value === undefined) return undefined;
      map[key] = value;
    }
    return map;
  }
  const list: string[] = [];
  for (const item of items) {
    const value = percentDecode(item);
    if (value === undefined) return undefined;
    list.push(value);
  }
  return list;
}

function matchNamed(expression: Expression, body: string, assignments: Assignments): boolean {
  const { operator, varspecs } = expression;
  const lists = new Map<VarSpec, string[]>();
  const maps = new Map<VarSpec, Record<string, string>>();
  const explodedMapTarget = varspecs.find((spec) => spec.explode);
  for (const item of body.split(operator.sep)) {
    const eq = item.indexOf('=');
    const rawName = eq === -1 ? item : item.slice(0, eq);
    const value = percentDecode(eq === -1 ? '' : item.slice(eq + 1));
    if (value === undefined) return false;
    const spec = varspecs.find((candidate) => candidate.name === rawName);
    if (spec !== undefined && !spec.explode) {
      if (!assignments.set(spec, value)) return false;
    } else if (spec !== undefined) {
      const list = lists.get(spec) ?? [];
      list.push(value);
      lists.set(spec, list);
    } else if (explodedMapTarget !== undefined) {
      const key = percentDecode(rawName);
      if (key === undefined) return false;
      const map = maps.get(explodedMapTarget) ?? {};
      map[key] = value;
      maps.set(explodedMapTarget, map);
    } else {
      return false;
    }
  }
  for (const spec of varspecs) {
    const map = maps.get(spec);
    const list = lists.get(spec);
    if (map !== undefined) {
      // An associative array may hold a key equal to the variable's own name.
      const last = list?.at(-1);
      if (last !== undefined) map[spec.name] = last;
      if (!assignments.set(spec, map)) return false;
    } else if (list !== undefined && !assignments.set(spec, list)) {
      return false;
    }
  }
  return true;
}

function matchPositional(expression: Expression, body: string, assignments: Assignments): boolean {
  const { operator, varspecs } = expression;
  const [only] = varspecs;
  if (varspecs.length === 1 && only !== undefined) {
    if (only.explode) {
      const value = decodeExploded(body.split(operator.sep), false);
      return value !== undefined && assignments.set(only, value);
    }
    const value = percentDecode(body);
    return value !== undefined && assignments.set(only, value);
  }
  const items = body.split(operator.sep);
  const extra = items.length - varspecs.length;
  const explodedIndex = varspecs.findIndex((spec) => spec.explode);
  const absorber = extra > 0 ? (explodedIndex === -1 ? varspecs.length - 1 : explodedIndex) : -1;
  let next = 0;
  for (let index = 0; index < varspecs.length && next < items.length; index++) {
    const spec = varspecs[index] as VarSpec;
    const take = index === absorber ? extra + 1 : 1;
    const taken = items.slice(next, next + take);
    next += take;
    if (spec.explode) {
      const value = decodeExploded(taken, false);
      if (value === undefined || !assignments.set(spec, value)) return false;
    } else {
      const value = percentDecode(taken.join(operator.sep));
      if (value === undefined || !assignments.set(spec, value)) return false;
    }
  }
  return true;
}

function matchExpression(expression: Expression, span: string, assignments: Assignments): boolean {
  // An empty span is the expansion of an expression whose variables are all undefined.
  if (span === '') return true;
  const body = span.slice(expression.operator.first.length);
  return expression.operator.named
    ? matchNamed(expression, body, assignments)
    : matchPositional(expression, body, assignments);
}

/**
 * An RFC 6570 URI Template (all four levels): operators `+ # . / ; ? &`, prefix (`{var:3}`) and explode
 * (`{list*}`) modifiers, string, list and associative-array values. {@link UriTemplate.expand} follows the RFC
 * exactly; {@link UriTemplate.match} reverses it where the RFC's output allows (values that contain their own
 * operator's separators cannot be told apart, so a URI is matched greedily from left to right). Matching takes
 * time linear in the URI for a given template and never backtracks.
 *
 * @example
 * ```ts
 * import { UriTemplate } from '@pmcp/server';
 *
 * const template = new UriTemplate('repo://{owner}/{repo}/issues{/number}{?state,labels*}');
 * template.expand({ owner: 'acme', repo: 'web', state: 'open', labels: ['bug', 'ui'] });
 * // 'repo://acme/web/issues?state=open&labels=bug&labels=ui'
 * template.match('repo://acme/web/issues/42?state=closed');
 * // { owner: 'acme', repo: 'web', number: '42', state: 'closed' }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6570
 */
export class UriTemplate {
  /** The template text as given. */
  readonly template: string;
  /** Every variable the template mentions, once each, in order of appearance. */
  readonly variableNames: readonly string[];
  readonly #parts: readonly Part[];

  /** Parses `template`; throws a `TypeError` that names the position and the problem when it is not valid. */
  constructor(template: string) {
    if (typeof template !== 'string') {
      throw new TypeError(
        `A URI template must be a string, got ${template === null ? 'null' : typeof template}`,
      );
    }
    this.template = template;
    this.#parts = parseTemplate(template);
    const names: string[] = [];
    for (const part of this.#parts) {
      if (part.kind === 'expression') {
        for (const spec of part.varspecs) if (!names.includes(spec.name)) names.push(spec.name);
      }
    }
    this.variableNames = names;
  }

  /** Whether `text` contains at least one `{expression}`, i.e. is a template rather than a plain URI. */
  static isTemplate(text: string): boolean {
    return /\{[^{}]+\}/.test(text);
  }

  /**
   * Expands the template with `variables` (RFC 6570 §3). Variables that are missing, `null`, an empty list or an
   * object without defined values are undefined and expand to nothing. Throws a `TypeError` for a value the RFC
   * cannot expand (a nested list, a prefix modifier on a list).
   */
  expand(variables: Readonly<Record<string, UriTemplateValue>>): string {
    let uri = '';
    for (const part of this.#parts) {
      uri += part.kind === 'literal' ? part.text : expandExpression(part, variables);
    }
    return uri;
  }

  /**
   * The variables that expand to `uri`, or `null` when the template cannot produce it. Values are
   * percent-decoded; an exploded list gives an array and an exploded associative array an object. URIs longer
   * than 262 144 characters never match.
   */
  match(uri: string): UriTemplateVariables | null {
    if (typeof uri !== 'string' || uri.length > MAX_MATCH_URI_LENGTH) return null;
    const parts = this.#parts;
    const head = parts[0];
    const tail = parts.at(-1);
    // Cheap rejections first: most URIs tried against a template differ in their fixed prefix or suffix.
    if (head?.kind === 'literal' && !uri.startsWith(head.text)) return null;
    if (tail?.kind === 'literal' && !uri.endsWith(tail.text)) return null;

    const length = uri.length;
    // canFinish[p][i]: parts p.. can match uri[i..]. One backward pass, no backtracking.
    const canFinish: Uint8Array[] = new Array(parts.length + 1);
    const end = new Uint8Array(length + 1);
    end[length] = 1;
    canFinish[parts.length] = end;
    for (let p = parts.length - 1; p >= 0; p--) {
      const part = parts[p] as Part;
      const next = canFinish[p + 1] as Uint8Array;
      const here = new Uint8Array(length + 1);
      if (part.kind === 'literal') {
        const text = part.text;
        for (let i = 0; i + text.length <= length; i++) {
          if (next[i + text.length] === 1 && uri.startsWith(text, i)) here[i] = 1;
        }
      } else {
        const first = part.operator.first;
        // star[i]: the expression's body can run from i to some position where the next part can finish.
        const star = new Uint8Array(length + 1);
        star[length] = next[length] as number;
        for (let i = length - 1; i >= 0; i--) {
          star[i] = next[i] === 1 || (part.accepts(uri.charCodeAt(i)) && star[i + 1] === 1) ? 1 : 0;
        }
        if (first === '') {
          here.set(star);
        } else {
          const firstCode = first.charCodeAt(0);
          for (let i = 0; i <= length; i++) {
            here[i] = next[i] === 1 || (uri.charCodeAt(i) === firstCode && star[i + 1] === 1) ? 1 : 0;
          }
        }
      }
      canFinish[p] = here;
    }
    if (canFinish[0]?.[0] !== 1) return null;

    const assignments = new Assignments();
    let position = 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p] as Part;
      const next = canFinish[p + 1] as Uint8Array;
      if (part.kind === 'literal') {
        position += part.text.length;
        continue;
      }
      const first = part.operator.first;
      let spanEnd = position;
      const bodyStart = position + first.length;
      if (first === '' || uri[position] === first) {
        let runEnd = bodyStart;
        while (runEnd < length && part.accepts(uri.charCodeAt(runEnd))) runEnd++;
        // The longest body after which the rest of the template still matches.
        let candidate = runEnd;
        while (candidate >= bodyStart && next[candidate] !== 1) candidate--;
        if (candidate >= bodyStart) spanEnd = candidate;
      }
      if (!matchExpression(part, uri.slice(position, spanEnd), assignments)) return null;
      position = spanEnd;
    }
    return assignments.result();
  }

  /** The template text. */
  toString(): string {
    return this.template;
  }
}
