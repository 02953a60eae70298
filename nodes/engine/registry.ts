/** The set of node types an engine knows, by stable type id. */
import type { AnyNodeDef } from '../sdk/define';
import { isWidgetType } from '../sdk/sockets';
import { buildCatalog, type NodeCatalog } from './catalog';

export class NodeRegistry {
  private readonly defs = new Map<string, AnyNodeDef>();

  constructor(defs: readonly AnyNodeDef[] = []) {
    for (const d of defs) this.register(d);
  }

  /** Adds a node type. Throws when the id is already registered or the definition is malformed. */
  register(def: AnyNodeDef): void {
    if (typeof def.id !== 'string' || def.id.length === 0) {
      throw new Error('A node definition needs a non-empty string id.');
    }
    if (this.defs.has(def.id)) {
      throw new Error(`Node type "${def.id}" is already registered.`);
    }
    if (!Number.isInteger(def.version) || def.version < 1) {
      throw new Error(`Node type "${def.id}": version must be an integer >= 1, got ${String(def.version)}.`);
    }
    if (typeof def.execute !== 'function') {
      throw new Error(`Node type "${def.id}" has no execute function.`);
    }
    for (const [name, spec] of Object.entries(def.inputs)) {
      if (spec.type === 'ENUM' && !spec.options.includes(spec.default)) {
        throw new Error(
          `Node type "${def.id}": input "${name}" defaults to "${spec.default}", which is not one of its options.`,
        );
      }
      if (isWidgetType(spec.type) && !('default' in spec)) {
        throw new Error(`Node type "${def.id}": widget input "${name}" has no default.`);
      }
    }
    this.defs.set(def.id, def);
  }

  get(id: string): AnyNodeDef | undefined {
    return this.defs.get(id);
  }

  has(id: string): boolean {
    return this.defs.has(id);
  }

  /** Every definition, in registration order. */
  list(): AnyNodeDef[] {
    return [...this.defs.values()];
  }

  catalog(): NodeCatalog {
    return buildCatalog(this.list());
  }
}
