// The outgoing side: per-process event numbering, stack deduplication, batching, the evidence-capture policy
// (which calls walk their stack), and the agent's own log.
import type {
    AgentEvent, AgentOptions, Cursor, EventsBatchMessage, LogLevel, LogMessage,
} from "./protocol.js";

/** Everything an event carries except what the outbox assigns (seq, ts) and its stack id. */
export type PendingEvent = Omit<AgentEvent, "seq" | "ts" | "stack">;

/** How many times one distinct problem is reported before the agent stops repeating it. */
const REPEATS_REPORTED = 5;

export class Outbox {
    private nextSeq = 0;
    private events: AgentEvent[] = [];
    private repeats: [number, number, number][] = [];
    private newStacks: Record<string, string[]> = {};
    private readonly stackIds = new Map<string, string>();
    private timer: ReturnType<typeof setTimeout> | null = null;
    private readonly problemCounts = new Map<string, number>();
    private finishing = false;

    constructor(private options: AgentOptions) {}

    configure(options: AgentOptions): void {
        this.options = options;
    }

    /** Events numbered so far: every recorded call has one. */
    get recorded(): number {
        return this.nextSeq;
    }

    /**
     * Number, stamp and queue one event. Runs without calling into Java, so under the script lock seq
     * order is the order events enter the outbox, and `cursor()` can never see a seq still in flight.
     */
    add(event: PendingEvent, stack: string | null, template: number | null = null): void {
        const record: AgentEvent = { seq: this.nextSeq++, ts: Date.now(), ...event };
        if (stack !== null) {
            record.stack = stack;
        }
        if (template !== null) {
            record.tpl = template;
        }
        this.events.push(record);
        this.queued();
    }

    /** A call identical to the current template of `slot` but for its seq and ts. */
    repeat(slot: number): void {
        this.repeats.push([this.nextSeq++, Date.now(), slot]);
        this.queued();
    }

    private queued(): void {
        if (this.finishing || this.events.length + this.repeats.length >= this.options.batchSize) {
            this.flush();
        } else if (this.timer === null) {
            this.timer = setTimeout(() => {
                this.timer = null;
                this.flush();
            }, this.options.batchMs);
        }
    }

    /** The id of a stack in this process; a stack seen for the first time leaves with the next batch. */
    stackId(frames: string[]): string {
        const key = frames.join("\n");
        let id = this.stackIds.get(key);
        if (id === undefined) {
            id = `s${this.stackIds.size + 1}`;
            this.stackIds.set(key, id);
            this.newStacks[id] = frames;
        }
        return id;
    }

    flush(): void {
        if (this.timer !== null) {
            clearTimeout(this.timer);
            this.timer = null;
        }
        if (this.events.length === 0 && this.repeats.length === 0) {
            return;
        }
        const message: EventsBatchMessage = { type: "events:batch", events: this.events, stacks: this.newStacks };
        if (this.repeats.length > 0) {
            message.repeats = this.repeats;
        }
        this.events = [];
        this.repeats = [];
        this.newStacks = {};
        send(message);
    }

    /** Flush, then say where the event stream stands: every event with a lower seq has been sent. */
    cursor(): Cursor {
        this.flush();
        return { ts: Date.now(), seq: this.nextSeq };
    }

    /**
     * The host is about to unload the agent, and messages sent while a script unloads never arrive: send
     * everything now, and from here on send each event as soon as it is recorded.
     */
    finish(): Cursor {
        this.finishing = true;
        return this.cursor();
    }

    log(level: LogLevel, message: string): void {
        const note: LogMessage = { type: "agent:log", level, message };
        send(note);
    }

    /** Report a problem, but not the same one over and over from a hot hook. */
    problem(key: string, message: string): void {
        const count = (this.problemCounts.get(key) ?? 0) + 1;
        this.problemCounts.set(key, count);
        if (count <= REPEATS_REPORTED) {
            const suffix = count === REPEATS_REPORTED ? " (further occurrences not reported)" : "";
            this.log("error", message + suffix);
        }
    }
}

/** What the last full event of a site said, to tell whether the next call is its repeat. */
export interface Template {
    /** The epoch it was sent in: the first call of a site in an epoch is always sent in full. */
    epoch: number;
    /** The thread's identity as the probe caches it: the same object for as long as the thread keeps its name. */
    thread: object;
    /** The call's values (arguments, result, receiver) as JSON. */
    values: string;
    /** The same values for a comparison without describing (installer.ts `QuickValue`), when they allow one. */
    quick: { plain?: unknown; ref?: NativePointer }[] | null;
}

/** One (entry, call site): its stack in the current epoch and its template slot. */
export interface SiteRecord {
    epoch: number;
    stack: string | null;
    slot: number;
    template: Template | null;
}

/**
 * The evidence-capture policy. A stack walk costs many times a hook's own work, and a hot API called from one
 * place gives the same stack every time; so a call's stack is walked only the first time its (entry, call site)
 * is seen in the current epoch, and every other call refers to that stack by id. The host starts a new epoch at
 * every marker (each `cursor()`: a step, a user decision, a launch), so each phase of a run has its own first
 * call with a freshly walked stack for every (API, call site). Every call is still an event of its own (seq, ts,
 * thread, values): nothing is counted in bulk.
 */
export class Evidence {
    epoch = 0;
    /** Stacks walked. */
    walks = 0;
    private readonly bySite = new Map<number | string, SiteRecord>();
    private slots = 0;

    constructor(private readonly outbox: Outbox) {}

    newEpoch(): void {
        this.epoch++;
    }

    /** Distinct (entry, call site) pairs seen. */
    get sites(): number {
        return this.bySite.size;
    }

    /**
     * The record of `site` (a key naming the entry and the call site) in this epoch; its stack is walked with
     * `walk` (frames, or null when unreadable) the first time the site is seen in the epoch.
     */
    site(site: number | string, walk: () => string[] | null): SiteRecord {
        let known = this.bySite.get(site);
        if (known === undefined) {
            known = { epoch: this.epoch, stack: this.walk(walk), slot: -1, template: null };
            this.bySite.set(site, known);
        } else if (known.epoch !== this.epoch) {
            known.epoch = this.epoch;
            known.stack = this.walk(walk);
        }
        return known;
    }

    /** A template slot for a site's events. */
    newSlot(): number {
        return this.slots++;
    }

    /** For a call whose site cannot be told apart cheaply: its own stack walk. */
    walk(walk: () => string[] | null): string | null {
        this.walks++;
        const frames = walk();
        return frames === null ? null : this.outbox.stackId(frames);
    }
}
