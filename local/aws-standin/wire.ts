import {
  type AwsErrorShape,
  awsErrorResponse,
  type FakeHttpResponse,
} from '../sdk-middleware/error-responses';

/** The parts of a smithy HttpRequest the stand-in reads (structurally @smithy/protocol-http HttpRequest). */
export interface WireRequest {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A refusal the stand-in answers with, in the service's own error format (error-responses.ts). */
export class StandinError extends Error {
  constructor(readonly shape: AwsErrorShape) {
    super(`${shape.code}: ${shape.message}`);
    this.name = 'StandinError';
  }
}

/** Throws the AWS error `code` with HTTP `status`. */
export function refuse(code: string, message: string, status = 400): never {
  throw new StandinError({ code, message, status });
}

const decoder = new TextDecoder();

/** The request body as text (the query and JSON serializers send a string; a Uint8Array is decoded). */
export function bodyText(request: WireRequest): string {
  const { body } = request;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  throw new Error('aws-standin: streamed request bodies are not supported');
}

/** A form-encoded query request (EC2 query, awsQuery): its parameters by their flattened names. */
export class QueryParams {
  private readonly params: Map<string, string>;

  constructor(text: string) {
    this.params = new Map(new URLSearchParams(text));
  }

  get action(): string {
    return this.required('Action');
  }

  get(name: string): string | undefined {
    return this.params.get(name);
  }

  required(name: string): string {
    const value = this.params.get(name);
    if (value === undefined || value === '')
      refuse('MissingParameter', `The request must contain the parameter ${name}`);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.params.get(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) refuse('InvalidParameterValue', `Invalid value '${value}' for ${name}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const value = this.params.get(name);
    return value === undefined ? undefined : value === 'true';
  }

  /** The values of a flattened list `prefix.1`, `prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    return this.indexed(prefix)
      .filter(([rest]) => rest === '')
      .map(([, , value]) => value);
  }

  /** The members of a flattened list of structures `prefix.N.field...`, each as its own QueryParams view. */
  structs(prefix: string): QueryParams[] {
    const byIndex = new Map<number, [string, string][]>();
    for (const [rest, index, value] of this.indexed(prefix)) {
      if (!rest.startsWith('.')) continue;
      const entries = byIndex.get(index) ?? [];
      entries.push([rest.slice(1), value]);
      byIndex.set(index, entries);
    }
    return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entries]) => QueryParams.of(entries));
  }

  private static of(entries: [string, string][]): QueryParams {
    const view = new QueryParams('');
    for (const [k, v] of entries) view.params.set(k, v);
    return view;
  }

  /** [rest after the index, index, value] for every parameter named `prefix.<index><rest>`. */
  private indexed(prefix: string): [string, number, string][] {
    const out: [string, number, string][] = [];
    const head = `${prefix}.`;
    for (const [name, value] of this.params) {
      if (!name.startsWith(head)) continue;
      const tail = name.slice(head.length);
      const match = /^(\d+)(.*)$/.exec(tail);
      if (match === null) continue;
      out.push([match[2] ?? '', Number(match[1]), value]);
    }
    return out.sort((a, b) => a[1] - b[1]);
  }
}

/** Tags given as `prefix.N.Key` / `prefix.N.Value`. */
export function tagsFrom(structs: QueryParams[]): Map<string, string> {
  const tags = new Map<string, string>();
  for (const t of structs) {
    const key = t.get('Key');
    if (key !== undefined) tags.set(key, t.get('Value') ?? '');
  }
  return tags;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text escaped for an XML element. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** One XML element; undefined content leaves it out, a number or boolean is written as text. */
export function el(name: string, content: string | number | boolean | undefined, raw = false): string {
  if (content === undefined) return '';
  const text = typeof content === 'string' ? (raw ? content : escapeXml(content)) : String(content);
  return `<${name}>${text}</${name}>`;
}

/** A list of already-rendered members inside `name`. */
export function list(name: string, members: string[]): string {
  return `<${name}>${members.join('')}</${name}>`;
}

const encoder = new TextEncoder();
let requestCounter = 0;

/** A fresh request id, as AWS puts in every answer. */
export function requestId(): string {
  requestCounter += 1;
  return `5a1d0000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
}

/** A 200 answer with an XML body. */
export function xmlResponse(body: string): FakeHttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`),
  };
}

/** A 200 answer with an AWS JSON 1.1 body. */
export function jsonResponse(body: unknown): FakeHttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() },
    body: encoder.encode(JSON.stringify(body)),
  };
}

/** The error answer for `error` in `service`'s wire format, or rethrows what is not a stand-in refusal. */
export function errorResponse(service: string, error: unknown): FakeHttpResponse {
  if (error instanceof StandinError) return awsErrorResponse(service, error.shape);
  throw error;
}

/** ISO 8601 with milliseconds, as EC2 and RDS write timestamps. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
