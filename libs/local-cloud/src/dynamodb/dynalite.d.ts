// dynalite ships no type declarations: the part of its API the emulator uses (dynalite 4.0.0 index.js).
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** How long a table stays CREATING / DELETING / UPDATING (default 500 ms each). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

// dynalite's own capacity arithmetic (db/index.js), which its ConsumedCapacity answers use.
declare module 'dynalite/db' {
  /** Capacity units of an item (DynamoDB JSON): reads per 4 KB (halved unless consistent), writes per 1 KB; 1 (or 0.5) for none. */
  export function capacityUnits(item: Record<string, unknown> | undefined, isRead: boolean, isConsistent?: boolean): number;
}
