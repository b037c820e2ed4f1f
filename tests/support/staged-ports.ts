import type { BackupPorts, EbsPort, RdsPort, Tags } from '../../lib/backup/ports';
import { TAG } from '../../lib/tags/vocabulary';

/**
 * The backup pipeline as it will be once it writes `lifeboat:stage` (the tag-vocabulary work):
 * every snapshot and copy it makes carries the stage, and it looks a backup's snapshots up within
 * its stage. Until that lands, this wrapper is what makes two stages in one account distinct here.
 */
export function stagedPorts(ports: BackupPorts, stage: string): BackupPorts {
  const staged = (tags: Tags): Tags => ({ ...tags, [TAG.stage]: stage });
  const ebs = (region: string): EbsPort => {
    const port = ports.ebs(region);
    return {
      region,
      findVolumes: (selector) => port.findVolumes(selector),
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
      listSnapshots: (prefix) => port.listSnapshots(prefix),
      countPendingCopies: () => port.countPendingCopies(),
      copySnapshotFrom: (input) => port.copySnapshotFrom({ ...input, tags: staged(input.tags) }),
      deleteSnapshot: (kind, identifier) => port.deleteSnapshot(kind, identifier),
    };
  };
  return { ...ports, ebs, rds };
}
