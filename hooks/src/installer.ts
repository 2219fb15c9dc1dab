// The generic hook installer: everything it knows about an API comes from the catalog entry it is given.
import Java from "frida-java-bridge";

import { Outbox } from "./events.js";
import { bridgeTypeName, keepStringIdentity, signatureOf, sourceTypeName } from "./javatypes.js";
import type { AgentOptions, AgentValue, FailedHook, HookEntry, InstalledHook } from "./protocol.js";
import { jniCalls } from "./jni.js";
import { captureStack } from "./stacks.js";
import { ValueDescriber } from "./values.js";

/** Per Java thread: which entries are being recorded, and whether the agent itself is calling Java. */
interface ThreadState {
    active: Set<string>;
    agentDepth: number;
}

interface HookTarget {
    method: Java.Method;
    sig: string;
}

export interface Coverage {
    installed: InstalledHook[];
    failed: FailedHook[];
}

function errorText(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    return String(error);
}

export class HookInstaller {
    private readonly threads = new Map<number, ThreadState>();
    private readonly hookedBy = new Map<string, string>();
    /** `class.method` of every hooked method, to recognise hook stubs in stacks. */
    private readonly hookedMethods = new Set<string>();
    private readonly describer: ValueDescriber;
    private identityWarned = false;

    constructor(private readonly outbox: Outbox, private readonly options: AgentOptions) {
        this.describer = new ValueDescriber(options);
    }

    install(entries: HookEntry[]): Coverage {
        jniCalls.prepare();
        const coverage: Coverage = { installed: [], failed: [] };
        for (const entry of entries) {
            this.installEntry(entry, coverage);
        }
        return coverage;
    }

    private installEntry(entry: HookEntry, coverage: Coverage): void {
        const failure = (error: string, sig?: string): void => {
            const failed: FailedHook = { entry: entry.id, cls: entry.cls, method: entry.method, error };
            if (sig !== undefined) {
                failed.sig = sig;
            }
            coverage.failed.push(failed);
        };

        let wrapper: Java.Wrapper;
        try {
            wrapper = Java.use(entry.cls);
        } catch (error) {
            const text = errorText(error);
            const notFound = text.includes("ClassNotFoundException") || text.includes("NoClassDefFoundError");
            failure(notFound ? `class not found: ${text}` : `cannot load class: ${text}`);
            return;
        }

        const dispatcher = wrapper[entry.method] as Java.MethodDispatcher | undefined;
        if (dispatcher === undefined || dispatcher === null || !Array.isArray(dispatcher.overloads)) {
            failure(`no such method: ${entry.cls} has no method ${entry.method}`);
            return;
        }

        const targets: HookTarget[] = [];
        if (entry.overloads === "all") {
            for (const method of dispatcher.overloads) {
                targets.push({ method, sig: signatureOf(method) });
            }
        } else {
            const available = dispatcher.overloads.map(signatureOf).join(", ");
            for (const parameterTypes of entry.overloads) {
                const sig = "(" + parameterTypes.join(",") + ")";
                try {
                    const method = dispatcher.overload(...parameterTypes.map(bridgeTypeName));
                    targets.push({ method, sig: signatureOf(method) });
                } catch {
                    failure(`no such overload: ${entry.cls}.${entry.method} has ${available}`, sig);
                }
            }
        }

        let abstractSigs: Set<string>;
        try {
            abstractSigs = this.abstractOverloads(wrapper, entry.method);
        } catch (error) {
            failure(`cannot inspect ${entry.cls}.${entry.method}: ${errorText(error)}`);
            return;
        }
        const sigs: string[] = [];
        for (const target of targets) {
            const holder = target.method.holder.$className;
            if (holder !== entry.cls) {
                failure(`${entry.cls} does not declare ${entry.method}${target.sig}, it inherits it from ${holder}: `
                    + `hooking it there would catch every subclass of ${holder}; name the declaring class`, target.sig);
                continue;
            }
            if (abstractSigs.has(target.sig)) {
                failure(`abstract method: ${entry.cls}.${entry.method}${target.sig} never runs; `
                    + "hook the class that implements it", target.sig);
                continue;
            }
            const key = `${entry.cls}.${entry.method}${target.sig}`;
            const owner = this.hookedBy.get(key);
            if (owner !== undefined) {
                failure(`already hooked by catalog entry ${owner}`, target.sig);
                continue;
            }
            try {
                if (!keepStringIdentity(target.method) && !this.identityWarned) {
                    this.identityWarned = true;
                    this.outbox.log("warning", "frida-java-bridge internals changed: String arguments and results "
                        + "reach the app as equal copies, not the original objects");
                }
                target.method.implementation = this.makeHook(entry, target);
                this.hookedBy.set(key, entry.id);
                this.hookedMethods.add(`${entry.cls}.${entry.method}`);
                sigs.push(target.sig);
            } catch (error) {
                failure(`hook not installed: ${errorText(error)}`, target.sig);
            }
        }
        if (sigs.length > 0) {
            coverage.installed.push({ entry: entry.id, cls: entry.cls, method: entry.method, sigs });
        }
    }

    /** Overloads of `name` that `wrapper`'s class declares abstract: a hook there would never fire. */
    private abstractOverloads(wrapper: Java.Wrapper, name: string): Set<string> {
        const modifier = Java.use("java.lang.reflect.Modifier");
        const result = new Set<string>();
        const declared: Java.Wrapper[] = wrapper.class.getDeclaredMethods();
        for (const method of declared) {
            if (method.getName() !== name || !modifier.isAbstract(method.getModifiers())) {
                continue;
            }
            const parameterTypes: Java.Wrapper[] = method.getParameterTypes();
            result.add("(" + parameterTypes.map(type => sourceTypeName(type.getName() as string)).join(",") + ")");
        }
        return result;
    }

    private makeHook(entry: HookEntry, target: HookTarget): Java.MethodImplementation {
        const installer = this;
        const { method, sig } = target;
        const argumentTypes = method.argumentTypes.map(type => type.className ?? type.name);
        const returnType = method.returnType.className ?? method.returnType.name;

        return function (this: Java.Wrapper, ...args: unknown[]): unknown {
            const state = installer.enterThread();
            try {
                if (state.agentDepth > 0 || state.active.has(entry.id) || !installer.matches(entry, args, state)) {
                    return method.apply(this, args);
                }
                state.active.add(entry.id);
                let result: unknown;
                let thrown: unknown;
                let threw = false;
                try {
                    try {
                        result = method.apply(this, args);
                    } catch (error) {
                        threw = true;
                        thrown = error;
                    }
                    installer.record(entry, sig, args, argumentTypes, returnType, result, threw, thrown, state);
                } finally {
                    state.active.delete(entry.id);
                }
                if (threw) {
                    // The very error the bridge raised: it carries the original Java exception back to the app.
                    throw thrown;
                }
                return result;
            } finally {
                installer.leaveThread(state);
            }
        };
    }

    private enterThread(): ThreadState {
        const id = Process.getCurrentThreadId();
        let state = this.threads.get(id);
        if (state === undefined) {
            state = { active: new Set(), agentDepth: 0 };
            this.threads.set(id, state);
        }
        return state;
    }

    private leaveThread(state: ThreadState): void {
        if (state.active.size === 0 && state.agentDepth === 0) {
            this.threads.delete(Process.getCurrentThreadId());
        }
    }

    private matches(entry: HookEntry, args: unknown[], state: ThreadState): boolean {
        if (entry.match === null) {
            return true;
        }
        state.agentDepth++;
        try {
            const text = this.describer.stringOf(args[entry.match.arg]);
            return text !== null && entry.match.equals.includes(text);
        } catch (error) {
            this.outbox.problem(`match:${entry.id}`, `${entry.id}: cannot read argument ${entry.match.arg} for the `
                + `match filter, call recorded: ${errorText(error)}`);
            return true;
        } finally {
            state.agentDepth--;
        }
    }

    /** Describe and queue one call. Never throws: a recording problem must not reach the app. */
    private record(entry: HookEntry, sig: string, args: unknown[], argumentTypes: string[], returnType: string,
                   result: unknown, threw: boolean, thrown: unknown, state: ThreadState): void {
        state.agentDepth++;
        try {
            const describedArgs: AgentValue[] = args.map((value, index) =>
                this.describer.describe(value, argumentTypes[index] ?? "java.lang.Object"));
            const thread = jniCalls.currentThread();
            let frames: string[] | null = null;
            try {
                frames = captureStack(entry.cls, entry.method, this.hookedMethods, this.options.stackDepth);
            } catch (error) {
                this.outbox.problem(`stack:${entry.id}`, `${entry.id}: stack not captured: ${errorText(error)}`);
            }
            const event = {
                entry: entry.id,
                cls: entry.cls,
                method: entry.method,
                sig,
                args: describedArgs,
                tid: thread.tid,
                tname: thread.tname,
            };
            if (threw) {
                const handle = (thrown as { $h?: NativePointer } | null)?.$h;
                const description = handle instanceof NativePointer
                    ? this.describer.describeThrowable(handle)
                    : { cls: "<agent error>", message: errorText(thrown) };
                this.outbox.add({ ...event, threw: description }, frames);
            } else if (returnType !== "void") {
                this.outbox.add({ ...event, ret: this.describer.describe(result, returnType) }, frames);
            } else {
                this.outbox.add(event, frames);
            }
        } catch (error) {
            this.outbox.problem(`record:${entry.id}`, `${entry.id}: call not recorded: ${errorText(error)}`);
        } finally {
            state.agentDepth--;
        }
    }
}
