// The agent <-> host contract. Messages mirror the pydantic models in auditor/models.py
// (AgentEventsBatch, AgentCoverage, AgentLog); the host rejects any field they do not declare.

/** A Java value as the host records it: type name, a JSON value or a string rendering, size if a collection. */
export interface AgentValue {
    t: string;
    v?: unknown;
    n?: number;
}

export interface AgentThrown {
    cls: string;
    message: string;
}

export interface AgentEvent {
    seq: number;
    ts: number;
    entry: string;
    cls: string;
    method: string;
    sig: string;
    args: AgentValue[];
    ret?: AgentValue;
    threw?: AgentThrown;
    tid: number;
    tname: string;
    stack?: string;
}

export interface EventsBatchMessage {
    type: "events:batch";
    events: AgentEvent[];
    stacks: Record<string, string[]>;
}

export interface InstalledHook {
    entry: string;
    cls: string;
    method: string;
    sigs: string[];
}

export interface FailedHook {
    entry: string;
    cls: string;
    method: string;
    sig?: string;
    error: string;
}

export interface CoverageMessage {
    type: "hooks:coverage";
    installed: InstalledHook[];
    failed: FailedHook[];
}

export type LogLevel = "debug" | "info" | "warning" | "error";

export interface LogMessage {
    type: "agent:log";
    level: LogLevel;
    message: string;
}

/** One catalog entry, as `Catalog.agent_config()` hands it over. */
export interface HookEntry {
    id: string;
    cls: string;
    method: string;
    overloads: "all" | string[][];
    match: { arg: number; equals: string[] } | null;
}

export interface AgentOptions {
    /** Longest string kept in a value; longer ones are cut and their full length given as `n`. */
    maxChars: number;
    /** Items of an array or collection described; `n` gives the full size. */
    maxItems: number;
    /** Frames kept per stack, innermost first. */
    stackDepth: number;
    /** Longest time an event waits in the agent before it is sent. */
    batchMs: number;
    /** Events per message at most; a full batch is sent at once. */
    batchSize: number;
}

export interface InitRequest {
    process: { pid: number; name: string };
    entries: HookEntry[];
    options?: Partial<AgentOptions>;
}

/** What `init` returns: the coverage message's content plus the device time the hooks were in. */
export interface InitResult {
    ts: number;
    installed: InstalledHook[];
    failed: FailedHook[];
}

export interface Cursor {
    /** Device clock, ms since the epoch. */
    ts: number;
    /** The seq the next event will get: every event with a lower seq has already been sent. */
    seq: number;
}

export const DEFAULT_OPTIONS: AgentOptions = {
    maxChars: 512,
    maxItems: 10,
    stackDepth: 32,
    batchMs: 50,
    batchSize: 256,
};
