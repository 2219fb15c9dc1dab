// The agent <-> host contract. Messages mirror the pydantic models in auditor/models.py (AgentEventsBatch,
// AgentCoverage, AgentLog; AgentStats for the `stats` RPC); the host rejects any field they do not declare.
// docs/agent.md describes the protocol and the evidence-capture policy.

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
    receiver?: AgentValue;
    threw?: AgentThrown;
    tid: number;
    tname: string;
    /** Id of the stack of this call's site, in this batch's or an earlier batch's `stacks`. */
    stack?: string;
    /** This event is the template of this slot: later identical calls arrive as `repeats` of it. */
    tpl?: number;
}

export interface EventsBatchMessage {
    type: "events:batch";
    events: AgentEvent[];
    stacks: Record<string, string[]>;
    /** [seq, ts, slot] per call identical to the slot's template but for seq and ts. */
    repeats?: [number, number, number][];
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

export interface PendingHook {
    entry: string;
    cls: string;
    method: string;
}

export type CoverageTrigger = "init" | "class-loader";

export interface Coverage {
    installed: InstalledHook[];
    failed: FailedHook[];
    pending: PendingHook[];
    /** Native entries none of whose functions this process has: no call of them can happen here. */
    absent: FailedHook[];
}

export interface CoverageMessage extends Coverage {
    type: "hooks:coverage";
    trigger: CoverageTrigger;
    loader?: string;
    ts?: number;
}

export type LogLevel = "debug" | "info" | "warning" | "error";

export interface LogMessage {
    type: "agent:log";
    level: LogLevel;
    message: string;
}

/** `ArgMatch`: exactly one of equals, prefix, glob, other_package. */
export interface MatchSpec {
    arg: number;
    equals?: string[];
    prefix?: string[];
    glob?: string[];
    /** The argument is a package name other than the app's own. */
    other_package?: true;
}

/** What a match may need to know about the process it runs in. */
export interface MatchContext {
    /** The app's package: the process name up to any `:`. */
    appPackage: string;
}

/** One Java catalog entry, as `Catalog.agent_config()` hands it over. */
export interface HookEntry {
    id: string;
    cls: string;
    method: string;
    overloads: "all" | string[][];
    match: MatchSpec | null;
    receiver: boolean;
    bundled: boolean;
    /** `values`: arguments and result described; `count`: the call is an event without values. */
    capture: "values" | "count";
    /** Ids of entries whose calls inside this one (same thread) are part of it, not recorded again. */
    wraps: string[];
}

export type NativeArg = "skip" | "int" | "pointer" | "cstring" | "out-cstring" | "sockaddr";

export interface NativeFunctionSpec {
    symbol: string;
    module: string | null;
    args: NativeArg[];
    returns: "int" | "pointer" | "void";
}

/** One native catalog entry, as `Catalog.native_config()` hands it over. */
export interface NativeEntry {
    id: string;
    cls: string;
    functions: NativeFunctionSpec[];
    match: MatchSpec | null;
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
    native?: NativeEntry[];
    options?: Partial<AgentOptions>;
}

/** What `init` returns: the coverage message's content plus the device time the hooks were in. */
export interface InitResult extends Coverage {
    ts: number;
}

export interface Cursor {
    /** Device clock, ms since the epoch. */
    ts: number;
    /** The seq the next event will get: every event with a lower seq has already been sent. */
    seq: number;
}

export type CallSiteMethod = "jvmti" | "art-backtrace" | "full-stack";

/** What the `stats` RPC answers (AgentStats). */
export interface Stats {
    calls: number;
    stacks: number;
    sites: number;
    epoch: number;
    pending: number;
    call_sites: CallSiteMethod;
}

export const DEFAULT_OPTIONS: AgentOptions = {
    maxChars: 512,
    maxItems: 10,
    stackDepth: 32,
    batchMs: 50,
    batchSize: 256,
};
