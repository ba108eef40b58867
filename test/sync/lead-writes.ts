import {
  AliasNode,
  TableNode,
  type Kysely,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Database } from '../../src/db/database.js';

/**
 * Counts the rows of `leads` that statements insert, update or delete, as the database reports
 * them (numAffectedRows), through a Kysely plugin on the handle given to the engine. This is how
 * the tests tell "wrote nothing" from "wrote the same values again", on both dialects alike.
 */
export function countLeadWrites(
  db: Kysely<Database>,
  onWrite?: (rows: number) => void,
): { db: Kysely<Database>; count(): number } {
  const writesLeads = new WeakSet<object>();
  let count = 0;
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (tableOf(args.node) === 'leads') writesLeads.add(args.queryId);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (writesLeads.has(args.queryId)) {
        const rows = Number(args.result.numAffectedRows ?? 0n);
        count += rows;
        if (rows > 0) onWrite?.(rows);
      }
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), count: () => count };
}

function tableOf(node: RootOperationNode): string | null {
  switch (node.kind) {
    case 'InsertQueryNode':
      return node.into ? nameOf(node.into) : null;
    case 'UpdateQueryNode':
      return node.table ? nameOf(node.table) : null;
    case 'DeleteQueryNode':
      return node.from.froms[0] ? nameOf(node.from.froms[0]) : null;
    default:
      return null;
  }
}

function nameOf(node: OperationNode): string | null {
  if (TableNode.is(node)) return node.table.identifier.name;
  if (AliasNode.is(node)) return nameOf(node.node);
  return null;
}
