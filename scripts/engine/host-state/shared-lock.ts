// One run lock per machine per run: local hosts of one run share the controller's lock.
import type { Transport } from '../../transport/types.js';
import { acquireLock, type HeldLock, type LockHolder } from './lock.js';

/** Hands out the host lock, taking it once per key and releasing it when its last user is done. */
export class SharedLocks {
  private readonly held = new Map<string, { lock: Promise<HeldLock>; users: number }>();

  /** The lock for `key` (taken through `t` the first time); release() frees it after the last user. */
  async acquire(key: string, t: Transport, holder: LockHolder): Promise<HeldLock> {
    let entry = this.held.get(key);
    if (!entry) {
      entry = { lock: acquireLock(t, holder), users: 0 };
      this.held.set(key, entry);
      entry.lock.catch(() => this.held.delete(key));
    }
    entry.users++;
    const lock = await entry.lock;
    const shared = entry;
    return {
      stale: shared.users === 1 ? lock.stale : undefined,
      release: async () => {
        shared.users--;
        if (shared.users > 0) return;
        this.held.delete(key);
        await lock.release();
      },
    };
  }
}
