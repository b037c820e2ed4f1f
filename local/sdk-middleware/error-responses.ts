/** An HTTP response as the SDK's deserializers read it (structurally a @smithy HttpResponse). */
export interface FakeHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface AwsErrorShape {
  code: string;
  message: string;
  status: number;
}

type Protocol = 'ec2' | 'query' | 'json' | 'rest-xml';

/** The wire protocol of each service AwsClients builds, which decides how an error body looks. */
const PROTOCOLS: Record<string, Protocol> = {
  ec2: 'ec2',
  rds: 'query',
  sns: 'query',
  ecs: 'json',
  sfn: 'json',
  ssm: 'json',
  sqs: 'json',
  s3: 'rest-xml',
  route53: 'rest-xml',
};

const encoder = new TextEncoder();
let requestCounter = 0;

/**
 * An error response in the service's own wire format, so the SDK's deserializer builds the same
 * exception class, `name` and `$metadata.httpStatusCode` that real AWS would cause.
 */
export function awsErrorResponse(service: string, error: AwsErrorShape): FakeHttpResponse {
  requestCounter += 1;
  const requestId = `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
  const protocol = PROTOCOLS[service] ?? 'json';
  const { code, message, status } = error;
  const type = status >= 500 ? 'Receiver' : 'Sender';
  switch (protocol) {
    case 'ec2':
      return xml(
        status,
        `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
        requestId,
      );
    case 'query':
      return xml(
        status,
        `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        requestId,
      );
    case 'rest-xml':
      return service === 's3'
        ? xml(
            status,
            `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
            requestId,
          )
        : xml(
            status,
            `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
            requestId,
          );
    case 'json':
      return {
        statusCode: status,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': code,
        },
        body: encoder.encode(JSON.stringify({ __type: code, message })),
      };
  }
}

function xml(status: number, body: string, requestId: string): FakeHttpResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body: encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`),
  };
}

/** The throttling error each service answers with when its request rate is exceeded. */
export function throttlingError(service: string): AwsErrorShape {
  switch (service) {
    // https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
    case 'ec2':
      return { code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 };
    case 'rds':
    case 'route53':
    case 'sns':
      return { code: 'Throttling', message: 'Rate exceeded', status: 400 };
    case 's3':
      return { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 };
    default:
      return { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 };
  }
}

/** A 5xx the service may answer with on a bad day. */
export function serverError(service: string): AwsErrorShape {
  switch (service) {
    case 'ec2':
      return { code: 'InternalError', message: 'An internal error has occurred', status: 500 };
    case 's3':
      return {
        code: 'InternalError',
        message: 'We encountered an internal error. Please try again.',
        status: 500,
      };
    case 'rds':
    case 'route53':
    case 'sns':
      return { code: 'InternalFailure', message: 'An internal error occurred', status: 500 };
    default:
      return { code: 'ServiceUnavailableException', message: 'Service unavailable', status: 503 };
  }
}
