/**
 * An ordered, named collection of server features (tools now; prompts, resources and templates later) with
 * enable/disable/remove handles and one change signal, so list results are deterministic and list_changed
 * notifications come from a single place.
 */

interface Slot<T> {
  value: T;
  enabled: boolean;
}

/** The handle returned when something is registered. */
export interface RegistryHandle {
  readonly name: string;
  /** False while disabled, and after `remove()`. */
  readonly enabled: boolean;
  /** Makes the entry visible again; notifies clients when that changes anything. */
  enable(): void;
  /** Hides the entry from lists and calls without forgetting it. */
  disable(): void;
  /** Forgets the entry; its name can be registered again. */
  remove(): void;
}

/** Registration order is kept (a Map iterates in insertion order), so lists and pages are deterministic. */
export class Registry<T> {
  readonly #kind: string;
  readonly #slots = new Map<string, Slot<T>>();
  readonly #listeners = new Set<() => void>();
  #everUsed = false;

  /** `kind` names the entries in error messages ("tool", "prompt"). */
  constructor(kind: string) {
    this.#kind = kind;
  }

  /** True once anything was registered: the capability stays advertised even if entries come and go. */
  get everUsed(): boolean {
    return this.#everUsed;
  }

  add(name: string, value: T): RegistryHandle {
    if (this.#slots.has(name)) {
      throw new Error(
        `A ${this.#kind} named "${name}" is already registered; remove it first or choose another name`,
      );
    }
    const slot: Slot<T> = { value, enabled: true };
    this.#slots.set(name, slot);
    this.#everUsed = true;
    this.#changed();
    const isCurrent = (): boolean => this.#slots.get(name) === slot;
    const setEnabled = (enabled: boolean, action: string): void => {
      if (!isCurrent()) {
        throw new Error(`Cannot ${action} ${this.#kind} "${name}": it was removed`);
      }
      if (slot.enabled === enabled) return;
      slot.enabled = enabled;
      this.#changed();
    };
    return {
      name,
      get enabled() {
        return isCurrent() && slot.enabled;
      },
      enable: () => setEnabled(true, 'enable'),
      disable: () => setEnabled(false, 'disable'),
      remove: () => {
        if (!isCurrent()) return;
        this.#slots.delete(name);
        this.#changed();
      },
    };
  }

  /** The enabled entry with this name. */
  get(name: string): T | undefined {
    const slot = this.#slots.get(name);
    return slot?.enabled ? slot.value : undefined;
  }

  /** Enabled entries in registration order. */
  list(): Array<[name: string, value: T]> {
    const entries: Array<[string, T]> = [];
    for (const [name, slot] of this.#slots) if (slot.enabled) entries.push([name, slot.value]);
    return entries;
  }

  /** Calls `listener` after every change that alters what `list()` returns; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
