import type { AwsClients } from '../aws/clients';
import { rdsClient } from '../aws/rds';
import { ManagedDatabasesReader } from '../aws/restored-databases';
import type { DatabaseInAws, ManagedDatabasesPort } from './ports';

/**
 * The managed databases of each region on AWS (or the emulator the clients point at), each region
 * read once for the life of the port: build one per run so every run sees AWS as it is now.
 */
export function awsManagedDatabases(clients: AwsClients): ManagedDatabasesPort {
  const read = new Map<string, Promise<DatabaseInAws[]>>();
  return {
    managedDatabases(region) {
      let found = read.get(region);
      if (found === undefined) {
        found = new ManagedDatabasesReader(rdsClient(clients, region), region).managedDatabases();
        read.set(region, found);
      }
      return found;
    },
  };
}
