import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import type { EventRuleInfo } from '../readiness/dr-events';
import type { AwsClients } from './clients';
import { translateAwsError } from './errors';

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
    let nextToken: string | undefined;
    do {
      try {
        const out = await this.events.send(
          new ListRulesCommand({ NamePrefix: namePrefix, NextToken: nextToken }),
        );
        for (const rule of out.Rules ?? []) {
          if (rule.Name === undefined) continue;
          rules.push({
            name: rule.Name,
            state: rule.State ?? 'UNKNOWN',
            eventPattern: rule.EventPattern,
            targetArns: [],
          });
        }
        nextToken = out.NextToken;
      } catch (error) {
        throw translateAwsError(error, 'EventBridge ListRules', { region: this.region, namePrefix });
      }
    } while (nextToken !== undefined);
    for (const rule of rules) rule.targetArns = await this.targetArns(rule.name);
    return rules;
  }

  private async targetArns(rule: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      try {
        const out = await this.events.send(
          new ListTargetsByRuleCommand({ Rule: rule, NextToken: nextToken }),
        );
        for (const target of out.Targets ?? []) if (target.Arn !== undefined) arns.push(target.Arn);
        nextToken = out.NextToken;
      } catch (error) {
        throw translateAwsError(error, 'EventBridge ListTargetsByRule', { region: this.region, rule });
      }
    } while (nextToken !== undefined);
    return arns;
  }
}
