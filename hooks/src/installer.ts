// The generic hook installer: everything it knows about an API comes from the catalog entries it is given.
// One hook per Java method overload, whatever the number of entries watching it: the hook hands each call to the
// first entry whose `match` accepts it (ContentResolver.query classified by URI), or lets it through unrecorded.
import Java from "frida-java-bridge";

import { Evidence, Outbox, type PendingEvent, type SiteRecord } from "./events.js";
import { bridgeTypeName, type Handle, signatureOf, sourceTypeName, useHandleTypes } from "./javatypes.js";
import { jniCalls } from "./jni.js";
import { compileMatch, type TextTest } from "./matching.js";
import type { JavaProbe, ThreadInfo } from "./probe.js";
import type { AgentOptions, AgentValue, Coverage, FailedHook, HookEntry, MatchContext } from "./protocol.js";
import { captureStack } from "./stacks.js";
import { ValueDescriber } from "./values.js";

/** A catalog entry ready for dispatch; `index` is its position in the catalog the host sent. */
export interface CompiledEntry {
    spec: HookEntry;
    index: number;
    test: TextTest | null;
}

export function compileEntries(entries: HookEntry[], context: MatchContext): CompiledEntry[] {
    return entries.map((spec, index) => ({ spec, index, test: spec.match === null ? null : compileMatch(spec.match, context) }));
}

/** A value of a template as compared quickly: a primitive, or a String's global reference. */
export interface QuickValue {
    plain?: unknown;
    ref?: NativePointer;
}

/** Per Java thread: which methods are being recorded, and whether the agent itself is calling Java. */
export interface ThreadState {
    active: Set<string>;
    agentDepth: number;
    /** Entry ids that the calls being recorded on this thread wrap (`wraps`), with how many such calls run. */
    wrapped?: Map<string, number>;
}

interface HookTarget {
    method: Java.Method;
    sig: string;
    cls: string;
    name: string;
}

/** Site keys combine a call site's number and an entry's index: room for this many entries. */
const ENTRY_SLOTS = 1 << 16;
/** Bridge method type of instance methods (constructors are 1, static methods 2). */
const INSTANCE_METHOD = 3;

export function errorText(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    return String(error);
}

export class HookInstaller {
    /** Per OS thread id; shared with the native layer, which must not record what the agent's own Java calls do. */
    readonly threads = new Map<number, ThreadState>();
    /** `class.method` of every hooked method, to recognise hook stubs in stacks. */
    readonly hookedMethods = new Set<string>();
    private readonly describer: ValueDescriber;
    private readonly siteDepth: number;
    private identityWarned = false;

    constructor(private readonly outbox: Outbox, private readonly evidence: Evidence,
                private readonly probe: JavaProbe, private readonly options: AgentOptions) {
        this.describer = new ValueDescriber(options, probe);
        // A cleaned stack of `stackDepth` frames comes from at most twice as many raw ones (hook stubs show twice):
        // sites compared over that many frames have equal cleaned stacks.
        this.siteDepth = 2 * options.stackDepth + 2;
    }

    /** Install the entries whose classes the platform (the VM's default class loader) has. */
    installByName(entries: CompiledEntry[], coverage: Coverage): void {
        for (const [cls, group] of groupBy(entries, entry => entry.spec.cls)) {
            let wrapper: Java.Wrapper;
            try {
                wrapper = Java.use(cls);
            } catch (error) {
                const text = errorText(error);
                const notFound = text.includes("ClassNotFoundException") || text.includes("NoClassDefFoundError");
                for (const entry of group) {
                    coverage.failed.push(failedHook(entry, notFound ? `class not found: ${text}` : `cannot load class: ${text}`));
                }
                continue;
            }
            this.installClass(wrapper, group, coverage);
        }
    }

    /** Hook the methods `entries` (all of one class) name, on `wrapper`: that class as one class loader has it. */
    installClass(wrapper: Java.Wrapper, entries: CompiledEntry[], coverage: Coverage): void {
        const installedSigs = new Map<CompiledEntry, string[]>();
        for (const [name, group] of groupBy(entries, entry => entry.spec.method)) {
            this.installMethod(wrapper, name, group, coverage, installedSigs);
        }
        for (const entry of entries) {
            const sigs = installedSigs.get(entry);
            if (sigs !== undefined && sigs.length > 0) {
                coverage.installed.push({ entry: entry.spec.id, cls: entry.spec.cls, method: entry.spec.method, sigs });
            }
        }
    }

    private installMethod(wrapper: Java.Wrapper, name: string, entries: CompiledEntry[], coverage: Coverage,
                          installedSigs: Map<CompiledEntry, string[]>): void {
        const cls = wrapper.$className;
        const dispatcher = wrapper[name] as Java.MethodDispatcher | undefined;
        if (dispatcher === undefined || dispatcher === null || !Array.isArray(dispatcher.overloads)) {
            for (const entry of entries) {
                coverage.failed.push(failedHook(entry, `no such method: ${cls} has no method ${name}`));
            }
            return;
        }
        let abstractSigs: Set<string>;
        try {
            abstractSigs = this.abstractOverloads(wrapper, name);
        } catch (error) {
            for (const entry of entries) {
                coverage.failed.push(failedHook(entry, `cannot inspect ${cls}.${name}: ${errorText(error)}`));
            }
            return;
        }

        // Which entries watch each overload, in catalog order.
        const overloads = new Map<string, { method: Java.Method; entries: CompiledEntry[] }>();
        const available = dispatcher.overloads.map(signatureOf).join(", ");
        for (const entry of entries) {
            const methods: Java.Method[] = [];
            if (entry.spec.overloads === "all") {
                methods.push(...dispatcher.overloads);
            } else {
                for (const parameterTypes of entry.spec.overloads) {
                    try {
                        methods.push(dispatcher.overload(...parameterTypes.map(bridgeTypeName)));
                    } catch {
                        coverage.failed.push(failedHook(entry, `no such overload: ${cls}.${name} has ${available}`,
                            "(" + parameterTypes.join(",") + ")"));
                    }
                }
            }
            for (const method of methods) {
                const sig = signatureOf(method);
                const watched = overloads.get(sig) ?? { method, entries: [] };
                watched.entries.push(entry);
                overloads.set(sig, watched);
            }
        }

        for (const [sig, { method, entries: watching }] of overloads) {
            const holder = method.holder.$className;
            if (holder !== cls) {
                for (const entry of watching) {
                    coverage.failed.push(failedHook(entry, `${cls} does not declare ${name}${sig}, it inherits it from `
                        + `${holder}: hooking it there would catch every subclass of ${holder}; name the declaring class`, sig));
                }
                continue;
            }
            if (abstractSigs.has(sig)) {
                for (const entry of watching) {
                    coverage.failed.push(failedHook(entry, `abstract method: ${cls}.${name}${sig} never runs; `
                        + "hook the class that implements it", sig));
                }
                continue;
            }
            const reachable: CompiledEntry[] = [];
            let catchAll: CompiledEntry | null = null;
            for (const entry of watching) {
                if (catchAll !== null) {
                    coverage.failed.push(failedHook(entry, `unreachable: catalog entry ${catchAll.spec.id} records `
                        + `every call of ${cls}.${name}${sig} before this one is asked; give it a match`, sig));
                    continue;
                }
                reachable.push(entry);
                if (entry.test === null) {
                    catchAll = entry;
                }
            }
            try {
                if (!useHandleTypes(method, this.probe) && !this.identityWarned) {
                    this.identityWarned = true;
                    this.outbox.log("warning", "frida-java-bridge internals changed: String arguments and results "
                        + "reach the app as equal copies, not the original objects");
                }
                method.implementation = this.makeHook({ method, sig, cls, name }, reachable);
                this.hookedMethods.add(`${cls}.${name}`);
                for (const entry of reachable) {
                    const sigs = installedSigs.get(entry) ?? [];
                    sigs.push(sig);
                    installedSigs.set(entry, sigs);
                }
            } catch (error) {
                for (const entry of reachable) {
                    coverage.failed.push(failedHook(entry, `hook not installed: ${errorText(error)}`, sig));
                }
            }
        }
    }

    /** Overloads of `name` that `wrapper`'s class declares abstract: a hook there would never fire. */
    private abstractOverloads(wrapper: Java.Wrapper, name: string): Set<string> {
        const modifier = Java.use("java.lang.reflect.Modifier");
        const result = new Set<string>();
        // Through the default class factory: one bound to an app's class loader cannot resolve array types.
        const klass = Java.cast(wrapper.class, Java.use("java.lang.Class"));
        const declared: Java.Wrapper[] = klass.getDeclaredMethods();
        for (const method of declared) {
            if (method.getName() !== name || !modifier.isAbstract(method.getModifiers())) {
                continue;
            }
            const parameterTypes: Java.Wrapper[] = method.getParameterTypes();
            result.add("(" + parameterTypes.map(type => sourceTypeName(type.getName() as string)).join(",") + ")");
        }
        return result;
    }

    private makeHook(target: HookTarget, dispatch: CompiledEntry[]): Java.MethodImplementation {
        const installer = this;
        const { method } = target;
        // One logical call of a method is recorded once, even when its overloads call each other.
        const methodKey = `${target.cls}.${target.name}`;
        const argumentTypes = method.argumentTypes.map(type => type.className ?? type.name);
        const returnType = method.returnType.className ?? method.returnType.name;
        const isInstance = (method as unknown as { type: number }).type === INSTANCE_METHOD;
        const only = dispatch.length === 1 && dispatch[0]?.test === null ? dispatch[0] : null;

        return function (this: Java.Wrapper, ...args: unknown[]): unknown {
            const threadId = Process.getCurrentThreadId();
            const known = installer.threads.get(threadId);
            if (known !== undefined && (known.agentDepth > 0 || known.active.has(methodKey))) {
                return method.apply(this, args);
            }
            const state = known ?? { active: new Set<string>(), agentDepth: 0 };
            if (known === undefined) {
                installer.threads.set(threadId, state);
            }
            try {
                const entry = only ?? installer.choose(dispatch, args, state);
                if (entry === null) {
                    return method.apply(this, args);
                }
                if ((state.wrapped?.get(entry.spec.id) ?? 0) > 0) {
                    // Part of a call being recorded; what it wraps in turn is part of that call too.
                    return installer.unrecorded(this, method, args, entry.spec.wraps, state);
                }
                state.active.add(methodKey);
                const wraps = entry.spec.wraps;
                if (wraps.length > 0) {
                    enterWraps(state, wraps);
                }
                let result: unknown;
                let thrown: unknown;
                let threw = false;
                try {
                    result = method.apply(this, args);
                } catch (error) {
                    threw = true;
                    thrown = error;
                } finally {
                    state.active.delete(methodKey);
                    if (wraps.length > 0) {
                        leaveWraps(state, wraps);
                    }
                }
                installer.record(entry, target, isInstance ? this : null, args, argumentTypes, returnType,
                    result, threw, thrown, state);
                if (threw) {
                    // The very error the bridge raised: it carries the original Java exception back to the app.
                    throw thrown;
                }
                return result;
            } finally {
                if (state.active.size === 0 && state.agentDepth === 0) {
                    installer.threads.delete(threadId);
                }
            }
        };
    }

    /** Run a call that is part of another one being recorded: not recorded, but what it wraps stays wrapped. */
    unrecorded(receiver: Java.Wrapper, method: Java.Method, args: unknown[], wraps: string[], state: ThreadState): unknown {
        if (wraps.length === 0) {
            return method.apply(receiver, args);
        }
        enterWraps(state, wraps);
        try {
            return method.apply(receiver, args);
        } finally {
            leaveWraps(state, wraps);
        }
    }

    /** The first entry whose match accepts this call; the argument texts are read once, and only if needed. */
    private choose(dispatch: CompiledEntry[], args: unknown[], state: ThreadState): CompiledEntry | null {
        let texts: Map<number, string | null> | null = null;
        for (const entry of dispatch) {
            if (entry.test === null || entry.spec.match === null) {
                return entry;
            }
            const position = entry.spec.match.arg;
            texts ??= new Map();
            let text = texts.get(position);
            if (text === undefined) {
                state.agentDepth++;
                try {
                    text = position < args.length ? this.describer.matchText(args[position]) : null;
                } catch (error) {
                    this.outbox.problem(`match:${entry.spec.id}`, `${entry.spec.id}: cannot read argument ${position} `
                        + `for the match filter, call recorded: ${errorText(error)}`);
                    return entry;
                } finally {
                    state.agentDepth--;
                }
                texts.set(position, text);
            }
            if (entry.test(text)) {
                return entry;
            }
        }
        return null;
    }

    /**
     * Describe and queue one call. Never throws, and always queues the event: a recorded call is never lost. A call
     * identical to the last full event of its (entry, call site) in this epoch (same thread, same values) is queued
     * as a repeat of that event; the first call of a site in an epoch walks the stack and is sent in full.
     */
    private record(entry: CompiledEntry, target: HookTarget, receiver: Java.Wrapper | null, args: unknown[],
                   argumentTypes: string[], returnType: string, result: unknown, threw: boolean, thrown: unknown,
                   state: ThreadState): void {
        state.agentDepth++;
        const id = entry.spec.id;
        try {
            let site: SiteRecord | null = null;
            let stack: string | null = null;
            try {
                const number = this.probe.callSite(this.siteDepth);
                const walk = (): string[] | null => this.walkStack(entry, target);
                if (number >= 0) {
                    site = this.evidence.site(number * ENTRY_SLOTS + entry.index, walk);
                    stack = site.stack;
                } else {
                    stack = this.evidence.walk(walk);
                }
            } catch (error) {
                this.outbox.problem(`site:${id}`, `${id}: call site not identified: ${errorText(error)}`);
            }
            const thread = this.currentThread(id);
            const template = site?.template ?? null;
            const current = template !== null && template.epoch === this.evidence.epoch && template.thread === thread;
            const counted = entry.spec.capture === "count";
            if (counted) {
                // No values to describe or compare: after its site's first call in the epoch, every call is a repeat.
                args = [];
                result = undefined;
                receiver = null;
                returnType = "void";
            }
            if (site !== null && !threw && current && template.quick !== null
                && this.sameQuick(template.quick, args, result)) {
                this.outbox.repeat(site.slot);
                return;
            }
            const event: PendingEvent = {
                entry: id,
                cls: target.cls,
                method: target.name,
                sig: target.sig,
                args: args.map((value, index) => this.describe(id, value, argumentTypes[index] ?? "java.lang.Object")),
                tid: thread.tid,
                tname: thread.tname,
            };
            if (entry.spec.receiver && receiver !== null) {
                event.receiver = this.describeSafely(id, () => this.describer.describeReceiver(receiver, target.cls),
                    target.cls);
            }
            if (threw) {
                const handle = (thrown as { $h?: NativePointer } | null)?.$h;
                try {
                    event.threw = handle instanceof NativePointer
                        ? this.describer.describeThrowable(handle)
                        : { cls: "<agent error>", message: errorText(thrown) };
                } catch (error) {
                    event.threw = { cls: "<unreadable exception>", message: errorText(error) };
                }
            } else if (returnType !== "void") {
                event.ret = this.describe(id, result, returnType);
            }
            if (site === null || threw) {
                this.outbox.add(event, stack);
                return;
            }
            const values = JSON.stringify([event.args, event.ret ?? null, event.receiver ?? null]);
            if (current && template.values === values) {
                this.outbox.repeat(site.slot);
                return;
            }
            if (site.slot < 0) {
                site.slot = this.evidence.newSlot();
            }
            if (template?.quick) {
                this.releaseQuick(template.quick);
            }
            const quick = entry.spec.receiver ? null : this.quickValues(args, argumentTypes, result, returnType);
            site.template = { epoch: this.evidence.epoch, thread, values, quick };
            this.outbox.add(event, stack, site.slot);
        } finally {
            state.agentDepth--;
        }
    }

    /**
     * The values of a call in a form the next call's can be compared with without describing them: primitives as
     * they are, Strings (immutable) by identity through a global reference. Null when a value is of another kind:
     * a mutable object is compared by its description.
     */
    private quickValues(args: unknown[], argumentTypes: string[], result: unknown, returnType: string): QuickValue[] | null {
        const values: QuickValue[] = [];
        const positions: [unknown, string][] = args.map((value, index) => [value, argumentTypes[index] ?? ""]);
        if (returnType !== "void") {
            positions.push([result, returnType]);
        }
        for (const [value, declared] of positions) {
            if (value === null || value === undefined || typeof value !== "object") {
                values.push({ plain: value ?? null });
            } else if (value instanceof Int64 || value instanceof UInt64) {
                values.push({ plain: value.toString() });
            } else if (declared === "java.lang.String" && (value as Handle).$h instanceof NativePointer) {
                values.push({ ref: this.probe.globalRef((value as Handle).$h) });
            } else {
                this.releaseQuick(values);
                return null;
            }
        }
        return values;
    }

    private sameQuick(quick: QuickValue[], args: unknown[], result: unknown): boolean {
        const count = args.length;
        for (let index = 0; index < quick.length; index++) {
            const expected = quick[index] as QuickValue;
            const value = index < count ? args[index] : result;
            if (expected.ref !== undefined) {
                if (value === null || typeof value !== "object"
                    || !this.probe.sameObject((value as Handle).$h, expected.ref)) {
                    return false;
                }
            } else if (value instanceof Int64 || value instanceof UInt64) {
                if (expected.plain !== value.toString()) {
                    return false;
                }
            } else if ((value ?? null) !== expected.plain) {
                return false;
            }
        }
        return true;
    }

    private releaseQuick(quick: QuickValue[]): void {
        for (const value of quick) {
            if (value.ref !== undefined) {
                this.probe.dropGlobalRef(value.ref);
            }
        }
    }

    private describe(id: string, value: unknown, declared: string): AgentValue {
        return this.describeSafely(id, () => this.describer.describe(value, declared), declared);
    }

    private describeSafely(id: string, body: () => AgentValue, declared: string): AgentValue {
        try {
            return body();
        } catch (error) {
            this.outbox.problem(`value:${id}`, `${id}: a value could not be described: ${errorText(error)}`);
            return { t: sourceTypeName(declared), v: `<could not describe: ${errorText(error)}>` };
        }
    }

    private currentThread(id: string): ThreadInfo {
        try {
            return this.probe.currentThread() ?? jniCalls.currentThread();
        } catch (error) {
            this.outbox.problem(`thread:${id}`, `${id}: calling thread unknown: ${errorText(error)}`);
            return { tid: -1, tname: "?" };
        }
    }

    private walkStack(entry: CompiledEntry, target: HookTarget): string[] | null {
        try {
            return captureStack(target.cls, target.name, this.hookedMethods, this.options.stackDepth);
        } catch (error) {
            this.outbox.problem(`stack:${entry.spec.id}`, `${entry.spec.id}: stack not captured: ${errorText(error)}`);
            return null;
        }
    }
}

function enterWraps(state: ThreadState, wraps: string[]): void {
    const wrapped = state.wrapped ?? (state.wrapped = new Map());
    for (const id of wraps) {
        wrapped.set(id, (wrapped.get(id) ?? 0) + 1);
    }
}

function leaveWraps(state: ThreadState, wraps: string[]): void {
    const wrapped = state.wrapped as Map<string, number>;
    for (const id of wraps) {
        const count = (wrapped.get(id) ?? 1) - 1;
        if (count === 0) {
            wrapped.delete(id);
        } else {
            wrapped.set(id, count);
        }
    }
}

export function failedHook(entry: CompiledEntry, error: string, sig?: string): FailedHook {
    const failed: FailedHook = { entry: entry.spec.id, cls: entry.spec.cls, method: entry.spec.method, error };
    if (sig !== undefined) {
        failed.sig = sig;
    }
    return failed;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        const name = key(item);
        const group = groups.get(name);
        if (group === undefined) {
            groups.set(name, [item]);
        } else {
            group.push(item);
        }
    }
    return groups;
}
