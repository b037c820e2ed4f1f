import type { RecordSignalPorts, RecordSignalResult } from '../recovery/record-signal';
import type { StartRecoveryPorts, StartRecoveryResult } from '../recovery/start-recovery';

/** What a trigger needs: the catalog (lock, incidents, recoveries) and the recovery executions. */
export type TriggerPorts = StartRecoveryPorts & {
  catalog: StartRecoveryPorts['catalog'] & RecordSignalPorts['catalog'];
};

/** An event that is valid but asks for nothing (an UP without a recovery, an OK → INSUFFICIENT_DATA). */
export interface NotActionable {
  outcome: 'ignored';
  reason: 'state-not-actionable' | 'unknown-alarm' | 'actions-suppressed';
  why: string;
  site?: string;
}

/** How a trigger event was handled. */
export type TriggerOutcome = StartRecoveryResult | RecordSignalResult | NotActionable;
