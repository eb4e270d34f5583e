import { jsonDepthExceeds, MAX_JSON_DEPTH, readJsonBody } from './json-body';

const event = (body: string | undefined, contentType: string | null = 'application/json', isBase64Encoded = false) => ({
  headers: contentType === null ? {} : { 'content-type': contentType },
  body,
  isBase64Encoded,
});
const limits = { maxBytes: 64 };

describe('readJsonBody', () => {
  it('parses a JSON body, base64-encoded or not, with or without a UTF-8 charset', () => {
    expect(readJsonBody(event('{"a":[1]}'), limits)).toEqual({ ok: true, value: { a: [1] } });
    expect(readJsonBody(event(Buffer.from('{"é":1}').toString('base64'), 'application/json', true), limits)).toEqual({ ok: true, value: { é: 1 } });
    for (const type of ['application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
      expect(readJsonBody(event('{}', type), limits)).toEqual({ ok: true, value: {} });
    }
  });

  it.each([
    ['no content type', null, 'content-type is missing: must be application/json (charset utf-8 allowed)'],
    ['a form', 'application/x-www-form-urlencoded', 'content-type application/x-www-form-urlencoded is not accepted: must be application/json (charset utf-8 allowed)'],
    ["fetch's default for a string", 'text/plain;charset=UTF-8', 'content-type text/plain is not accepted: must be application/json (charset utf-8 allowed)'],
    ['another charset', 'application/json; charset=iso-8859-1', 'content-type charset iso-8859-1 is not accepted: must be application/json (charset utf-8 allowed)'],
    ['a malformed header', 'json', 'content-type "json" is not a media type: must be application/json (charset utf-8 allowed)'],
  ])('answers 415 naming what is accepted for %s', (_case, contentType, message) => {
    expect(readJsonBody(event('{}', contentType), limits)).toEqual({
      ok: false,
      rejection: { statusCode: 415, body: { message, errors: [{ field: 'content-type', message: message.replace(/^content-type /, '') }] } },
    });
  });

  it('answers 413 naming the limit past maxBytes of decoded UTF-8 (a multi-byte character counts its bytes)', () => {
    expect(readJsonBody(event(`"${'x'.repeat(62)}"`), limits)).toMatchObject({ ok: true });
    expect(readJsonBody(event(`"${'x'.repeat(63)}"`), limits)).toEqual({
      ok: false,
      rejection: { statusCode: 413, body: { message: 'body is 65 bytes: at most 64 bytes', errors: [{ field: 'body', message: 'is 65 bytes: at most 64 bytes' }] } },
    });
    expect(readJsonBody(event(`"${'é'.repeat(32)}"`), limits)).toMatchObject({ ok: false, rejection: { statusCode: 413 } });
    expect(readJsonBody(event(Buffer.from('"' + 'x'.repeat(70) + '"').toString('base64'), 'application/json', true), limits)).toMatchObject({ ok: false, rejection: { statusCode: 413 } });
  });

  it(`answers 400 naming the depth limit (${MAX_JSON_DEPTH} by default) before parsing`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const roomy = { maxBytes: 1_000_000 };
    expect(readJsonBody(event(nested(MAX_JSON_DEPTH)), roomy)).toMatchObject({ ok: true });
    expect(readJsonBody(event(nested(MAX_JSON_DEPTH + 1)), roomy)).toEqual({
      ok: false,
      rejection: { statusCode: 400, body: { message: 'body nests deeper than 8 levels of arrays and objects', errors: [{ field: 'body', message: 'nests deeper than 8 levels of arrays and objects' }] } },
    });
    // Deep enough to overflow a recursive parser's stack: refused in one pass, never parsed.
    expect(readJsonBody(event('{"a":'.repeat(200_000)), { maxBytes: 2_000_000 })).toMatchObject({ ok: false, rejection: { statusCode: 400 } });
    expect(readJsonBody(event('{"a":{"b":{}}}'), { maxBytes: 64, maxDepth: 2 })).toMatchObject({ ok: false, rejection: { body: { message: 'body nests deeper than 2 levels of arrays and objects' } } });
  });

  it('answers 400 for a body that is not JSON, or no body', () => {
    for (const body of ['{"a":', undefined, '']) {
      expect(readJsonBody(event(body), limits)).toEqual({ ok: false, rejection: { statusCode: 400, body: { message: 'body is not JSON', errors: [{ field: 'body', message: 'is not JSON' }] } } });
    }
  });
});

describe('jsonDepthExceeds', () => {
  it('counts brackets outside strings only, escaped quotes included', () => {
    expect(jsonDepthExceeds('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a\\\\":[[1]]}', 2)).toBe(true);
    expect(jsonDepthExceeds('[[],[],[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[],[],[[[]]]]', 3)).toBe(true);
  });
});
