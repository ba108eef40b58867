import type pg from 'pg';
import { LocalEventBus } from './local-bus.js';
import { parseEvent, type EventBus, type EventListener } from './event-bus.js';
import type { LiveEvent } from './event-types.js';

/** The NOTIFY channel every leadsync process of one database listens on. */
export const CHANNEL = 'leadsync_events';
const RECONNECT_MS = 1000;

/**
 * Fans events out to every process sharing the PostgreSQL database with LISTEN/NOTIFY, on one
 * dedicated connection (a pooled one would lose its LISTEN when returned). Events are delivered
 * locally only when they come back from the server, so each process sees each event exactly once
 * and in the same order as everyone else. If the connection drops it is reopened; events published
 * meanwhile are lost, which is acceptable: SSE clients also read the stored state, cache
 * entries expire on their TTL, and onGap tells subscribers that their picture may be stale.
 */
export class PostgresEventBus implements EventBus {
  private readonly local = new LocalEventBus();
  private readonly gapListeners = new Set<() => void>();
  private client: pg.Client | null = null;
  private closed = false;
  private connecting: Promise<void> | null = null;
  /** NOTIFYs go out one at a time, in publish order (pg would queue them too, with a warning). */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly url: string) {}

  /** Connects and LISTENs; resolves once events from other processes arrive. */
  async start(): Promise<void> {
    await this.connect();
  }

  publish(event: LiveEvent): void {
    const client = this.client;
    if (!client) return;
    const payload = JSON.stringify(event);
    this.sending = this.sending
      .then(() => client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]))
      .catch(() => {
        // Advisory: see the class comment.
      });
  }

  subscribe(listener: EventListener): () => void {
    return this.local.subscribe(listener);
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => {
      this.gapListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.gapListeners.clear();
    await this.connecting?.catch(() => {});
    await this.sending;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
    await this.local.close();
  }

  private connect(): Promise<void> {
    this.connecting = (async () => {
      // pg is loaded only here and in db/connection.ts: a SQLite process never loads it.
      const { Client } = (await import('pg')).default;
      const client = new Client({ connectionString: this.url, application_name: 'leadsync-events' });
      client.on('notification', (message) => {
        const event = message.channel === CHANNEL && message.payload ? parseEvent(message.payload) : null;
        if (event) this.local.deliver(event);
      });
      client.on('error', () => this.reconnectLater(client));
      client.on('end', () => this.reconnectLater(client));
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) await client.end();
      else this.client = client;
    })();
    return this.connecting;
  }

  private reconnectLater(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    // From here until the LISTEN is back, other processes' events (a run-finished) never arrive.
    for (const listener of this.gapListeners) {
      try {
        listener();
      } catch {
        // Advisory, like the events themselves.
      }
    }
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, RECONNECT_MS).unref());
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }
}

/** LISTEN/NOTIFY on PostgreSQL; in-process on SQLite, where one process is the worker. */
export async function createEventBus(dialect: 'sqlite' | 'postgres', url: string): Promise<EventBus> {
  if (dialect === 'sqlite') return new LocalEventBus();
  const bus = new PostgresEventBus(url);
  await bus.start();
  return bus;
}
