// The outgoing side: per-process event numbering, stack deduplication, batching, and the agent's own log.
import type {
    AgentEvent, AgentOptions, Cursor, EventsBatchMessage, LogLevel, LogMessage,
} from "./protocol.js";

/** Everything an event carries except what the outbox assigns (seq, ts, stack id). */
export type PendingEvent = Omit<AgentEvent, "seq" | "ts" | "stack">;

/** How many times one distinct problem is reported before the agent stops repeating it. */
const REPEATS_REPORTED = 5;

export class Outbox {
    private nextSeq = 0;
    private events: AgentEvent[] = [];
    private newStacks: Record<string, string[]> = {};
    private readonly stackIds = new Map<string, string>();
    private timer: ReturnType<typeof setTimeout> | null = null;
    private readonly problemCounts = new Map<string, number>();
    private finishing = false;

    constructor(private options: AgentOptions) {}

    configure(options: AgentOptions): void {
        this.options = options;
    }

    /**
     * Number, stamp and queue one event. Runs without calling into Java, so under the script lock seq
     * order is the order events enter the outbox, and `cursor()` can never see a seq still in flight.
     */
    add(event: PendingEvent, frames: string[] | null): void {
        const record: AgentEvent = { seq: this.nextSeq++, ts: Date.now(), ...event };
        if (frames !== null) {
            record.stack = this.stackId(frames);
        }
        this.events.push(record);
        if (this.finishing || this.events.length >= this.options.batchSize) {
            this.flush();
        } else if (this.timer === null) {
            this.timer = setTimeout(() => {
                this.timer = null;
                this.flush();
            }, this.options.batchMs);
        }
    }

    flush(): void {
        if (this.timer !== null) {
            clearTimeout(this.timer);
            this.timer = null;
        }
        if (this.events.length === 0) {
            return;
        }
        const message: EventsBatchMessage = { type: "events:batch", events: this.events, stacks: this.newStacks };
        this.events = [];
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

    private stackId(frames: string[]): string {
        const key = frames.join("\n");
        let id = this.stackIds.get(key);
        if (id === undefined) {
            id = `s${this.stackIds.size + 1}`;
            this.stackIds.set(key, id);
            this.newStacks[id] = frames;
        }
        return id;
    }
}
