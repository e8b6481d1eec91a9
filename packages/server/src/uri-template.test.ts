import { describe, expect, it } from 'vitest';
import { MAX_MATCH_URI_LENGTH, UriTemplate, type UriTemplateValue } from './uri-template.ts';

// The variables of RFC 6570 section 3.2. `keys` keeps the RFC's pair order (JavaScript objects keep insertion
// order), so each associative-array case has exactly the result the RFC prints.
const RFC_VARIABLES: Record<string, UriTemplateValue> = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  keys: { semi: ';', dot: '.', comma: ',' },
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: {},
  undef: null,
};

// RFC 6570 §3.2.1–3.2.9, every example of the section's tables.
const RFC_SECTION_3_2: Record<string, Array<[template: string, expected: string]>> = {
  '3.2.1 variable expansion': [
    ['{count}', 'one,two,three'],
    ['{count*}', 'one,two,three'],
    ['{/count}', '/one,two,three'],
    ['{/count*}', '/one/two/three'],
    ['{;count}', ';count=one,two,three'],
    ['{;count*}', ';count=one;count=two;count=three'],
    ['{?count}', '?count=one,two,three'],
    ['{?count*}', '?count=one&count=two&count=three'],
    ['{&count*}', '&count=one&count=two&count=three'],
  ],
  '3.2.2 simple string expansion': [
    ['{var}', 'value'],
    ['{hello}', 'Hello%20World%21'],
    ['{half}', '50%25'],
    ['O{empty}X', 'OX'],
    ['O{undef}X', 'OX'],
    ['{x,y}', '1024,768'],
    ['{x,hello,y}', '1024,Hello%20World%21,768'],
    ['?{x,empty}', '?1024,'],
    ['?{x,undef}', '?1024'],
    ['?{undef,y}', '?768'],
    ['{var:3}', 'val'],
    ['{var:30}', 'value'],
    ['{list}', 'red,green,blue'],
    ['{list*}', 'red,green,blue'],
    ['{keys}', 'semi,%3B,dot,.,comma,%2C'],
    ['{keys*}', 'semi=%3B,dot=.,comma=%2C'],
  ],
  '3.2.3 reserved expansion': [
    ['{+var}', 'value'],
    ['{+hello}', 'Hello%20World!'],
    ['{+half}', '50%25'],
    ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
    ['{+base}index', 'http://example.com/home/index'],
    ['O{+empty}X', 'OX'],
    ['O{+undef}X', 'OX'],
    ['{+path}/here', '/foo/bar/here'],
    ['here?ref={+path}', 'here?ref=/foo/bar'],
    ['up{+path}{var}/here', 'up/foo/barvalue/here'],
    ['{+x,hello,y}', '1024,Hello%20World!,768'],
    ['{+path,x}/here', '/foo/bar,1024/here'],
    ['{+path:6}/here', '/foo/b/here'],
    ['{+list}', 'red,green,blue'],
    ['{+list*}', 'red,green,blue'],
    ['{+keys}', 'semi,;,dot,.,comma,,'],
    ['{+keys*}', 'semi=;,dot=.,comma=,'],
  ],
  '3.2.4 fragment expansion': [
    ['{#var}', '#value'],
    ['{#hello}', '#Hello%20World!'],
    ['{#half}', '#50%25'],
    ['foo{#empty}', 'foo#'],
    ['foo{#undef}', 'foo'],
    ['{#x,hello,y}', '#1024,Hello%20World!,768'],
    ['{#path,x}/here', '#/foo/bar,1024/here'],
    ['{#path:6}/here', '#/foo/b/here'],
    ['{#list}', '#red,green,blue'],
    ['{#list*}', '#red,green,blue'],
    ['{#keys}', '#semi,;,dot,.,comma,,'],
    ['{#keys*}', '#semi=;,dot=.,comma=,'],
  ],
  '3.2.5 label expansion with dot-prefix': [
    ['{.who}', '.fred'],
    ['{.who,who}', '.fred.fred'],
    ['{.half,who}', '.50%25.fred'],
    ['www{.dom*}', 'www.example.com'],
    ['X{.var}', 'X.value'],
    ['X{.empty}', 'X.'],
    ['X{.undef}', 'X'],
    ['X{.var:3}', 'X.val'],
    ['X{.list}', 'X.red,green,blue'],
    ['X{.list*}', 'X.red.green.blue'],
    ['X{.keys}', 'X.semi,%3B,dot,.,comma,%2C'],
    ['X{.keys*}', 'X.semi=%3B.dot=..comma=%2C'],
    ['X{.empty_keys}', 'X'],
    ['X{.empty_keys*}', 'X'],
  ],
  '3.2.6 path segment expansion': [
    ['{/who}', '/fred'],
    ['{/who,who}', '/fred/fred'],
    ['{/half,who}', '/50%25/fred'],
    ['{/who,dub}', '/fred/me%2Ftoo'],
    ['{/var}', '/value'],
    ['{/var,empty}', '/value/'],
    ['{/var,undef}', '/value'],
    ['{/var,x}/here', '/value/1024/here'],
    ['{/var:1,var}', '/v/value'],
    ['{/list}', '/red,green,blue'],
    ['{/list*}', '/red/green/blue'],
    ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
    ['{/keys}', '/semi,%3B,dot,.,comma,%2C'],
    ['{/keys*}', '/semi=%3B/dot=./comma=%2C'],
  ],
  '3.2.7 path-style parameter expansion': [
    ['{;who}', ';who=fred'],
    ['{;half}', ';half=50%25'],
    ['{;empty}', ';empty'],
    ['{;v,empty,who}', ';v=6;empty;who=fred'],
    ['{;v,bar,who}', ';v=6;who=fred'],
    ['{;x,y}', ';x=1024;y=768'],
    ['{;x,y,empty}', ';x=1024;y=768;empty'],
    ['{;x,y,undef}', ';x=1024;y=768'],
    ['{;hello:5}', ';hello=Hello'],
    ['{;list}', ';list=red,green,blue'],
    ['{;list*}', ';list=red;list=green;list=blue'],
    ['{;keys}', ';keys=semi,%3B,dot,.,comma,%2C'],
    ['{;keys*}', ';semi=%3B;dot=.;comma=%2C'],
  ],
  '3.2.8 form-style query expansion': [
    ['{?who}', '?who=fred'],
    ['{?half}', '?half=50%25'],
    ['{?x,y}', '?x=1024&y=768'],
    ['{?x,y,empty}', '?x=1024&y=768&empty='],
    ['{?x,y,undef}', '?x=1024&y=768'],
    ['{?var:3}', '?var=val'],
    ['{?list}', '?list=red,green,blue'],
    ['{?list*}', '?list=red&list=green&list=blue'],
    ['{?keys}', '?keys=semi,%3B,dot,.,comma,%2C'],
    ['{?keys*}', '?semi=%3B&dot=.&comma=%2C'],
  ],
  '3.2.9 form-style query continuation': [
    ['{&who}', '&who=fred'],
    ['{&half}', '&half=50%25'],
    ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
    ['{&x,y,empty}', '&x=1024&y=768&empty='],
    ['{&x,y,undef}', '&x=1024&y=768'],
    ['{&var:3}', '&var=val'],
    ['{&list}', '&list=red,green,blue'],
    ['{&list*}', '&list=red&list=green&list=blue'],
    ['{&keys}', '&keys=semi,%3B,dot,.,comma,%2C'],
    ['{&keys*}', '&semi=%3B&dot=.&comma=%2C'],
  ],
};

describe('UriTemplate.expand: RFC 6570 section 3.2', () => {
  for (const [section, cases] of Object.entries(RFC_SECTION_3_2)) {
    describe(section, () => {
      it.each(cases)('%s → %s', (template, expected) => {
        expect(new UriTemplate(template).expand(RFC_VARIABLES)).toBe(expected);
      });
    });
  }
});

describe('UriTemplate.expand: beyond the RFC tables', () => {
  it('percent-encodes non-ASCII values as UTF-8 and keeps valid triplets only with + and #', () => {
    const template = new UriTemplate('{a}-{+a}-{#b}');
    expect(template.expand({ a: 'é/ü', b: '%41%zz' })).toBe('%C3%A9%2F%C3%BC-%C3%A9/%C3%BC-#%41%25zz');
  });

  it('counts prefix lengths in code points, never splitting a character', () => {
    expect(new UriTemplate('{word:2}').expand({ word: '😀😃x' })).toBe('%F0%9F%98%80%F0%9F%98%83');
  });

  it('turns numbers and booleans into strings and skips undefined list members', () => {
    const template = new UriTemplate('{?n,ok,list*}');
    expect(template.expand({ n: 42, ok: false, list: ['a', null, 'b', undefined] })).toBe(
      '?n=42&ok=false&list=a&list=b',
    );
  });

  it('treats a list of only undefined members and a map of only undefined values as undefined', () => {
    const template = new UriTemplate('x{?list,map}');
    expect(template.expand({ list: [null, undefined], map: { a: null } })).toBe('x');
  });

  it('uses ifemp for empty members of exploded named values', () => {
    expect(new UriTemplate('{;list*}').expand({ list: ['a', ''] })).toBe(';list=a;list');
    expect(new UriTemplate('{?keys*}').expand({ keys: { a: '', b: '1' } })).toBe('?a=&b=1');
  });

  it('encodes literals that a URI cannot hold and keeps those it can', () => {
    expect(new UriTemplate('docs://a b/ü?{q}').expand({ q: 'x' })).toBe('docs://a%20b/%C3%BC?x');
  });

  it('refuses values the RFC cannot expand, naming the variable', () => {
    expect(() => new UriTemplate('{list:3}').expand({ list: ['a'] })).toThrow(
      /"list" has a prefix modifier \(:3\), which RFC 6570 allows only for string values/,
    );
    expect(() => new UriTemplate('{list}').expand({ list: [['nested']] as unknown as string[] })).toThrow(
      /"list"\[0\] must be a string, number or boolean, got an array/,
    );
  });

  it('ignores variables that are not own properties', () => {
    const inherited = Object.create({ x: 'from-prototype' }) as Record<string, UriTemplateValue>;
    expect(new UriTemplate('a{x}b').expand(inherited)).toBe('ab');
  });
});

describe('UriTemplate parsing', () => {
  it('lists the variables once each, in order of appearance', () => {
    expect(new UriTemplate('{/a,b:2}{?c*,a}{#d.e}').variableNames).toEqual(['a', 'b', 'c', 'd.e']);
  });

  it.each([
    ['{', /"\{" is never closed/],
    ['a}', /"\}" without a matching "\{"/],
    ['{a{b}}', /expressions cannot be nested/],
    ['{}', /empty expression/],
    ['{=a}', /operator "=" is reserved/],
    ['{|a}', /operator "\|" is reserved/],
    ['{a,}', /empty variable name/],
    ['{.a.}', /variable "a" ends with a dot/],
    ['{a..b}', /variable names cannot hold two dots in a row/],
    ['{a:0}', /prefix modifier of "a" must be ":" and a length from 1 to 9999/],
    ['{a:10000}', /prefix modifier/],
    ['{a*b}', /unexpected "\*" after variable "a"/],
    ['{a b}', /unexpected " " after variable "a"/],
  ])('rejects %s with the position and the problem', (template, message) => {
    expect(() => new UriTemplate(template)).toThrow(TypeError);
    expect(() => new UriTemplate(template)).toThrow(message);
  });

  it('accepts percent-encoded and dotted variable names', () => {
    const template = new UriTemplate('{a%20b}{x.y}');
    expect(template.variableNames).toEqual(['a%20b', 'x.y']);
    expect(template.expand({ 'a%20b': '1', 'x.y': '2' })).toBe('12');
  });

  it('tells templates from plain URIs', () => {
    expect(UriTemplate.isTemplate('file:///{path}')).toBe(true);
    expect(UriTemplate.isTemplate('file:///plain')).toBe(false);
    expect(String(new UriTemplate('x{y}'))).toBe('x{y}');
  });
});

describe('UriTemplate.match', () => {
  it('reverses the RFC examples where the expansion is unambiguous', () => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['{var}', 'value', { var: 'value' }],
      ['{hello}', 'Hello%20World%21', { hello: 'Hello World!' }],
      ['{half}', '50%25', { half: '50%' }],
      ['{x,hello,y}', '1024,Hello%20World%21,768', { x: '1024', hello: 'Hello World!', y: '768' }],
      ['{+base}index', 'http://example.com/home/index', { base: 'http://example.com/home/' }],
      ['{+path}/here', '/foo/bar/here', { path: '/foo/bar' }],
      ['{#path,x}/here', '#/foo/bar,1024/here', { path: '/foo/bar', x: '1024' }],
      ['www{.dom*}', 'www.example.com', { dom: ['example', 'com'] }],
      ['{/who,dub}', '/fred/me%2Ftoo', { who: 'fred', dub: 'me/too' }],
      ['{/var:1,var}', '/v/value', { var: 'value' }],
      ['{/list*,path:4}', '/red/green/blue/%2Ffoo', { list: ['red', 'green', 'blue'], path: '/foo' }],
      ['{;v,empty,who}', ';v=6;empty;who=fred', { v: '6', empty: '', who: 'fred' }],
      ['{;list*}', ';list=red;list=green;list=blue', { list: ['red', 'green', 'blue'] }],
      ['{;keys*}', ';semi=%3B;dot=.;comma=%2C', { keys: { semi: ';', dot: '.', comma: ',' } }],
      ['{?x,y,empty}', '?x=1024&y=768&empty=', { x: '1024', y: '768', empty: '' }],
      ['{?keys*}', '?semi=%3B&dot=.&comma=%2C', { keys: { semi: ';', dot: '.', comma: ',' } }],
      ['{keys*}', 'semi=%3B,dot=.,comma=%2C', { keys: { semi: ';', dot: '.', comma: ',' } }],
      ['?fixed=yes{&x}', '?fixed=yes&x=1024', { x: '1024' }],
      ['O{undef}X', 'OX', {}],
    ];
    for (const [template, uri, expected] of cases) {
      expect(new UriTemplate(template).match(uri), template).toEqual(expected);
    }
  });

  it('matches the resource templates servers typically use', () => {
    const template = new UriTemplate('repo://{owner}/{repo}/issues{/number}{?state,labels*}');
    expect(template.match('repo://acme/web/issues')).toEqual({ owner: 'acme', repo: 'web' });
    expect(template.match('repo://acme/web/issues/42?state=open&labels=bug&labels=ui')).toEqual({
      owner: 'acme',
      repo: 'web',
      number: '42',
      state: 'open',
      labels: ['bug', 'ui'],
    });
    expect(new UriTemplate('test://template/{id}/data').match('test://template/123/data')).toEqual({
      id: '123',
    });
    expect(new UriTemplate('file:///{+path}').match('file:///src/a%20b.ts')).toEqual({ path: 'src/a b.ts' });
  });

  it('returns null for URIs the template cannot produce', () => {
    const template = new UriTemplate('users://{id}/profile');
    expect(template.match('users://42/settings')).toBeNull();
    expect(template.match('users://a/b/profile')).toBeNull(); // "/" is not a {id} character
    expect(template.match('groups://42/profile')).toBeNull();
    expect(new UriTemplate('{var:3}').match('value')).toBeNull(); // longer than the prefix allows
    expect(new UriTemplate('x{?a}').match('x?b=1')).toBeNull(); // a parameter the template does not name
    expect(new UriTemplate('{a}').match('%E0%A4%A')).toBeNull(); // malformed percent-encoding
    expect(new UriTemplate('{/var:1,var}').match('/x/value')).toBeNull(); // one variable, two values
  });

  it('accepts raw non-ASCII characters (IRIs) where an encoded value may stand', () => {
    expect(new UriTemplate('docs://{name}').match('docs://résumé')).toEqual({ name: 'résumé' });
  });

  it('never examines URIs beyond the length bound', () => {
    const template = new UriTemplate('x{+rest}');
    expect(template.match(`x${'a'.repeat(MAX_MATCH_URI_LENGTH)}`)).toBeNull();
    expect(template.match(`x${'a'.repeat(MAX_MATCH_URI_LENGTH - 1)}`)).toEqual({
      rest: 'a'.repeat(MAX_MATCH_URI_LENGTH - 1),
    });
  });

  // A backtracking matcher (a regex such as /^(.*)x(.*)x(.*)x(.*)y$/) needs on the order of n^4 steps on these
  // inputs; this one needs a few passes over the URI. The test proves it completes with the right answers.
  it('handles 100 KB adversarial URIs without backtracking', () => {
    const length = 100_000;
    const noFinalY = 'x'.repeat(length);
    const template = new UriTemplate('{+a}x{+b}x{+c}x{+d}y');
    expect(template.match(noFinalY)).toBeNull();
    // b, c and d match empty spans, which {+var} cannot tell from undefined variables, so they are absent.
    expect(template.match(`${noFinalY}y`)).toEqual({ a: 'x'.repeat(length - 3) });

    const manyExpressions = new UriTemplate('{a}{b}{c}{d}{e}{f}{g}{h}!');
    expect(manyExpressions.match('a'.repeat(length))).toBeNull();
    expect(manyExpressions.match(`${'a'.repeat(length)}!`)).toEqual({ a: 'a'.repeat(length) });

    const segments = new UriTemplate('files://{/path*}/end');
    const deep = `files://${'/s'.repeat(length / 2)}`;
    expect(segments.match(deep)).toBeNull();
    expect(segments.match(`${deep}/end`)).toEqual({ path: Array.from({ length: length / 2 }, () => 's') });
  });
});
