/**
 * The model pool: long-lived heavy objects (ONNX sessions, parsed checkpoints) keyed by what
 * they were made from. Concurrent `acquire` calls for one key share a single creation; a failed
 * creation is forgotten so the next call tries again.
 */
import type { ModelPool } from '../sdk/define';

interface Entry {
  promise: Promise<unknown>;
  dispose?: (value: unknown) => void | Promise<void>;
}

export class EngineModelPool implements ModelPool {
  private readonly entries = new Map<string, Entry>();

  acquire<T>(
    key: string,
    create: () => Promise<T>,
    dispose?: (value: T) => void | Promise<void>,
  ): Promise<T> {
    const existing = this.entries.get(key);
    if (existing) return existing.promise as Promise<T>;
    const entry: Entry = {
      promise: Promise.resolve().then(create),
      dispose: dispose as ((value: unknown) => void | Promise<void>) | undefined,
    };
    this.entries.set(key, entry);
    entry.promise.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.promise as Promise<T>;
  }

  async release(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    let value: unknown;
    try {
      value = await entry.promise;
    } catch {
      return false; // creation failed: nothing to dispose
    }
    await entry.dispose?.(value);
    return true;
  }

  /** Releases every entry; dispose errors are collected and rethrown together. */
  async releaseAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const key of this.keys()) {
      try {
        await this.release(key);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} model(s) failed to dispose.`);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keys of live entries and of entries still being created. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
