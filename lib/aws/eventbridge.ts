import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import type { EventRuleInfo } from '../readiness/dr-events';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';
import { pagesOf } from './paging';

export type { EventRuleInfo };

/** The EventBridgeClient for a region, built once per process. */
export function eventBridgeClient(clients: AwsClients, region: string): EventBridgeClient {
  return clients.client('eventbridge', EventBridgeClient, region);
}

/** EventBridge rules of one region's default bus, read only (the readiness check of the DR forwarder). */
export class EventRuleReader {
  constructor(
    private readonly events: EventBridgeClient,
    readonly region: string,
  ) {}

  /** Every rule on the default bus whose name starts with `namePrefix`, with its state and target ARNs. */
  async rulesNamed(namePrefix: string): Promise<EventRuleInfo[]> {
    const rules: EventRuleInfo[] = [];
    try {
      const pages = pagesOf((token) =>
        this.events.send(new ListRulesCommand({ NamePrefix: namePrefix, NextToken: token })),
      );
      for await (const page of pages)
        for (const rule of page.Rules ?? []) {
          if (rule.Name === undefined) continue;
          rules.push({
            name: rule.Name,
            state: rule.State ?? 'UNKNOWN',
            eventPattern: rule.EventPattern,
            targetArns: [],
          });
        }
    } catch (error) {
      throw translateAwsError(error, 'EventBridge ListRules', { region: this.region, namePrefix });
    }
    for (const rule of rules) rule.targetArns = await this.targetArns(rule.name);
    return rules;
  }

  private async targetArns(rule: string): Promise<string[]> {
    const arns: string[] = [];
    try {
      const pages = pagesOf((token) =>
        this.events.send(new ListTargetsByRuleCommand({ Rule: rule, NextToken: token })),
      );
      for await (const page of pages)
        for (const target of page.Targets ?? []) if (target.Arn !== undefined) arns.push(target.Arn);
    } catch (error) {
      throw translateAwsError(error, 'EventBridge ListTargetsByRule', { region: this.region, rule });
    }
    return arns;
  }
}
