import type { BackupPorts, EbsPort, RdsPort, Tags } from '../../lib/backup/ports';
import { TAG } from '../../lib/tags/vocabulary';
import { ACCEPT_UNSTAGED, snapshotTrust } from '../../lib/trust/snapshot-trust';

/**
 * The backup pipeline of one stage in a shared account: its trust names `stage`, so every snapshot
 * and copy it makes carries that stage and it adopts only that stage's; the tag rewriting below is
 * a belt over the pipeline's own braces (it writes the same value).
 */
export function stagedPorts(ports: BackupPorts, stage: string): BackupPorts {
  const staged = (tags: Tags): Tags => ({ ...tags, [TAG.stage]: stage });
  const ebs = (region: string): EbsPort => {
    const port = ports.ebs(region);
    return {
      region,
      findVolumes: (selector) => port.findVolumes(selector),
      describeSnapshot: (id) => port.describeSnapshot(id),
      describeSnapshots: (ids) => port.describeSnapshots(ids),
      createSnapshot: (volumeId, description, tags) =>
        port.createSnapshot(volumeId, description, staged(tags)),
      findSnapshots: (selector) =>
        port.findSnapshots(
          selector.tags?.[TAG.backupId] === undefined
            ? selector
            : { ...selector, tags: staged(selector.tags) },
        ),
      copySnapshotFrom: (input) => port.copySnapshotFrom({ ...input, tags: staged(input.tags) }),
      countPendingCopies: () => port.countPendingCopies(),
      deleteSnapshot: (id) => port.deleteSnapshot(id),
    };
  };
  const rds = (region: string): RdsPort => {
    const port = ports.rds(region);
    return {
      region,
      describeDatabase: (kind, id) => port.describeDatabase(kind, id),
      createSnapshot: (kind, sourceId, identifier, tags) =>
        port.createSnapshot(kind, sourceId, identifier, staged(tags)),
      findSnapshot: (kind, identifier) => port.findSnapshot(kind, identifier),
      listSnapshots: (prefix, kinds) => port.listSnapshots(prefix, kinds),
      countPendingCopies: (kinds) => port.countPendingCopies(kinds),
      copySnapshotFrom: (input) => port.copySnapshotFrom({ ...input, tags: staged(input.tags) }),
      deleteSnapshot: (kind, identifier) => port.deleteSnapshot(kind, identifier),
    };
  };
  const trust = snapshotTrust({ stage, acceptUnstaged: ACCEPT_UNSTAGED }, { ebs, rds });
  return { ...ports, ebs, rds, trust };
}
