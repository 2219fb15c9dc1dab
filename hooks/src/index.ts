// consent-audit's Frida agent. The host loads it, calls `init` with the hook catalog, and receives
// `events:batch`, `hooks:coverage` and `agent:log` messages (shapes in protocol.ts, documented in docs/agent.md).
import Java from "frida-java-bridge";

import { BundledClasses } from "./bundled.js";
import { Evidence, Outbox } from "./events.js";
import { compileEntries, HookInstaller } from "./installer.js";
import { jniCalls } from "./jni.js";
import { matchProblem } from "./matching.js";
import { NativeHooks } from "./native.js";
import { JavaProbe } from "./probe.js";
import {
    DEFAULT_OPTIONS, type AgentOptions, type Coverage, type CoverageMessage, type Cursor, type HookEntry,
    type InitRequest, type InitResult, type NativeArg, type NativeEntry, type Stats,
} from "./protocol.js";

const outbox = new Outbox(DEFAULT_OPTIONS);
const evidence = new Evidence(outbox);
let initialised = false;
let probe: JavaProbe | null = null;
let bundled: BundledClasses | null = null;

const NATIVE_ARGS: ReadonlySet<string> = new Set<NativeArg>(["skip", "int", "pointer", "cstring", "out-cstring", "sockaddr"]);

function checkedOptions(given: Partial<AgentOptions> | undefined): AgentOptions {
    const options: AgentOptions = { ...DEFAULT_OPTIONS };
    for (const [name, value] of Object.entries(given ?? {})) {
        if (!(name in DEFAULT_OPTIONS)) {
            throw new Error(`init: unknown option ${name}`);
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
            throw new Error(`init: option ${name} must be a positive integer, got ${JSON.stringify(value)}`);
        }
        options[name as keyof AgentOptions] = value;
    }
    return options;
}

function checkedEntries(entries: unknown): HookEntry[] {
    if (!Array.isArray(entries)) {
        throw new Error("init: entries must be a list");
    }
    return entries.map((entry: Partial<HookEntry>, index) => {
        const where = `init: entries[${index}]`;
        for (const field of ["id", "cls", "method"] as const) {
            if (typeof entry[field] !== "string" || entry[field] === "") {
                throw new Error(`${where}.${field} must be a non-empty string`);
            }
        }
        const overloads = entry.overloads;
        const overloadsValid = overloads === "all" || (Array.isArray(overloads)
            && overloads.every(list => Array.isArray(list) && list.every(type => typeof type === "string")));
        if (!overloadsValid) {
            throw new Error(`${where}.overloads must be "all" or lists of parameter types`);
        }
        const problem = matchProblem(entry.match);
        if (problem !== null) {
            throw new Error(`${where}.${problem}`);
        }
        const capture = entry.capture ?? "values";
        if (capture !== "values" && capture !== "count") {
            throw new Error(`${where}.capture must be "values" or "count"`);
        }
        const wraps = entry.wraps ?? [];
        if (!Array.isArray(wraps) || !wraps.every(id => typeof id === "string")) {
            throw new Error(`${where}.wraps must be a list of entry ids`);
        }
        return { ...entry, match: entry.match ?? null, receiver: entry.receiver === true, bundled: entry.bundled === true,
            capture, wraps } as HookEntry;
    });
}

function checkedNative(entries: unknown): NativeEntry[] {
    if (entries === undefined) {
        return [];
    }
    if (!Array.isArray(entries)) {
        throw new Error("init: native must be a list");
    }
    return entries.map((entry: Partial<NativeEntry>, index) => {
        const where = `init: native[${index}]`;
        for (const field of ["id", "cls"] as const) {
            if (typeof entry[field] !== "string" || entry[field] === "") {
                throw new Error(`${where}.${field} must be a non-empty string`);
            }
        }
        if (!Array.isArray(entry.functions) || entry.functions.length === 0) {
            throw new Error(`${where}.functions must be a non-empty list`);
        }
        for (const [position, spec] of entry.functions.entries()) {
            if (typeof spec?.symbol !== "string" || !Array.isArray(spec.args)
                || !spec.args.every(kind => NATIVE_ARGS.has(kind))
                || !["int", "pointer", "void"].includes(spec.returns)) {
                throw new Error(`${where}.functions[${position}] must be {symbol, module, args, returns}`);
            }
        }
        const problem = matchProblem(entry.match);
        if (problem !== null) {
            throw new Error(`${where}.${problem}`);
        }
        return { ...entry, match: entry.match ?? null } as NativeEntry;
    });
}

function announce(coverage: Coverage): void {
    const message: CoverageMessage = { type: "hooks:coverage", trigger: "init", ts: Date.now(), ...coverage };
    send(message);
}

function init(request: InitRequest): Promise<InitResult> {
    if (initialised) {
        return Promise.reject(new Error("init: hooks are already installed in this process"));
    }
    let options: AgentOptions;
    let entries: HookEntry[];
    let nativeEntries: NativeEntry[];
    try {
        options = checkedOptions(request.options);
        entries = checkedEntries(request.entries);
        nativeEntries = checkedNative(request.native);
    } catch (error) {
        return Promise.reject(error);
    }
    initialised = true;
    outbox.configure(options);
    const coverage: Coverage = { installed: [], failed: [], pending: [], absent: [] };
    // Native hooks go in now, not when the Java VM is ready: on Android `Java.perform` waits for the app's class
    // loader, and native code may run before that.
    const native = new NativeHooks(outbox, evidence, options);
    native.install(nativeEntries, coverage);

    if (!Java.available) {
        for (const entry of entries) {
            coverage.failed.push({ entry: entry.id, cls: entry.cls, method: entry.method,
                error: `no Java VM in process ${request.process?.name ?? "?"}` });
        }
        announce(coverage);
        return Promise.resolve({ ts: Date.now(), ...coverage });
    }
    return new Promise((resolve, reject) => {
        Java.perform(() => {
            try {
                jniCalls.prepare();
                probe = new JavaProbe();
                const installer = new HookInstaller(outbox, evidence, probe, options);
                native.useJava(probe, installer.threads, installer.hookedMethods);
                const compiled = compileEntries(entries, { appPackage: (request.process?.name ?? "").split(":")[0] ?? "" });
                installer.installByName(compiled.filter(entry => !entry.spec.bundled), coverage);
                bundled = new BundledClasses(installer, outbox, compiled.filter(entry => entry.spec.bundled));
                bundled.start(coverage);
                announce(coverage);
                // On HotSpot the bridge swaps method code in on the next tick: answer only after that, so that "init
                // returned" means "the hooks fire". It does so through a VM operation run from this thread, which
                // leaves the thread marked as inside the VM: one JNI call marks it back as native code, or the VM
                // would wait for it at its next safepoint, forever, should this thread stay idle.
                Script.nextTick(() => {
                    try {
                        jniCalls.currentThread();
                    } finally {
                        resolve({ ts: Date.now(), ...coverage });
                    }
                });
            } catch (error) {
                reject(error);
            }
        });
    });
}

rpc.exports = {
    init,
    /** Flush, and start a new evidence epoch: the host calls this for every marker. */
    cursor(): Cursor {
        const cursor = outbox.cursor();
        evidence.newEpoch();
        return cursor;
    },
    /** Flush without starting an epoch (the host waiting for what was recorded so far). */
    flush(): Cursor {
        return outbox.cursor();
    },
    finish(): Cursor {
        return outbox.finish();
    },
    stats(): Stats {
        return {
            calls: outbox.recorded,
            stacks: evidence.walks,
            sites: evidence.sites,
            epoch: evidence.epoch,
            pending: bundled?.pendingCount ?? 0,
            call_sites: probe?.callSites ?? "full-stack",
        };
    },
    // Frida calls this when the script is unloaded or the process exits. On exit what it sends still
    // arrives; on an unload it does not, which is why the host calls `finish` first.
    dispose(): void {
        outbox.flush();
    },
};
