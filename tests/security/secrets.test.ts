import { readFileSync } from 'node:fs';
import { loadTemplate, resourcesOfType, TEMPLATE_PATH } from './support/template';

const template = loadTemplate();
const text = readFileSync(TEMPLATE_PATH, 'utf8');
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY)/i;
/** Env vars may name where a secret lives, never hold it. */
const REFERENCE_NAME = /_(PARAMETER|PARAM|ARN|NAME|ID)$/;

describe('secrets in the packaged template', () => {
  it('passes the webhook token to functions only as the name of its SSM parameter', () => {
    const offending: string[] = [];
    for (const [name, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const variables =
        (fn.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {};
      for (const [key, value] of Object.entries(variables)) {
        if (!SECRET_NAME.test(key)) continue;
        const isParameterName = typeof value === 'string' && value.startsWith('/');
        if (
          !REFERENCE_NAME.test(key) ||
          (typeof value === 'string' && !isParameterName && !value.startsWith('arn:'))
        )
          offending.push(`${name}.${key}`);
      }
    }

    expect(offending).toEqual([]);
  });

  it('resolves no secure string into the template (that would put the plaintext in the function config)', () => {
    expect(text).not.toMatch(/\{\{resolve:(ssm-secure|secretsmanager):/);
  });

  it('carries no token in a URL and creates no parameter with a secret value', () => {
    expect(text).not.toMatch(/[?&]token=[^"&\s]+/i);
    const stored = resourcesOfType(template, 'AWS::SSM::Parameter').filter(([, p]) =>
      SECRET_NAME.test(String(p.Properties?.Name ?? '')),
    );
    expect(stored).toEqual([]);
  });

  it('has no CloudFormation parameter defaulting to a secret', () => {
    const parameters = (template as { Parameters?: Record<string, { Default?: unknown }> }).Parameters ?? {};

    expect(
      Object.keys(parameters).filter((p) => SECRET_NAME.test(p) && parameters[p]?.Default !== undefined),
    ).toEqual([]);
  });
});
