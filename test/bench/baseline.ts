// The baseline the benchmark compares against: the client pattern the AnkiConnect documentation we started
// from recommends, as AnkiDeku (v1) implements it:
//   - listing a deck: `findNotes`, then `notesInfo` in sequential batches of 50 ids with a 50 ms pause
//     between batches, then `cardsInfo` (same batches and pauses) to learn each note's deck name;
//   - saving: one `updateNoteFields` per note, one HTTP request each, sequentially.
// A deliberately small raw client: plain node:http, a new connection per request (AnkiConnect closes it
// after each reply anyway), JSON.parse of the reply, no validation beyond `error`.
import http from 'node:http';

export interface BaselineOptions {
  url: string;
  /** Called after each reply (the benchmark samples the heap here). */
  onReply?: () => void;
  batchSize?: number;
  pauseMs?: number;
}

export interface BaselineNote {
  noteId: number;
  modelName: string;
  tags: string[];
  fields: Record<string, { value: string; order: number }>;
  cards: number[];
  deckName: string;
}

interface RawNoteInfo {
  noteId: number;
  modelName: string;
  tags: string[];
  fields: Record<string, { value: string; order: number }>;
  cards: number[];
}

interface RawCardInfo {
  cardId: number;
  deckName: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class BaselineClient {
  requests = 0;
  private readonly host: string;
  private readonly port: number;
  private readonly batchSize: number;
  private readonly pauseMs: number;

  constructor(private readonly opts: BaselineOptions) {
    const u = new URL(opts.url);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
    this.batchSize = opts.batchSize ?? 50;
    this.pauseMs = opts.pauseMs ?? 50;
  }

  /** One HTTP request: `{action, version: 6, params}`; returns `result`, throws on `error`. */
  invoke(action: string, params: Record<string, unknown>): Promise<unknown> {
    const body = Buffer.from(JSON.stringify({ action, version: 6, params }), 'utf8');
    this.requests++;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method: 'POST',
          path: '/',
          agent: false,
          headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result: unknown; error: string | null };
              this.opts.onReply?.();
              if (reply.error !== null) reject(new Error(`${action}: ${reply.error}`));
              else resolve(reply.result);
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** `deck:"X" -deck:"X::*"`: the deck's own notes (AnkiDeku queries each sub-deck separately). */
  static deckQuery(deck: string): string {
    const q = deck.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\*/g, '\\*').replace(/_/g, '\\_');
    return `deck:"${q}" -deck:"${q}::*"`;
  }

  private async batched<T>(action: string, key: string, ids: number[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += this.batchSize) {
      if (i > 0) await sleep(this.pauseMs);
      const part = (await this.invoke(action, { [key]: ids.slice(i, i + this.batchSize) })) as T[];
      out.push(...part);
    }
    return out;
  }

  /** Lists a deck's notes with their deck names. */
  async listDeck(deck: string): Promise<BaselineNote[]> {
    const ids = (await this.invoke('findNotes', { query: BaselineClient.deckQuery(deck) })) as number[];
    const infos = await this.batched<RawNoteInfo | Record<string, never>>('notesInfo', 'notes', ids);
    const notes = infos.filter((n): n is RawNoteInfo => typeof (n as RawNoteInfo).noteId === 'number');
    const firstCards = notes.map((n) => n.cards[0]).filter((c): c is number => c !== undefined);
    if (firstCards.length > 0) await sleep(this.pauseMs);
    const cards = await this.batched<RawCardInfo | Record<string, never>>('cardsInfo', 'cards', firstCards);
    const deckOfCard = new Map<number, string>();
    for (const c of cards) if (typeof (c as RawCardInfo).cardId === 'number') deckOfCard.set((c as RawCardInfo).cardId, (c as RawCardInfo).deckName);
    return notes.map((n) => ({ ...n, deckName: deckOfCard.get(n.cards[0] ?? -1) ?? '' }));
  }

  /** Saves each note with its own `updateNoteFields` request, in sequence. */
  async saveEach(updates: Array<{ id: number; fields: Record<string, string> }>): Promise<void> {
    for (const u of updates) await this.invoke('updateNoteFields', { note: { id: u.id, fields: u.fields } });
  }
}
