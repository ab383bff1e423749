/**
 * Makes committed SQLite writes durable off the event loop (ADR 0022). The connection runs with
 * `synchronous=NORMAL`: a COMMIT appends its frames to the write-ahead log with
 * write() and returns without an fsync. Before anything that depends on the commit
 * happens (the caller's answer, the events it emits), `sync()` runs an fdatasync of
 * the WAL file on libuv's thread pool, so the frames are on disk exactly as
 * `synchronous=FULL` would have put them there, while the event loop keeps serving
 * sockets.
 *
 * Which file: the WAL is `<database>-wal`, created by SQLite while a connection has
 * the database open in WAL mode and deleted only when the last connection closes.
 * Before every sync the inode of that path is compared with the one of the open
 * descriptor; if SQLite recreated the file, the new one is opened. If there is no
 * WAL at all, the database file itself is synced.
 *
 * Order: `sync()` resolves only after an fdatasync that started after the call, so
 * a caller that committed before calling it is covered. Calls that arrive while one
 * runs share the next one (a group of commits, one fsync).
 *
 * A failed fdatasync leaves the state of the file unknown (the kernel may have
 * dropped the dirty pages): the syncer stays failed and every later sync rejects
 * with that error, so no further write is acknowledged until the server restarts
 * and SQLite recovers from what is on disk.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { promisify } from 'node:util';

const datasync: (fd: number) => Promise<void> = promisify(fdatasync);

export interface WalSyncerStats {
  /** fdatasync calls made. */
  syncs: number;
  /** `sync()` calls (commits that asked): more than `syncs` when commits shared one. */
  requests: number;
  /** Times the WAL file was (re)opened. */
  opens: number;
}

export class WalSyncer {
  private fd: number | undefined;
  private ino: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  readonly stats: WalSyncerStats = { syncs: 0, requests: 0, opens: 0 };

  constructor(
    private readonly databasePath: string,
    /** For tests: what runs the fdatasync. */
    private readonly flush: (fd: number) => Promise<void> = datasync,
  ) {}

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    this.stats.requests += 1;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    if (this.running === undefined) return this.start();
    // The one running may have started before the caller's commit: join the next.
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  /** Waits for the syncs under way, then closes the descriptor. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.running, this.queued]);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private startQueued(): Promise<void> {
    this.queued = undefined;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.syncOnce().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async syncOnce(): Promise<void> {
    try {
      const fd = this.descriptor();
      this.stats.syncs += 1;
      await this.flush(fd);
    } catch (error) {
      this.failure = new Error('fdatasync of the SQLite write-ahead log failed: writes are no longer acknowledged', {
        cause: error,
      });
      throw this.failure;
    }
  }

  /** The open WAL file, reopened if SQLite replaced it; the database file when there is no WAL. */
  private descriptor(): number {
    const wal = `${this.databasePath}-wal`;
    const current = statSync(wal, { throwIfNoEntry: false });
    const path = current ? wal : this.databasePath;
    const ino = current ? current.ino : statSync(path).ino;
    if (this.fd !== undefined && this.ino === ino && fstatSync(this.fd).ino === ino) return this.fd;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(path, 'r');
    this.ino = fstatSync(this.fd).ino;
    this.stats.opens += 1;
    return this.fd;
  }
}
